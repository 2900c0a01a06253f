"""Train the built-in model's UNet2DConditionModel on VAE latents of emoji scenes.

- Text: frozen all-MiniLM-L6-v2 token embeddings (32 tokens), as the engine will compute them.
- Classifier-free guidance: the caption is replaced by "" with probability 0.1 (Ho & Salimans 2022).
- Noise: linear betas 1e-4..0.02 over 1000 steps (Ho et al. 2020), v-prediction (Salimans & Ho 2022),
  so the last step leaves almost no signal and flat backgrounds are learnt from the prompt.
- Loss: MSE on v with min-SNR-5 weighting (Hang et al. 2023), which converges faster.
- EMA of the weights (decay 0.999 after a warm-up) is what ships.
- Optional `--noisy-captions`: a share of captions with a reading's leftovers (caption_noise.py); tried
  as a CPU fine-tune of the shipped weights and not shipped (docs/builtin-model.md).
- Every checkpoint records the seed, batch size and noisy share, which decide the batches each step
  sees; resuming a run folder with other values is refused rather than silently drawing other data.

    python -m muralist.train.unet --folder data/train/unet --vae data/train/vae_export --steps 20000
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from muralist.errors import UserError
from muralist.train.checkpoints import TrainingRun, restore, snapshot
from muralist.train.data import SceneCache, build_cache, to_model_range

SCHEDULER_CONFIG = {
    "_class_name": "DDIMScheduler",
    "num_train_timesteps": 1000,
    "beta_start": 0.0001,
    "beta_end": 0.02,
    "beta_schedule": "linear",
    "prediction_type": "v_prediction",
    "timestep_spacing": "trailing",
    "steps_offset": 0,
    "clip_sample": False,
    "set_alpha_to_one": True,
}
UNET_CONFIG = {
    "sample_size": 16,
    "in_channels": 4,
    "out_channels": 4,
    "block_out_channels": [64, 128, 128],
    "layers_per_block": 1,
    "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    "cross_attention_dim": 384,
    "attention_head_dim": 4,  # diffusers' legacy name: this is the number of heads
    "norm_num_groups": 32,
}
MAX_TOKENS = 32
DROP_CAPTION = 0.1
MIN_SNR_GAMMA = 5.0


def make_unet():  # noqa: ANN201 - diffusers.UNet2DConditionModel
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(**UNET_CONFIG)


def make_text_encoder(directory: Path | None = None, device: str = "cpu"):  # noqa: ANN201 - TextEncoder
    """all-MiniLM-L6-v2 as the engine runs it (from its package unless another copy is given)."""
    from muralist.models.text_encoders import load_text_encoder, minilm_directory

    directory = directory or minilm_directory()
    encoder = load_text_encoder(
        directory, directory, "BertModel", "BertTokenizerFast", torch.device(device), torch.float32
    )
    encoder.max_length = MAX_TOKENS
    return encoder


@torch.no_grad()
def encode_cache(vae_dir: Path, cache: Path, out: Path, device: str = "cpu") -> np.ndarray:
    """Latents (posterior mean × scaling factor) of every cached scene, computed once."""
    if out.exists():
        return np.load(out, mmap_mode="r")
    from diffusers import AutoencoderKL

    vae = AutoencoderKL.from_pretrained(vae_dir).eval().to(device)
    data = SceneCache(cache)
    latents = np.lib.format.open_memmap(out.with_suffix(".tmp.npy"), mode="w+", dtype=np.float16,
                                        shape=(len(data), 4, 16, 16))  # fmt: skip
    for start in range(0, len(data), 256):
        images = torch.from_numpy(to_model_range(data.images[start : start + 256])).to(device)
        mean = vae.encode(images).latent_dist.mean * vae.config.scaling_factor
        latents[start : start + len(images)] = mean.cpu().numpy().astype(np.float16)
    latents.flush()
    del latents
    out.with_suffix(".tmp.npy").rename(out)
    return np.load(out, mmap_mode="r")


def _schedule() -> torch.Tensor:
    from muralist.engine.samplers import NoiseSchedule

    return NoiseSchedule.from_config(SCHEDULER_CONFIG).alphas_cumprod()


def diffusion_loss(unet: Any, latents: torch.Tensor, emb: torch.Tensor, alphas_cumprod: torch.Tensor,
                   generator: torch.Generator) -> torch.Tensor:  # fmt: skip
    # 1. A random timestep and noise per sample; x_t = sqrt(a) x0 + sqrt(1 - a) eps.
    t = torch.randint(0, len(alphas_cumprod), (len(latents),), generator=generator).to(latents.device)
    noise = torch.randn(latents.shape, generator=generator).to(latents.device)
    a = alphas_cumprod.to(latents.device)[t].view(-1, 1, 1, 1)
    noisy = a.sqrt() * latents + (1 - a).sqrt() * noise
    # 2. The v target (Salimans & Ho 2022, eq. 10): v = sqrt(a) eps - sqrt(1 - a) x0.
    target = a.sqrt() * noise - (1 - a).sqrt() * latents
    pred = unet(noisy, t, encoder_hidden_states=emb).sample
    # 3. min-SNR weighting for v-prediction: min(SNR, gamma) / (SNR + 1).
    snr = (a / (1 - a)).flatten()
    weight = torch.clamp(snr, max=MIN_SNR_GAMMA) / (snr + 1)
    return (weight * ((pred - target) ** 2).mean(dim=(1, 2, 3))).mean()


class StepBatches(torch.utils.data.Dataset):
    """Batch k of a run: scenes, fresh captions and dropped captions drawn from a generator seeded by
    (seed, step), so a resumed run sees exactly the batches it would have seen, in any data worker."""

    def __init__(self, data: SceneCache, latents: np.ndarray, tokenize: Any, seed: int, batch: int, first: int,
                 steps: int, noisy_captions: float = 0.0):  # fmt: skip
        self.data, self.latents, self.tokenize = data, latents, tokenize
        self.seed, self.batch, self.first, self.steps = seed, batch, first, steps
        self.noisy_captions = noisy_captions

    def __len__(self) -> int:
        return max(0, self.steps - self.first)

    def __getitem__(self, k: int) -> dict[str, torch.Tensor]:
        step = self.first + k
        rng = np.random.default_rng([self.seed, step])
        index = np.sort(rng.choice(len(self.data), size=self.batch, replace=False))
        prompts = [self.data.caption(int(i), rng, self.noisy_captions) for i in index]
        ids, mask = self.tokenize(prompts)
        return {
            "latents": torch.from_numpy(np.asarray(self.latents[index], dtype=np.float32)),
            "ids": ids,
            "mask": mask,
            "dropped": torch.from_numpy(rng.random(self.batch) < DROP_CAPTION),
        }


def train_unet(folder: Path, vae_dir: Path, cache: Path, steps: int, seed: int = 0, batch: int = 32,
               lr: float = 3e-4, checkpoint_every: int = 250, start_from: Path | None = None,
               device: str = "cpu", text_encoder: Path | None = None, loader_workers: int = 0,
               max_minutes: float | None = None, noisy_captions: float = 0.0) -> Path:  # fmt: skip
    """Train (or resume) a run; `start_from` seeds a fresh run folder with a `save_progress` folder.

    Stops early, with a checkpoint, once `max_minutes` have passed (a later call resumes it).
    `noisy_captions` is the share of captions given a reading's leftovers (muralist/train/caption_noise.py).
    """
    run = TrainingRun(folder, seed)
    latents_all = encode_cache(vae_dir, cache, folder / "latents.npy", device)
    data = SceneCache(cache)
    text = make_text_encoder(text_encoder, device)
    empty = text([""])
    alphas_cumprod = _schedule()
    torch.manual_seed(seed)
    unet = make_unet().to(device)
    ema = copy.deepcopy(unet).requires_grad_(False)
    optimizer = torch.optim.AdamW(unet.parameters(), lr=lr, weight_decay=0.01)
    trained = {"model": unet, "ema": ema, "optimizer": optimizer}
    state = run.resume()
    # What decides the batches a step sees: a resumed run must draw them as the run it resumes did.
    settings = {"seed": seed, "batch": batch, "noisy_captions": noisy_captions}
    if state is not None:
        _check_settings(folder, state.get("settings", {}), settings)
    step = restore(state, trained, np.random.default_rng(seed)) if state is not None else 0
    if state is None and start_from is not None:
        step = _load_progress(start_from, unet, ema)
    batches = StepBatches(data, latents_all, text.tokenize, seed, batch, step, steps, noisy_captions)
    loader = torch.utils.data.DataLoader(
        batches, batch_size=None, shuffle=False, num_workers=loader_workers, pin_memory=device != "cpu",
        prefetch_factor=4 if loader_workers else None, persistent_workers=False,
    )  # fmt: skip
    deadline = time.monotonic() + 60 * max_minutes if max_minutes else None
    unet.train()
    for item in loader:
        for group in optimizer.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / 500)
        latents = item["latents"].to(device, non_blocking=True)
        emb = text.encode(item["ids"], item["mask"])
        emb[item["dropped"].to(device)] = empty
        generator = torch.Generator().manual_seed(seed * 1_000_003 + step)
        loss = diffusion_loss(unet, latents, emb, alphas_cumprod, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
        optimizer.step()
        step += 1
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            torch._foreach_lerp_(list(ema.parameters()), list(unet.parameters()), 1 - decay)
        if step % 25 == 0:
            if not torch.isfinite(loss):  # checked before the next checkpoint, which it must not reach
                raise FloatingPointError(f"loss is {loss.item()} at step {step}; the last checkpoint is good")
            run.log(step, loss=loss.item(), lr=optimizer.param_groups[0]["lr"])
        out_of_time = deadline is not None and time.monotonic() > deadline
        if step % checkpoint_every == 0 or step == steps or out_of_time:
            run.save(step, {**snapshot(trained, np.random.default_rng(seed)), "settings": settings})
        if out_of_time:
            print(f"stopping at step {step} of {steps}: {max_minutes} minutes are up", flush=True)
            break
    return folder


def _check_settings(folder: Path, recorded: dict[str, Any], asked: dict[str, Any]) -> None:
    """Refuse to resume a run with other data settings than it was started with (a checkpoint written
    before settings were recorded has none, and is resumed as asked)."""
    changed = [f"{k}={recorded[k]!r} (asked {asked[k]!r})" for k in asked if k in recorded and recorded[k] != asked[k]]
    if changed:
        raise UserError(f"{folder} was trained with {', '.join(changed)}: resume it with the same settings, "
                        "or start a new run folder (--start-from takes its progress)")  # fmt: skip


def save_progress(folder: Path, out: Path) -> int:
    """The newest EMA weights and step, small enough to commit, so a later session can go on.

    The optimizer state is left out (it would triple the size): a run started from it warms the
    learning rate up again from the EMA weights, which costs little.
    """
    from safetensors.torch import save_file

    state = TrainingRun(folder, 0).resume()
    assert state is not None, f"no checkpoint in {folder}"
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in state["ema"].items()}, out / "ema.safetensors")
    (out / "progress.json").write_text(json.dumps({"step": state["step"], "seed": state["seed"]}) + "\n")
    return int(state["step"])


def _load_progress(folder: Path, unet: Any, ema: Any) -> int:
    """Weights to start from: a `save_progress` folder (its step), or a diffusers UNet folder such as
    the shipped muralist/models/builtin/unet (step 0: a fine-tune warms its learning rate up afresh)."""
    from safetensors.torch import load_file

    if (folder / "ema.safetensors").is_file():
        weights = load_file(folder / "ema.safetensors")
        step = int(json.loads((folder / "progress.json").read_text())["step"])
    else:
        from diffusers import UNet2DConditionModel

        weights = UNet2DConditionModel.from_pretrained(folder).float().state_dict()
        step = 0
    unet.load_state_dict(weights)
    ema.load_state_dict(weights)
    print(f"starting from {folder} at step {step}", flush=True)
    return step


def export_unet(folder: Path, out: Path, shard_mb: int | None = None, dtype: str = "float32") -> None:
    """Save the EMA weights of the newest checkpoint in diffusers format (in shards if asked).

    The built-in model ships float16 weights (half the size; the engine computes in float32 on the CPU).
    """
    state = TrainingRun(folder, 0).resume()
    assert state is not None, f"no checkpoint in {folder}"
    unet = make_unet()
    unet.load_state_dict(state["ema"])
    unet.to(getattr(torch, dtype)).save_pretrained(out, max_shard_size=f"{shard_mb}MB" if shard_mb else "10GB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="muralist train unet", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--folder", type=Path, default=Path("data/train/unet"))
    parser.add_argument("--vae", type=Path, default=Path("data/train/vae_export"))
    parser.add_argument("--cache", type=Path, default=Path("data/train/cache"))
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--text-encoder", type=Path, default=None, help="an all-MiniLM-L6-v2 folder (default: package)")
    parser.add_argument("--loader-workers", type=int, default=0, help="processes that draw and caption batches")
    parser.add_argument("--cache-size", type=int, default=None, help="render this many scenes first if no cache")
    parser.add_argument("--export-dtype", default="float32", choices=["float32", "float16"])
    parser.add_argument("--export-shard-mb", type=int, default=None, help="split the exported weights")
    parser.add_argument("--max-minutes", type=float, default=None, help="stop (with a checkpoint) after this long")
    parser.add_argument("--noisy-captions", type=float, default=0.0, help="share of captions made noisy")
    parser.add_argument("--export", type=Path, default=None)
    parser.add_argument("--start-from", type=Path, default=None, help="a save_progress or diffusers UNet folder")
    parser.add_argument("--save-progress", type=Path, default=None, help="write the slim progress here when done")
    args = parser.parse_args(argv)
    if args.cache_size:
        build_cache(args.cache, args.cache_size, seed=args.seed, workers=max(1, os.cpu_count() or 1))
    train_unet(
        args.folder, args.vae, args.cache, args.steps, args.seed, args.batch, args.lr, args.checkpoint_every,
        args.start_from, args.device, args.text_encoder, args.loader_workers, args.max_minutes,
        args.noisy_captions,
    )  # fmt: skip
    if args.save_progress:
        save_progress(args.folder, args.save_progress)
    if args.export:
        export_unet(args.folder, args.export, args.export_shard_mb, args.export_dtype)


if __name__ == "__main__":
    main()
