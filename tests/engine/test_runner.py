"""The runner: many samples share one UNet call; one sample's failure never touches another."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from muralist.engine import pipeline
from muralist.engine.request import Sample, prepare
from muralist.engine.runner import denoise_step
from muralist.errors import NonFiniteLatentsError
from muralist.finishing.decode import decode
from muralist.types import GenerationParams, Kind, Sampler


def _params(**changes: object) -> GenerationParams:
    base = GenerationParams(prompt="a cat", model="tiny", seed=10, width=32, height=32, steps=8)
    return dataclasses.replace(base, **changes)


def run_to_end(model, samples: list[Sample]) -> list[Sample]:  # noqa: ANN001
    """Step samples together until each finishes or fails (the engine's loop, minus scheduling)."""
    while running := [s for s in samples if not s.done]:
        for sample, result in zip(running, denoise_step(model, running), strict=True):
            if isinstance(result, NonFiniteLatentsError):
                sample.error = str(result)
            else:
                sample.state = result
    return samples


def assert_same_image(model, a, b) -> None:  # noqa: ANN001
    """Batching changes float rounding, never the picture: at most 1 level of 255 apart."""
    pixels = decode(model, torch.cat([a.state.latents, b.state.latents])).astype(int)
    assert abs(pixels[0] - pixels[1]).max() <= 1


def test_nan_in_one_sample_fails_it_alone_naming_the_step(tiny_model, monkeypatch: pytest.MonkeyPatch) -> None:
    (alone,) = run_to_end(tiny_model, prepare(tiny_model, _params(seed=11)))

    poisoned, healthy = prepare(tiny_model, _params(seed=10)) + prepare(tiny_model, _params(seed=11))
    forward = tiny_model.unet.forward
    calls = {"n": 0}

    def forward_with_nan_at_step_3(x, t, **kwargs):  # noqa: ANN001, ANN202
        out = forward(x, t, **kwargs)
        calls["n"] += 1
        if calls["n"] == 3:  # rows: [uncond poisoned, uncond healthy, cond poisoned, cond healthy]
            out[0][0] = float("nan")
        return out

    monkeypatch.setattr(tiny_model.unet, "forward", forward_with_nan_at_step_3)
    run_to_end(tiny_model, [poisoned, healthy])

    assert poisoned.error == "latents became non-finite (NaN or inf) at step 3 of 8"
    assert poisoned.state.step == 2  # the bad state was never kept
    assert healthy.error is None
    assert_same_image(tiny_model, healthy, alone)


def test_generate_reports_the_failed_image_and_keeps_the_others(tiny_model, monkeypatch: pytest.MonkeyPatch) -> None:
    forward = tiny_model.unet.forward

    calls = {"n": 0}

    def inf_in_first_image_at_step_1(x, t, **kwargs):  # noqa: ANN001, ANN202
        out = forward(x, t, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:
            out[0][0] = float("inf")
        return out

    monkeypatch.setattr(tiny_model.unet, "forward", inf_in_first_image_at_step_1)
    first, second = pipeline.generate(tiny_model, _params(n=2))
    assert first.pixels is None and "step 1 of 8" in (first.error or "")
    assert second.pixels is not None and second.pixels.shape == (32, 32, 3)
    assert second.params.seed == 11 and second.params.n == 1


def test_samples_at_different_steps_and_samplers_share_one_call(tiny_model) -> None:
    """A sample that joins late, with another sampler and guidance, ends as it would alone."""
    slow = _params(sampler=Sampler.DPMPP_2M, steps=10, guidance_scale=5.0, seed=1)
    late = _params(sampler=Sampler.EULER_A, steps=6, guidance_scale=1.0, seed=2, negative_prompt="dog")
    (slow_alone,) = run_to_end(tiny_model, prepare(tiny_model, slow))
    (late_alone,) = run_to_end(tiny_model, prepare(tiny_model, late))

    (a,) = prepare(tiny_model, slow)
    (b,) = prepare(tiny_model, late)
    for _ in range(3):
        (a.state,) = denoise_step(tiny_model, [a])
    run_to_end(tiny_model, [a, b])  # now a is at step 3 and b at step 0 in the same batches
    assert_same_image(tiny_model, a, slow_alone)
    assert_same_image(tiny_model, b, late_alone)


def test_inpainting_keeps_the_unmasked_region_on_the_init_image(tiny_model) -> None:
    from PIL import Image

    init = Image.new("RGB", (32, 32), (200, 40, 40))
    mask = Image.new("L", (32, 32), 0)
    mask.paste(255, (0, 0, 16, 32))  # repaint the left half
    params = _params(kind=Kind.INPAINT, init_image="sha256:x", mask="sha256:y", strength=1.0)
    (sample,) = run_to_end(tiny_model, prepare(tiny_model, params, init, mask))
    assert sample.inpaint is not None
    final, init_latents = sample.state.latents, sample.inpaint.image_latents
    # Latent cells are 2 px here: columns 0..7 are repainted, 8..15 kept.
    assert torch.equal(final[..., 8:], init_latents[..., 8:])
    assert (final[..., :8] - init_latents[..., :8]).abs().mean() > 0.1


def test_rows_with_text_of_different_lengths_share_a_call(tiny_model) -> None:  # noqa: ANN001
    """Padding plus an attention mask: a short embedding attends only to its own tokens."""
    (short,) = prepare(tiny_model, _params(seed=3))
    (alone,) = prepare(tiny_model, _params(seed=3))
    (other,) = prepare(tiny_model, _params(seed=4))
    short.cond, short.uncond = short.cond[:, :20], short.uncond[:, :20]
    alone.cond, alone.uncond = alone.cond[:, :20], alone.uncond[:, :20]
    run_to_end(tiny_model, [short, other])
    run_to_end(tiny_model, [alone])
    assert_same_image(tiny_model, short, alone)
