"""Train the built-in model's UNet2DConditionModel on VAE latents of emoji scenes.

- Text: frozen all-MiniLM-L6-v2 token embeddings (32 tokens), as the engine will compute them.
- Classifier-free guidance: the caption is replaced by "" with probability 0.1 (Ho & Salimans 2022).
- Noise: linear betas 1e-4..0.02 over 1000 steps (Ho et al. 2020), v-prediction (Salimans & Ho 2022),
  so the last step leaves almost no signal and flat backgrounds are learnt from the prompt.
- Loss: MSE on v with min-SNR-5 weighting (Hang et al. 2023), which converges faster.
- EMA of the weights (decay 0.999 after a warm-up) is what ships.

    python -m muralist.train.unet --folder data/train/unet --vae data/train/vae_export --steps 20000
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from muralist.train.checkpoints import TrainingRun, restore, snapshot
from muralist.train.data import SceneCache, to_model_range

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


def make_text_encoder():  # noqa: ANN201 - muralist.models.text_encoders.TextEncoder
    from muralist.models.text_encoders import load_text_encoder, minilm_directory

    directory = minilm_directory()
    encoder = load_text_encoder(
        directory, directory, "BertModel", "BertTokenizerFast", torch.device("cpu"), torch.float32
    )
    encoder.max_length = MAX_TOKENS
    return encoder


@torch.no_grad()
def encode_cache(vae_dir: Path, cache: Path, out: Path) -> np.ndarray:
    """Latents (posterior mean × scaling factor) of every cached scene, computed once."""
    if out.exists():
        return np.load(out, mmap_mode="r")
    from diffusers import AutoencoderKL

    vae = AutoencoderKL.from_pretrained(vae_dir).eval()
    data = SceneCache(cache)
    latents = np.lib.format.open_memmap(out.with_suffix(".tmp.npy"), mode="w+", dtype=np.float16,
                                        shape=(len(data), 4, 16, 16))  # fmt: skip
    for start in range(0, len(data), 256):
        images = torch.from_numpy(to_model_range(data.images[start : start + 256]))
        mean = vae.encode(images).latent_dist.mean * vae.config.scaling_factor
        latents[start : start + len(images)] = mean.numpy().astype(np.float16)
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
    t = torch.randint(0, len(alphas_cumprod), (len(latents),), generator=generator)
    noise = torch.randn(latents.shape, generator=generator)
    a = alphas_cumprod[t].view(-1, 1, 1, 1)
    noisy = a.sqrt() * latents + (1 - a).sqrt() * noise
    # 2. The v target (Salimans & Ho 2022, eq. 10): v = sqrt(a) eps - sqrt(1 - a) x0.
    target = a.sqrt() * noise - (1 - a).sqrt() * latents
    pred = unet(noisy, t, encoder_hidden_states=emb).sample
    # 3. min-SNR weighting for v-prediction: min(SNR, gamma) / (SNR + 1).
    snr = (a / (1 - a)).flatten()
    weight = torch.clamp(snr, max=MIN_SNR_GAMMA) / (snr + 1)
    return (weight * ((pred - target) ** 2).mean(dim=(1, 2, 3))).mean()


def train_unet(folder: Path, vae_dir: Path, cache: Path, steps: int, seed: int = 0, batch: int = 32,
               lr: float = 3e-4, checkpoint_every: int = 250, start_from: Path | None = None) -> Path:  # fmt: skip
    """Train (or resume) a run; `start_from` seeds a fresh run folder with a `save_progress` folder."""
    run = TrainingRun(folder, seed)
    latents_all = encode_cache(vae_dir, cache, folder / "latents.npy")
    data = SceneCache(cache)
    text = make_text_encoder()
    empty = text([""])
    alphas_cumprod = _schedule()
    torch.manual_seed(seed)
    unet = make_unet()
    ema = copy.deepcopy(unet).requires_grad_(False)
    optimizer = torch.optim.AdamW(unet.parameters(), lr=lr, weight_decay=0.01)
    rng = np.random.default_rng(seed)
    generator = torch.Generator().manual_seed(seed)
    trained = {"model": unet, "ema": ema, "optimizer": optimizer}
    state = run.resume()
    step = restore(state, trained, rng, generator) if state is not None else 0
    if state is None and start_from is not None:
        step = _load_progress(start_from, unet, ema)
        rng, generator = np.random.default_rng([seed, step]), torch.Generator().manual_seed(seed * 1_000_003 + step)
    unet.train()
    while step < steps:
        for group in optimizer.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / 500)
        index = np.sort(rng.choice(len(data), size=batch, replace=False))
        latents = torch.from_numpy(np.asarray(latents_all[index], dtype=np.float32))
        prompts = [data.caption(int(i), rng) for i in index]
        with torch.no_grad():
            emb = text(prompts)
            dropped = torch.from_numpy(rng.random(batch) < DROP_CAPTION)
            emb[dropped] = empty
        loss = diffusion_loss(unet, latents, emb, alphas_cumprod, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
        optimizer.step()
        step += 1
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema.parameters(), unet.parameters(), strict=True):
                e.lerp_(p, 1 - decay)
        if step % 25 == 0:
            run.log(step, loss=loss.item(), lr=optimizer.param_groups[0]["lr"])
        if step % checkpoint_every == 0 or step == steps:
            run.save(step, snapshot(trained, rng, generator))
    return folder


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
    from safetensors.torch import load_file

    weights = load_file(folder / "ema.safetensors")
    unet.load_state_dict(weights)
    ema.load_state_dict(weights)
    step = int(json.loads((folder / "progress.json").read_text())["step"])
    print(f"starting from {folder} at step {step}", flush=True)
    return step


def export_unet(folder: Path, out: Path) -> None:
    """Save the EMA weights of the newest checkpoint in diffusers format."""
    state = TrainingRun(folder, 0).resume()
    assert state is not None, f"no checkpoint in {folder}"
    unet = make_unet()
    unet.load_state_dict(state["ema"])
    unet.save_pretrained(out)


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
    parser.add_argument("--export", type=Path, default=None)
    parser.add_argument("--start-from", type=Path, default=None, help="a save_progress folder for a fresh run")
    parser.add_argument("--save-progress", type=Path, default=None, help="write the slim progress here when done")
    args = parser.parse_args(argv)
    train_unet(args.folder, args.vae, args.cache, args.steps, args.seed, args.batch, start_from=args.start_from)
    if args.save_progress:
        save_progress(args.folder, args.save_progress)
    if args.export:
        export_unet(args.folder, args.export)


if __name__ == "__main__":
    main()
