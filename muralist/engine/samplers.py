"""Samplers: pure functions over explicit, serialisable state.

A sampler is three things: a `Schedule` (which timesteps and noise levels a request visits, built
once from the model's training noise schedule), a `SamplerState` (latents, step index, multistep
history, RNG state: everything that changes, so a checkpoint is just this state), and `step`, which
maps (schedule, state, model output) to the next state. Nothing is hidden on `self`.

diffusers' schedulers are the reference: for the same model, seed and steps, each sampler here
visits the same timesteps and computes the same update as the diffusers scheduler named beside it,
including how that scheduler reads `scheduler_config.json` (spacing, offset, defaults).

| sampler          | diffusers scheduler                                | paper                          |
|------------------|----------------------------------------------------|--------------------------------|
| ddim             | DDIMScheduler (eta)                                | Song et al. 2020, 2010.02502   |
| euler            | EulerDiscreteScheduler                             | Karras et al. 2022, 2206.00364 |
| euler_a          | EulerAncestralDiscreteScheduler                    | k-diffusion (Crowson)          |
| dpmpp_2m         | DPMSolverMultistepScheduler (dpmsolver++, order 2) | Lu et al. 2022, 2211.01095     |
| dpmpp_2m_karras  | the same with use_karras_sigmas=True               | + Karras et al. 2022 eq. 5     |

Noise for ancestral steps is drawn from the sample's own CPU generator, so an image is the same on
every device and can be resumed from a checkpoint mid-way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from muralist.errors import ModelError, UserError
from muralist.types import Sampler

PREDICTION_TYPES = ("epsilon", "v_prediction")
BETA_SCHEDULES = ("linear", "scaled_linear", "squaredcos_cap_v2")
SPACINGS = ("linspace", "leading", "trailing")

# The spacing each diffusers scheduler uses when the config does not name one.
_DEFAULT_SPACING = {
    Sampler.DDIM: "leading",
    Sampler.EULER: "linspace",
    Sampler.EULER_A: "linspace",
    Sampler.DPMPP_2M: "linspace",
    Sampler.DPMPP_2M_KARRAS: "linspace",
}


# --------------------------------------------------------------------------------------------------
# The training noise schedule (what the model was trained with; read from scheduler_config.json)


@dataclass(frozen=True)
class NoiseSchedule:
    num_train_timesteps: int = 1000
    beta_start: float = 0.0001
    beta_end: float = 0.02
    beta_schedule: str = "linear"
    trained_betas: tuple[float, ...] | None = None
    prediction_type: str = "epsilon"
    steps_offset: int = 0
    # None where the config is silent: each sampler then uses its diffusers default.
    timestep_spacing: str | None = None
    clip_sample: bool | None = None
    clip_sample_range: float = 1.0
    set_alpha_to_one: bool | None = None
    rescale_betas_zero_snr: bool = False

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> NoiseSchedule:
        """Read a diffusers scheduler config; refuse options our samplers do not implement."""
        if config.get("thresholding"):
            raise ModelError("scheduler config sets thresholding=true, which Muralist does not support")
        if config.get("timestep_type", "discrete") != "discrete":
            raise ModelError(f"scheduler config sets timestep_type={config['timestep_type']!r}; only discrete")
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in config.items() if k in known and v is not None}
        if "trained_betas" in values:
            values["trained_betas"] = tuple(float(b) for b in values["trained_betas"])
        schedule = cls(**values)
        schedule.check()
        return schedule

    def check(self) -> None:
        if self.prediction_type not in PREDICTION_TYPES:
            raise ModelError(
                f"prediction_type {self.prediction_type!r} is not supported; expected one of {PREDICTION_TYPES}"
            )
        if self.trained_betas is None and self.beta_schedule not in BETA_SCHEDULES:
            raise ModelError(f"beta_schedule {self.beta_schedule!r} is not one of {BETA_SCHEDULES}")
        if self.timestep_spacing is not None and self.timestep_spacing not in SPACINGS:
            raise ModelError(f"timestep_spacing {self.timestep_spacing!r} is not one of {SPACINGS}")

    def alphas_cumprod(self) -> torch.Tensor:
        """ᾱ_t for t = 0..N-1, float32, computed exactly as diffusers does."""
        n = self.num_train_timesteps
        if self.trained_betas is not None:
            betas = torch.tensor(self.trained_betas, dtype=torch.float32)
        elif self.beta_schedule == "linear":
            betas = torch.linspace(self.beta_start, self.beta_end, n, dtype=torch.float32)
        elif self.beta_schedule == "scaled_linear":
            betas = torch.linspace(self.beta_start**0.5, self.beta_end**0.5, n, dtype=torch.float32) ** 2
        else:  # squaredcos_cap_v2 (Nichol & Dhariwal 2021, eq. 17)
            betas = _cosine_betas(n)
        if self.rescale_betas_zero_snr:
            betas = _rescale_zero_terminal_snr(betas)
        alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        if self.rescale_betas_zero_snr:
            alphas_cumprod[-1] = 2**-24  # as diffusers: avoid an infinite sigma at t = N-1
        return alphas_cumprod


def _cosine_betas(n: int, max_beta: float = 0.999) -> torch.Tensor:
    def alpha_bar(t: float) -> float:
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2

    betas = [min(1 - alpha_bar((i + 1) / n) / alpha_bar(i / n), max_beta) for i in range(n)]
    return torch.tensor(betas, dtype=torch.float32)


def _rescale_zero_terminal_snr(betas: torch.Tensor) -> torch.Tensor:
    """Lin et al. 2023 (2305.08891), Algorithm 1: shift the schedule so the last step has zero SNR."""
    alphas_bar_sqrt = torch.cumprod(1.0 - betas, dim=0).sqrt()
    first, last = alphas_bar_sqrt[0].clone(), alphas_bar_sqrt[-1].clone()
    alphas_bar_sqrt = (alphas_bar_sqrt - last) * first / (first - last)
    alphas_bar = alphas_bar_sqrt**2
    alphas = torch.cat([alphas_bar[0:1], alphas_bar[1:] / alphas_bar[:-1]])
    return 1 - alphas


# --------------------------------------------------------------------------------------------------
# Schedules: which timesteps a request visits


@dataclass(frozen=True)
class Schedule:
    """The path of one request through noise levels. Built once; never changes while sampling.

    `timesteps[i]` is what the UNet is told at step i. The k-diffusion samplers and DPM-Solver walk
    `sigmas` (steps + 1 values, the last 0); DDIM walks `alpha_t` → `alpha_prev`. `start` > 0 skips
    the first steps (img2img: strength decides where the schedule starts).
    """

    sampler: Sampler
    prediction_type: str
    timesteps: torch.Tensor  # [steps] float32
    sigmas: torch.Tensor  # [steps + 1] float32 (unused by ddim)
    alpha_t: torch.Tensor  # [steps] float32 (ddim only)
    alpha_prev: torch.Tensor  # [steps] float32 (ddim only)
    init_noise_sigma: float
    clip_sample_range: float | None  # ddim only; None = no clipping
    eta: float = 0.0  # ddim only: 0 deterministic, 1 DDPM-like
    start: int = 0

    @property
    def steps(self) -> int:
        return int(self.timesteps.shape[0])

    @property
    def steps_to_run(self) -> int:
        return self.steps - self.start


def make_schedule(
    noise: NoiseSchedule, sampler: Sampler, steps: int, strength: float | None = None, eta: float = 0.0
) -> Schedule:
    """Build the schedule diffusers' matching scheduler would build with `set_timesteps(steps)`.

    With `strength`, the schedule starts at step `steps - int(steps * strength)`, as in diffusers'
    img2img pipeline: strength 1.0 runs every step, 0.5 the second half.
    """
    n = noise.num_train_timesteps
    if not 1 <= steps <= n:
        raise UserError(f"steps must be 1..{n} for this model, got {steps}")
    spacing = noise.timestep_spacing or _DEFAULT_SPACING[sampler]
    alphas_cumprod = noise.alphas_cumprod()
    train_sigmas = (((1 - alphas_cumprod) / alphas_cumprod) ** 0.5).numpy()
    empty = torch.zeros(0)

    if sampler == Sampler.DDIM:
        timesteps = _ddim_timesteps(spacing, n, steps, noise.steps_offset)
        final_alpha = torch.tensor(1.0) if noise.set_alpha_to_one in (None, True) else alphas_cumprod[0]
        prev = timesteps - n // steps
        alpha_t = alphas_cumprod[torch.from_numpy(timesteps)]
        alpha_prev = torch.stack([alphas_cumprod[p] if p >= 0 else final_alpha for p in prev.tolist()])
        clip = noise.clip_sample_range if noise.clip_sample in (None, True) else None
        schedule = Schedule(
            sampler,
            noise.prediction_type,
            torch.from_numpy(timesteps).float(),
            empty,
            alpha_t,
            alpha_prev,
            1.0,
            clip,
            eta,
        )
    elif sampler in (Sampler.EULER, Sampler.EULER_A):
        timesteps = _euler_timesteps(spacing, n, steps, noise.steps_offset)
        sigmas = np.interp(timesteps, np.arange(0, len(train_sigmas)), train_sigmas)
        sigmas_t = torch.from_numpy(np.concatenate([sigmas, [0.0]]).astype(np.float32))
        # The first input is pure noise at sigma_max: diffusers' init_noise_sigma.
        top = sigmas_t.max()
        init = top if spacing in ("linspace", "trailing") else (top**2 + 1) ** 0.5
        schedule = Schedule(
            sampler,
            noise.prediction_type,
            torch.from_numpy(timesteps.astype(np.float32)),
            sigmas_t,
            empty,
            empty,
            float(init),
            None,
        )
    else:
        timesteps, sigmas = _dpm_timesteps_and_sigmas(
            spacing, n, steps, noise.steps_offset, train_sigmas, karras=sampler == Sampler.DPMPP_2M_KARRAS
        )
        sigmas_t = torch.from_numpy(np.concatenate([sigmas, [0.0]]).astype(np.float32))
        schedule = Schedule(
            sampler,
            noise.prediction_type,
            torch.from_numpy(timesteps).float(),
            sigmas_t,
            empty,
            empty,
            1.0,
            None,
        )

    if strength is not None:
        start = steps - min(int(steps * strength), steps)
        if start >= steps:
            raise UserError(
                f"strength {strength} with {steps} steps runs no step (int(steps * strength) = 0); "
                "raise the strength or the steps"
            )
        schedule = replace(schedule, start=start)
    return schedule


def _ddim_timesteps(spacing: str, n: int, steps: int, offset: int) -> np.ndarray:
    if spacing == "linspace":
        return np.linspace(0, n - 1, steps).round()[::-1].copy().astype(np.int64)
    if spacing == "leading":
        ratio = n // steps
        return (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64) + offset
    ratio_f = n / steps
    return np.round(np.arange(n, 0, -ratio_f)).astype(np.int64) - 1


def _euler_timesteps(spacing: str, n: int, steps: int, offset: int) -> np.ndarray:
    if spacing == "linspace":
        return np.linspace(0, n - 1, steps, dtype=np.float32)[::-1].copy()
    if spacing == "leading":
        ratio = n // steps
        return (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.float32) + offset
    ratio_f = n / steps
    return np.arange(n, 0, -ratio_f).round().copy().astype(np.float32) - 1


def _dpm_timesteps_and_sigmas(
    spacing: str, n: int, steps: int, offset: int, train_sigmas: np.ndarray, karras: bool
) -> tuple[np.ndarray, np.ndarray]:
    if spacing == "linspace":
        timesteps = np.linspace(0, n - 1, steps + 1).round()[::-1][:-1].copy().astype(np.int64)
    elif spacing == "leading":
        ratio = n // (steps + 1)
        timesteps = (np.arange(0, steps + 1) * ratio).round()[::-1][:-1].copy().astype(np.int64) + offset
    else:
        timesteps = np.arange(n, 0, -n / steps).round().copy().astype(np.int64) - 1
    if not karras:
        return timesteps, np.interp(timesteps, np.arange(0, len(train_sigmas)), train_sigmas)
    # Karras et al. 2022, eq. 5: sigma_i = (max^(1/rho) + i/(N-1) (min^(1/rho) - max^(1/rho)))^rho.
    log_sigmas = np.log(train_sigmas)
    sigma_min, sigma_max, rho = float(train_sigmas[0]), float(train_sigmas[-1]), 7.0
    ramp = np.linspace(0, 1, steps)
    sigmas = (sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    timesteps = np.array([_sigma_to_t(s, log_sigmas) for s in sigmas]).round()
    return timesteps.astype(np.int64), sigmas


def _sigma_to_t(sigma: float, log_sigmas: np.ndarray) -> float:
    """The (fractional) training timestep whose sigma is `sigma`, by interpolation in log sigma."""
    log_sigma = np.log(np.maximum(sigma, 1e-10))
    dists = log_sigma - log_sigmas[:, np.newaxis]
    low = np.cumsum(dists >= 0, axis=0).argmax(axis=0).clip(max=log_sigmas.shape[0] - 2)
    w = np.clip((log_sigmas[low] - log_sigma) / (log_sigmas[low] - log_sigmas[low + 1]), 0, 1)
    return float(((1 - w) * low + w * (low + 1)).reshape(()))


# --------------------------------------------------------------------------------------------------
# State


@dataclass(frozen=True)
class SamplerState:
    """Everything about one sample that changes while sampling. `step` is the next step to run."""

    latents: torch.Tensor  # [1, C, H, W] float32
    step: int
    rng_state: torch.Tensor  # torch.Generator.get_state() of the sample's CPU generator
    history: tuple[torch.Tensor, ...] = field(default=())  # previous x0 predictions (dpmpp_2m)

    def to_dict(self) -> dict[str, Any]:
        """Plain tensors and ints: what a checkpoint stores."""
        return {
            "latents": self.latents.detach().cpu(),
            "step": self.step,
            "rng_state": self.rng_state.clone(),
            "history": [h.detach().cpu() for h in self.history],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SamplerState:
        return cls(data["latents"], int(data["step"]), data["rng_state"], tuple(data["history"]))


def draw_noise(
    rng_state: torch.Tensor, shape: tuple[int, ...], device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Standard normal noise from a CPU generator state; returns (noise, the generator's new state)."""
    generator = torch.Generator().set_state(rng_state)
    noise = torch.randn(shape, generator=generator, dtype=torch.float32)
    return noise.to(device), generator.get_state()


def start(
    schedule: Schedule,
    generator: torch.Generator,
    shape: tuple[int, ...],
    x0: torch.Tensor | None = None,
    device: torch.device | str = "cpu",
) -> tuple[SamplerState, torch.Tensor]:
    """The first state: pure noise (txt2img), or `x0` noised to the schedule's start (img2img).

    Returns (state, noise); inpainting needs the noise again to re-noise the kept region each step.
    """
    noise = torch.randn(shape, generator=generator, dtype=torch.float32).to(device)
    latents = noise * schedule.init_noise_sigma if x0 is None else add_noise(schedule, x0, noise, schedule.start)
    return SamplerState(latents, schedule.start, generator.get_state()), noise


def add_noise(schedule: Schedule, x0: torch.Tensor, noise: torch.Tensor, index: int) -> torch.Tensor:
    """x0 noised to the level of step `index` in this schedule's own parametrisation."""
    if schedule.sampler == Sampler.DDIM:
        alpha = schedule.alpha_t[index]
        return alpha**0.5 * x0 + (1 - alpha) ** 0.5 * noise
    sigma = schedule.sigmas[index]
    if schedule.sampler in (Sampler.EULER, Sampler.EULER_A):
        return x0 + noise * sigma  # variance exploding: x = x0 + sigma * eps
    alpha_t, sigma_t = _alpha_sigma(sigma)  # variance preserving (DPM-Solver)
    return alpha_t * x0 + sigma_t * noise


def model_input(schedule: Schedule, latents: torch.Tensor, index: int) -> torch.Tensor:
    """Scale latents for the UNet (Karras et al. 2022, c_in = 1 / sqrt(sigma^2 + 1) for Euler)."""
    if schedule.sampler in (Sampler.EULER, Sampler.EULER_A):
        return latents / ((schedule.sigmas[index] ** 2 + 1) ** 0.5)
    return latents


# --------------------------------------------------------------------------------------------------
# One step


def step(schedule: Schedule, state: SamplerState, model_output: torch.Tensor) -> SamplerState:
    """Advance one step: the guided model output at `state.step` in, the next state out."""
    i = state.step
    if not schedule.start <= i < schedule.steps:
        raise ValueError(f"step {i} is outside this schedule ({schedule.start}..{schedule.steps - 1})")
    x = state.latents.to(torch.float32)
    out = model_output.to(torch.float32)
    rng, history = state.rng_state, state.history
    kind = schedule.sampler

    if kind == Sampler.DDIM:
        noise = None
        if schedule.eta > 0:
            noise, rng = draw_noise(rng, tuple(out.shape), x.device)
        x_next = ddim_step(
            x,
            out,
            schedule.alpha_t[i],
            schedule.alpha_prev[i],
            schedule.eta,
            noise,
            schedule.prediction_type,
            schedule.clip_sample_range,
        )
    elif kind == Sampler.EULER:
        x_next = euler_step(x, out, schedule.sigmas[i], schedule.sigmas[i + 1], schedule.prediction_type)
    elif kind == Sampler.EULER_A:
        noise, rng = draw_noise(rng, tuple(out.shape), x.device)
        x_next = euler_ancestral_step(
            x, out, schedule.sigmas[i], schedule.sigmas[i + 1], noise, schedule.prediction_type
        )
    else:
        x0 = dpm_x0(x, out, schedule.sigmas[i], schedule.prediction_type)
        # diffusers' DPMSolverMultistep: first order at the first step and at the last (final sigma 0).
        if not history or i == schedule.steps - 1:
            x_next = dpmpp_first_order(x, x0, schedule.sigmas[i], schedule.sigmas[i + 1])
        else:
            x_next = dpmpp_2m_second_order(
                x, x0, history[-1], schedule.sigmas[i - 1], schedule.sigmas[i], schedule.sigmas[i + 1]
            )
        history = (x0,)
    return SamplerState(x_next, i + 1, rng, history)


def ddim_step(
    x: torch.Tensor,
    out: torch.Tensor,
    alpha_t: torch.Tensor,
    alpha_prev: torch.Tensor,
    eta: float,
    noise: torch.Tensor | None,
    prediction_type: str,
    clip_range: float | None,
) -> torch.Tensor:
    """DDIM (Song et al. 2020, eq. 12); eta 0 is deterministic, eta 1 is DDPM-like."""
    beta_t = 1 - alpha_t
    # 1. Predicted x0 and epsilon from the model output.
    if prediction_type == "epsilon":
        x0 = (x - beta_t**0.5 * out) / alpha_t**0.5
        eps = out
    else:  # v-prediction (Salimans & Ho 2022)
        x0 = alpha_t**0.5 * x - beta_t**0.5 * out
        eps = alpha_t**0.5 * out + beta_t**0.5 * x
    if clip_range is not None:
        x0 = x0.clamp(-clip_range, clip_range)
    # 2. sigma_t(eta) = eta * sqrt((1 - a_prev) / (1 - a_t)) * sqrt(1 - a_t / a_prev)   (eq. 16)
    variance = ((1 - alpha_prev) / beta_t) * (1 - alpha_t / alpha_prev)
    std = eta * variance**0.5
    # 3. x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev - sigma^2) eps + sigma z
    x_prev = alpha_prev**0.5 * x0 + (1 - alpha_prev - std**2) ** 0.5 * eps
    if eta > 0:
        assert noise is not None, "ddim with eta > 0 needs noise"
        x_prev = x_prev + std * noise
    return x_prev


def euler_step(
    x: torch.Tensor, out: torch.Tensor, sigma: torch.Tensor, sigma_next: torch.Tensor, prediction_type: str
) -> torch.Tensor:
    """Euler step of the probability-flow ODE (Karras et al. 2022, Algorithm 1 with churn 0)."""
    x0 = _k_x0(x, out, sigma, prediction_type)
    derivative = (x - x0) / sigma  # 1. dx/dsigma = (x - D(x)) / sigma
    return x + derivative * (sigma_next - sigma)  # 2. x_next = x + (sigma_next - sigma) dx/dsigma


def euler_ancestral_step(
    x: torch.Tensor,
    out: torch.Tensor,
    sigma: torch.Tensor,
    sigma_next: torch.Tensor,
    noise: torch.Tensor,
    prediction_type: str,
) -> torch.Tensor:
    """Ancestral Euler (k-diffusion `sample_euler_ancestral`, eta 1): ODE step to sigma_down, then noise."""
    x0 = _k_x0(x, out, sigma, prediction_type)
    # 1. Split the move to sigma_next into a deterministic part (down) and fresh noise (up).
    sigma_up = (sigma_next**2 * (sigma**2 - sigma_next**2) / sigma**2) ** 0.5
    sigma_down = (sigma_next**2 - sigma_up**2) ** 0.5
    # 2. Euler step to sigma_down, 3. add noise of std sigma_up.
    derivative = (x - x0) / sigma
    return x + derivative * (sigma_down - sigma) + noise * sigma_up


def _k_x0(x: torch.Tensor, out: torch.Tensor, sigma: torch.Tensor, prediction_type: str) -> torch.Tensor:
    """The denoised estimate D(x; sigma) in the variance-exploding parametrisation."""
    if prediction_type == "epsilon":
        return x - sigma * out
    return out * (-sigma / (sigma**2 + 1) ** 0.5) + (x / (sigma**2 + 1))  # v-prediction


def _alpha_sigma(sigma: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """VE sigma → VP (alpha_t, sigma_t) with alpha_t^2 + sigma_t^2 = 1."""
    alpha_t = 1 / ((sigma**2 + 1) ** 0.5)
    return alpha_t, sigma * alpha_t


def dpm_x0(x: torch.Tensor, out: torch.Tensor, sigma: torch.Tensor, prediction_type: str) -> torch.Tensor:
    """The data prediction x0 that DPM-Solver++ integrates (Lu et al. 2022, eq. 8)."""
    alpha_t, sigma_t = _alpha_sigma(sigma)
    if prediction_type == "epsilon":
        return (x - sigma_t * out) / alpha_t
    return alpha_t * x - sigma_t * out  # v-prediction


def dpmpp_first_order(x: torch.Tensor, x0: torch.Tensor, sigma_s: torch.Tensor, sigma_t: torch.Tensor) -> torch.Tensor:
    """DPM-Solver++(1) = DDIM in log-SNR time (Lu et al. 2022, eq. 9)."""
    alpha_t, sig_t = _alpha_sigma(sigma_t)
    alpha_s, sig_s = _alpha_sigma(sigma_s)
    h = (torch.log(alpha_t) - torch.log(sig_t)) - (torch.log(alpha_s) - torch.log(sig_s))  # lambda_t - lambda_s
    return (sig_t / sig_s) * x - (alpha_t * (torch.exp(-h) - 1.0)) * x0


def dpmpp_2m_second_order(
    x: torch.Tensor,
    x0: torch.Tensor,
    x0_prev: torch.Tensor,
    sigma_prev: torch.Tensor,
    sigma_s: torch.Tensor,
    sigma_t: torch.Tensor,
) -> torch.Tensor:
    """DPM-Solver++(2M), midpoint form (Lu et al. 2022, Algorithm 2)."""
    alpha_t, sig_t = _alpha_sigma(sigma_t)
    alpha_s0, sig_s0 = _alpha_sigma(sigma_s)
    alpha_s1, sig_s1 = _alpha_sigma(sigma_prev)
    lambda_t = torch.log(alpha_t) - torch.log(sig_t)
    lambda_s0 = torch.log(alpha_s0) - torch.log(sig_s0)
    lambda_s1 = torch.log(alpha_s1) - torch.log(sig_s1)
    # 1. step sizes in log-SNR, 2. a first-difference estimate of dx0/dlambda, 3. the update.
    h, h_0 = lambda_t - lambda_s0, lambda_s0 - lambda_s1
    r0 = h_0 / h
    d0, d1 = x0, (1.0 / r0) * (x0 - x0_prev)
    return (sig_t / sig_s0) * x - (alpha_t * (torch.exp(-h) - 1.0)) * d0 - 0.5 * (alpha_t * (torch.exp(-h) - 1.0)) * d1
