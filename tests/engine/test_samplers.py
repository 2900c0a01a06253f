"""Samplers as pure functions: schedules equal diffusers', state is serialisable and resumable."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
)

from muralist.engine import samplers
from muralist.engine.samplers import NoiseSchedule, SamplerState
from muralist.errors import ModelError, UserError
from muralist.types import Sampler

SD = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1}
DIFFUSERS = {
    Sampler.DDIM: (DDIMScheduler, {}),
    Sampler.EULER: (EulerDiscreteScheduler, {}),
    Sampler.EULER_A: (EulerAncestralDiscreteScheduler, {}),
    Sampler.DPMPP_2M: (DPMSolverMultistepScheduler, {}),
    Sampler.DPMPP_2M_KARRAS: (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
}


@pytest.mark.parametrize("spacing", [None, "linspace", "leading", "trailing"])
@pytest.mark.parametrize("steps", [1, 7, 30, 50])
@pytest.mark.parametrize("sampler", list(Sampler))
def test_schedule_visits_the_timesteps_diffusers_visits(sampler: Sampler, steps: int, spacing: str | None) -> None:
    config = {**SD, **({"timestep_spacing": spacing} if spacing else {})}
    cls, extra = DIFFUSERS[sampler]
    ref = cls.from_config(config, **extra)
    ref.set_timesteps(steps)
    ours = samplers.make_schedule(NoiseSchedule.from_config(config), sampler, steps)
    np.testing.assert_array_equal(ours.timesteps.numpy(), ref.timesteps.float().numpy())
    if sampler != Sampler.DDIM:
        np.testing.assert_array_equal(ours.sigmas.numpy(), ref.sigmas.numpy())
    assert ours.init_noise_sigma == pytest.approx(float(ref.init_noise_sigma), rel=1e-6)


def _toy_denoiser(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """A smooth, input-dependent stand-in for a UNet (pure function of latents and timestep)."""
    return torch.tanh(x * 0.7 + t / 1000) * 0.9


def _run(schedule: samplers.Schedule, state: SamplerState, until: int) -> SamplerState:
    while state.step < until:
        out = _toy_denoiser(samplers.model_input(schedule, state.latents, state.step), schedule.timesteps[state.step])
        state = samplers.step(schedule, state, out)
    return state


@pytest.mark.parametrize("sampler", list(Sampler))
def test_state_round_trips_and_resumes_bit_for_bit(sampler: Sampler) -> None:
    """Stop half-way, serialise the state through torch.save, resume: the same latents as a straight run."""
    import io

    eta = 0.5 if sampler == Sampler.DDIM else 0.0  # ddim with noise, so its RNG state matters too
    schedule = samplers.make_schedule(NoiseSchedule.from_config(SD), sampler, 20, eta=eta)
    first, _ = samplers.start(schedule, torch.Generator().manual_seed(3), (1, 4, 8, 8))
    straight = _run(schedule, first, 20)

    half = _run(schedule, first, 11)
    buffer = io.BytesIO()
    torch.save(half.to_dict(), buffer)
    buffer.seek(0)
    resumed = _run(schedule, SamplerState.from_dict(torch.load(buffer)), 20)
    assert torch.equal(resumed.latents, straight.latents)
    assert torch.isfinite(straight.latents).all()


def test_ancestral_noise_comes_from_the_sample_state_alone() -> None:
    """Two samples stepped in either order give the same results: no hidden global RNG."""
    schedule = samplers.make_schedule(NoiseSchedule.from_config(SD), Sampler.EULER_A, 10)
    a, _ = samplers.start(schedule, torch.Generator().manual_seed(1), (1, 4, 8, 8))
    b, _ = samplers.start(schedule, torch.Generator().manual_seed(2), (1, 4, 8, 8))
    out = torch.zeros(1, 4, 8, 8)
    a1, b1 = samplers.step(schedule, a, out), samplers.step(schedule, b, out)
    torch.manual_seed(99)  # the global generator must not matter
    b2, a2 = samplers.step(schedule, b, out), samplers.step(schedule, a, out)
    assert torch.equal(a1.latents, a2.latents) and torch.equal(b1.latents, b2.latents)


def test_step_functions_take_per_sample_sigma_vectors() -> None:
    """One call over a batch at different noise levels equals one call per sample."""
    x, out = torch.randn(3, 4, 8, 8), torch.randn(3, 4, 8, 8)
    sigma = torch.tensor([14.6, 3.0, 0.2]).view(3, 1, 1, 1)
    sigma_next = torch.tensor([10.0, 2.0, 0.0]).view(3, 1, 1, 1)
    batched = samplers.euler_step(x, out, sigma, sigma_next, "epsilon")
    for k in range(3):
        alone = samplers.euler_step(x[k : k + 1], out[k : k + 1], sigma[k], sigma_next[k], "epsilon")
        torch.testing.assert_close(batched[k : k + 1], alone, rtol=0, atol=0)


def test_img2img_strength_decides_where_the_schedule_starts() -> None:
    noise = NoiseSchedule.from_config(SD)
    assert samplers.make_schedule(noise, Sampler.DDIM, 50, strength=1.0).start == 0
    assert samplers.make_schedule(noise, Sampler.DDIM, 50, strength=0.6).start == 20
    with pytest.raises(UserError, match="runs no step"):
        samplers.make_schedule(noise, Sampler.DDIM, 10, strength=0.05)


def test_bad_schedules_are_refused_with_a_reason() -> None:
    with pytest.raises(UserError, match="steps must be 1..1000"):
        samplers.make_schedule(NoiseSchedule.from_config(SD), Sampler.EULER, 1001)
    with pytest.raises(ModelError, match="prediction_type 'sample'"):
        NoiseSchedule.from_config({**SD, "prediction_type": "sample"})
    with pytest.raises(ModelError, match="thresholding"):
        NoiseSchedule.from_config({**SD, "thresholding": True})
