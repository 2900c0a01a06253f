"""What each instrumented place counts when things go wrong: a NaN, a corrupt checkpoint, an expired
lease, a failed or cancelled job. Read straight from the registry, as differences."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from muralist.engine import checkpoint
from muralist.engine.engine import Engine, Event
from muralist.engine.request import prepare
from muralist.observability.metrics import REGISTRY
from muralist.queue.store import JobStore
from muralist.queue.tenants import create_tenant
from muralist.storage.objects import LocalStore
from muralist.types import GenerationParams, JobStatus, Tier


def reader(name: str, **labels: str) -> Callable[[], float]:
    """A function that returns how much `name{labels}` grew since this call."""
    start = REGISTRY.get_sample_value(name, labels) or 0.0
    return lambda: (REGISTRY.get_sample_value(name, labels) or 0.0) - start


def params(**changes: Any) -> GenerationParams:
    base = {"prompt": "a cat", "model": "tiny", "seed": 10, "width": 32, "height": 32, "steps": 6}
    return GenerationParams(**{**base, **changes})


def test_a_nan_in_one_image_counts_the_job_once_and_prices_the_images_that_survive(
    tiny_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    nan_jobs, denoised = reader("nan_guard_total", model="tiny"), reader("denoise_seconds_count", model="tiny")
    images = reader("device_seconds_per_image_count", model="tiny")
    forward, calls = tiny_model.unet.forward, {"n": 0}

    def nan_in_two_of_four_images_at_step_2(x, t, **kwargs):  # noqa: ANN001, ANN202
        out = forward(x, t, **kwargs)
        calls["n"] += 1
        if calls["n"] == 2:  # rows: 4 unconditional, then 4 conditional
            out[0][0] = out[0][1] = float("nan")
        return out

    monkeypatch.setattr(tiny_model.unet, "forward", nan_in_two_of_four_images_at_step_2)
    events: list[Event] = []
    engine = Engine({"tiny": tiny_model}, max_batch=4, preview_every=0, on_event=events.append)
    engine.submit("job", params(n=4))
    engine.run_until_idle()

    (finished,) = [e for e in events if e.kind == "finished"]
    assert sum(r.pixels is not None for r in finished.results or []) == 2
    assert (nan_jobs(), denoised(), images()) == (1, 1, 2)
    assert finished.device_seconds > 0


def test_a_checkpoint_that_fails_its_digest_is_counted(tiny_model: Any, tmp_path: Path) -> None:
    failures = reader("checkpoint_digest_failures_total")
    writes = reader("checkpoint_write_seconds_count")
    store, p = LocalStore(tmp_path), params()
    states = [s.state for s in prepare(tiny_model, p)]
    good = checkpoint.save(store, "job", p.digest(), states)
    bad = checkpoint.save(store, "job", p.digest(), [dataclasses.replace(s, step=3) for s in states])
    store.put(bad, store.get(bad)[:-1] + b"x")  # one byte changed on disk

    found = checkpoint.load_newest(store, "job", p.digest())

    assert found is not None and found[0] == 0 and good < bad
    assert (failures(), writes()) == (1, 2)


def store_with_job(tmp_path: Path, tier: Tier = Tier.FREE, **kwargs: Any) -> tuple[JobStore, str]:
    store = JobStore.open(f"sqlite:///{tmp_path / 'jobs.db'}", **kwargs)
    job = store.enqueue(create_tenant(store.engine, "acme", tier), params(), 30, None)
    return store, job


def test_an_expired_lease_is_a_rescue_and_the_last_attempt_a_failed_job(tmp_path: Path) -> None:
    rescues, failed = reader("lease_rescues_total"), reader("job_outcomes_total", outcome="failed", tier="free")
    waits = reader("queue_wait_seconds_count", lane="free", tier="free")
    store, job = store_with_job(tmp_path, lease_s=0.05, max_attempts=2)

    assert store.claim("w1") is not None
    time.sleep(0.1)
    assert store.rescue() == [job] and store.job(job).state == JobStatus.QUEUED
    assert (rescues(), failed()) == (1, 0)
    assert store.claim("w2") is not None  # the second start is not a second queue wait
    time.sleep(0.1)
    assert store.rescue() == [job] and store.job(job).state == JobStatus.FAILED
    assert (rescues(), failed(), waits()) == (2, 1, 1)


def test_failed_and_cancelled_jobs_are_counted_by_tier(tmp_path: Path) -> None:
    failed = reader("job_outcomes_total", outcome="failed", tier="pro")
    cancelled = reader("job_outcomes_total", outcome="cancelled", tier="pro")
    submitted = reader("jobs_submitted_total", tier="pro")
    store, job = store_with_job(tmp_path, Tier.PRO)
    claim = store.claim("w1")
    assert claim is not None and store.fail(claim, "broken", retry=False) == JobStatus.FAILED
    other = store.enqueue(store.job(job).tenant_id, params(), 30, None)
    assert store.cancel(other) and not store.cancel(other)  # cancelling twice counts once
    assert (failed(), cancelled(), submitted()) == (1, 1, 2)


def test_count_verdict_counts_a_real_verdict_by_stage_category_and_decision() -> None:
    from muralist.observability.metrics import count_verdict
    from muralist.safety.prompt_filter import PromptFilter

    blocked = reader("safety_decisions_total", stage="prompt", category="violence_gore", decision="block")
    allowed = reader("safety_decisions_total", stage="prompt", category="none", decision="allow")
    screen = PromptFilter.load(embedding=False).screen

    verdict = screen("a man being skinned alive, gore")
    assert count_verdict(verdict) is verdict and verdict.blocked
    count_verdict(screen("a lighthouse on a cliff at sunset"))
    count_verdict(screen("a cat on a sofa"))
    assert (blocked(), allowed()) == (1, 2)
