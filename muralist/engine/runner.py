"""The runner: one UNet forward for a batch of samples, then each sample's own sampler step.

Samples in one call may be at different steps, with different samplers, schedules and guidance
scales: timesteps go to the UNet as a per-row vector. A sample with classifier-free guidance takes
two rows (negative prompt, prompt); one without takes one. The runner never changes a sample; it
returns each sample's next state, or the error that ends it.
"""

from __future__ import annotations

import torch

from muralist.engine import samplers
from muralist.engine.request import Sample
from muralist.engine.samplers import SamplerState
from muralist.errors import NonFiniteLatentsError
from muralist.models.loading import Model

StepResult = SamplerState | NonFiniteLatentsError


@torch.no_grad()
def denoise_step(model: Model, samples: list[Sample]) -> list[StepResult]:
    """Run one step of every sample in one UNet call."""
    if not samples:
        return []
    # 1. Rows: (sample index, embeddings) for every unconditional row, then every conditional row.
    rows_x: list[torch.Tensor] = []
    rows_t: list[torch.Tensor] = []
    rows_emb: list[torch.Tensor] = []
    uncond_row: dict[int, int] = {}
    for k, sample in enumerate(samples):
        if sample.uncond is not None:
            uncond_row[k] = len(rows_x)
            _add_row(sample, sample.uncond, rows_x, rows_t, rows_emb)
    cond_row: dict[int, int] = {}
    for k, sample in enumerate(samples):
        cond_row[k] = len(rows_x)
        _add_row(sample, sample.cond, rows_x, rows_t, rows_emb)

    # 2. One forward pass for all rows.
    x = torch.cat(rows_x).to(model.device, model.dtype)
    t = torch.stack(rows_t).to(model.device)
    emb, mask = _pad(rows_emb)
    out = model.unet(
        x, t, encoder_hidden_states=emb.to(model.device, model.dtype),
        encoder_attention_mask=None if mask is None else mask.to(model.device), return_dict=False,
    )[0]  # fmt: skip

    # 3. Classifier-free guidance per sample (Ho & Salimans 2022), then its sampler step.
    results: list[StepResult] = []
    for k, sample in enumerate(samples):
        pred = out[cond_row[k] : cond_row[k] + 1]
        if k in uncond_row:
            uncond = out[uncond_row[k] : uncond_row[k] + 1]
            pred = uncond + sample.guidance_scale * (pred - uncond)
        results.append(_advance(sample, pred.to(torch.float32)))
    return results


def _pad(embeddings: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Stack [1, L_i, D] text embeddings; rows shorter than the longest are zero-padded and masked."""
    longest = max(e.shape[1] for e in embeddings)
    if all(e.shape[1] == longest for e in embeddings):
        return torch.cat(embeddings), None  # the usual case: one tokenizer, one fixed length
    mask = torch.zeros(len(embeddings), longest)
    padded = []
    for k, e in enumerate(embeddings):
        mask[k, : e.shape[1]] = 1
        padded.append(torch.nn.functional.pad(e, (0, 0, 0, longest - e.shape[1])))
    return torch.cat(padded), mask


def _add_row(sample: Sample, emb: torch.Tensor, xs: list, ts: list, embs: list) -> None:
    i = sample.state.step
    xs.append(samplers.model_input(sample.schedule, sample.state.latents, i))
    ts.append(sample.schedule.timesteps[i])
    embs.append(emb)


def _advance(sample: Sample, model_output: torch.Tensor) -> StepResult:
    schedule, i = sample.schedule, sample.state.step
    new = samplers.step(schedule, sample.state, model_output)
    if sample.inpaint is not None:
        # Keep the unmasked region on the init image, noised to the level of the next step.
        keep = sample.inpaint.image_latents
        if new.step < schedule.steps:
            keep = samplers.add_noise(schedule, keep, sample.inpaint.noise, new.step)
        mask = sample.inpaint.mask
        new = SamplerState((1 - mask) * keep + mask * new.latents, new.step, new.rng_state, new.history)
    if not torch.isfinite(new.latents).all():
        return NonFiniteLatentsError(step=i + 1, total=schedule.steps)
    return new
