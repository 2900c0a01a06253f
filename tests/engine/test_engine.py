"""The engine: continuous batching that never changes an image, budgets, cancellation, progress,
previews and step-level checkpoints."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from muralist.engine.engine import Engine, Event
from muralist.storage.objects import LocalStore
from muralist.types import GenerationParams, Sampler


def params(**changes: object) -> GenerationParams:
    base = GenerationParams(prompt="a cat", model="tiny", seed=10, width=32, height=32, steps=8)
    return dataclasses.replace(base, **changes)


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, request_id: str, kind: str) -> list[Event]:
        return [e for e in self.events if e.request_id == request_id and e.kind == kind]

    def images(self, request_id: str) -> list[np.ndarray]:
        (done,) = self.of(request_id, "finished")
        assert done.results is not None
        return [r.pixels for r in done.results if r.pixels is not None]


def alone(model, p: GenerationParams) -> list[np.ndarray]:  # noqa: ANN001
    recorder = Recorder()
    engine = Engine({"tiny": model}, max_batch=4, on_event=recorder, preview_every=0)
    engine.submit("alone", p)
    engine.run_until_idle()
    return recorder.images("alone")


MIXED = {
    "ddim": params(sampler=Sampler.DDIM, steps=9, seed=1, n=2, negative_prompt="blurry"),
    "ddim-eta": params(sampler=Sampler.DDIM, steps=7, seed=2, eta=0.7, guidance_scale=4.0),
    "euler": params(sampler=Sampler.EULER, steps=6, seed=3, guidance_scale=1.0),
    "euler_a": params(sampler=Sampler.EULER_A, steps=10, seed=4, prompt="a red dog"),
    "dpmpp_2m": params(sampler=Sampler.DPMPP_2M, steps=8, seed=5, n=2, guidance_scale=9.0),
    "dpmpp_2m_karras": params(sampler=Sampler.DPMPP_2M_KARRAS, steps=5, seed=6),
}


@pytest.mark.parametrize("unet", ["eager", "frozen"])
def test_a_request_in_a_busy_mixed_batch_gives_the_image_it_gives_alone(unet: str, request) -> None:  # noqa: ANN001
    tiny_model = request.getfixturevalue("tiny_model" if unet == "eager" else "frozen_tiny_model")
    recorder = Recorder()
    engine = Engine({"tiny": tiny_model}, max_batch=8, on_event=recorder, preview_every=0)
    names = list(MIXED)
    for name in names[:3]:
        engine.submit(name, MIXED[name])
    for _ in range(3):  # the others arrive while the first are mid-way
        engine.step()
    for name in names[3:]:
        engine.submit(name, MIXED[name])
    engine.run_until_idle()
    assert engine.unet_calls < sum(p.steps for p in MIXED.values())  # the calls really were shared
    for name, p in MIXED.items():
        together, single = recorder.images(name), alone(tiny_model, p)
        assert len(together) == p.n
        for a, b in zip(together, single, strict=True):
            assert np.abs(a.astype(int) - b.astype(int)).max() <= 1, name


def test_no_step_beyond_the_budget(tiny_model) -> None:  # noqa: ANN001
    recorder = Recorder()
    engine = Engine({"tiny": tiny_model}, on_event=recorder, preview_every=0)
    engine.submit("greedy", params(steps=200), budget=30)
    engine.run_until_idle()
    assert engine.unet_calls == 30
    (failed,) = recorder.of("greedy", "failed")
    assert failed.error == "step budget exhausted: the request asked for 200 steps, its budget is 30"


def test_cancelled_request_leaves_the_batch_at_the_next_step(tiny_model) -> None:  # noqa: ANN001
    recorder = Recorder()
    engine = Engine({"tiny": tiny_model}, on_event=recorder, preview_every=0)
    engine.submit("keep", params(steps=8))
    engine.submit("drop", params(steps=8, seed=99))
    engine.step()
    engine.step()
    assert engine.cancel("drop")
    engine.run_until_idle()
    assert [e.step for e in recorder.of("drop", "cancelled")] == [2]
    assert len(recorder.of("drop", "progress")) == 2
    assert len(recorder.of("keep", "progress")) == 7 and recorder.of("keep", "finished")


def test_progress_every_step_and_a_preview_that_changes(tiny_model) -> None:  # noqa: ANN001
    recorder = Recorder()
    engine = Engine({"tiny": tiny_model}, on_event=recorder, preview_every=2)
    engine.submit("job", params(steps=8, n=2))
    engine.run_until_idle()
    progress = recorder.of("job", "progress")
    assert [e.step for e in progress] == list(range(1, 8))  # the 8th step is reported as finished
    assert all(e.total == 8 and e.eta_s is not None and e.eta_s >= 0 for e in progress)
    previews = [e.previews for e in progress if e.previews is not None]
    assert len(previews) == 3 and all(len(p) == 2 and p[0].shape == (16, 16, 3) for p in previews)
    assert np.abs(previews[0][0].astype(int) - previews[-1][0].astype(int)).mean() > 1


def test_resume_from_the_newest_valid_checkpoint(tiny_model, tmp_path: Path) -> None:  # noqa: ANN001
    p = params(steps=25, sampler=Sampler.DPMPP_2M, n=2)  # multistep history must survive too
    expected = alone(tiny_model, p)
    store = LocalStore(tmp_path / "objects")

    crashed = Engine({"tiny": tiny_model}, store=store, checkpoint_every=10, preview_every=0)
    crashed.submit("job", p)
    for _ in range(22):
        crashed.step()
    names = store.list("checkpoints/job")
    assert [n.rsplit("/", 1)[1] for n in names] == ["000010", "000020"]

    # Corrupt the newest: the engine must fall back to step 10, count it, and still match.
    blob = bytearray(store.get(names[-1]))
    blob[-100] ^= 0xFF
    store.put(names[-1], bytes(blob))
    recorder = Recorder()
    resumed = Engine({"tiny": tiny_model}, store=store, checkpoint_every=10, preview_every=0, on_event=recorder)
    resumed.submit("job", p)
    resumed.run_until_idle()
    assert [e.step for e in recorder.of("job", "resumed")] == [10]
    assert resumed.stats.digest_failures == 1 and resumed.unet_calls == 15
    for a, b in zip(recorder.images("job"), expected, strict=True):
        assert np.array_equal(a, b)
    assert store.list("checkpoints/job") == []  # a finished request leaves nothing behind


def test_a_checkpoint_step_is_reported_only_once_its_checkpoint_is_stored(tiny_model, tmp_path: Path) -> None:  # noqa: ANN001
    # The worker records the newest checkpoint with each progress row; had the event come first (as
    # it did before), the row would name the previous checkpoint, and a process killed between the
    # two would have shown step N with no checkpoint N behind it.
    store = LocalStore(tmp_path / "objects")
    seen: list[tuple[int, list[str]]] = []

    def on_event(event: Event) -> None:
        if event.kind == "progress" and event.step % 4 == 0:
            seen.append((event.step, [n.rsplit("/", 1)[1] for n in store.list(f"checkpoints/{event.request_id}")]))

    engine = Engine({"tiny": tiny_model}, store=store, checkpoint_every=4, preview_every=0, on_event=on_event)
    engine.submit("job", params(steps=10))
    engine.run_until_idle()
    assert seen == [(4, ["000004"]), (8, ["000004", "000008"])]


def test_checkpoint_made_for_other_parameters_is_ignored(tiny_model, tmp_path: Path) -> None:  # noqa: ANN001
    store = LocalStore(tmp_path / "objects")
    first = Engine({"tiny": tiny_model}, store=store, checkpoint_every=5, preview_every=0)
    first.submit("job", params(steps=12))
    for _ in range(6):
        first.step()
    recorder = Recorder()
    second = Engine({"tiny": tiny_model}, store=store, checkpoint_every=5, preview_every=0, on_event=recorder)
    second.submit("job", params(steps=12, seed=77))
    second.run_until_idle()
    assert recorder.of("job", "resumed") == [] and second.unet_calls == 12


def test_unknown_model_is_refused(tiny_model) -> None:  # noqa: ANN001
    from muralist.errors import UserError

    with pytest.raises(UserError, match="not loaded here"):
        Engine({"tiny": tiny_model}).submit("x", params(model="other"))
