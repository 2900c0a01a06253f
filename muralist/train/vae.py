"""Train the built-in model's AutoencoderKL: 64×64 RGB ↔ 16×16×4 latents (factor 4).

Loss (as in Rombach et al. 2022, without the adversarial term, which a 2-core CPU cannot afford):
L1 + L2 reconstruction, an image-gradient L1 term that keeps sprite edges sharp, and a tiny KL
weight so the latent space stays smooth enough to diffuse in. After training, the latent scaling
factor is set to 1 / std(latents), as Stable Diffusion's 0.18215 was.

    python -m muralist.train.vae --folder data/train/vae --cache data/train/cache --steps 6000
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from muralist.train.checkpoints import TrainingRun, restore, snapshot
from muralist.train.data import SceneCache, build_cache, to_model_range

VAE_CONFIG = {
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 4,
    "block_out_channels": [32, 64, 128],
    "down_block_types": ["DownEncoderBlock2D"] * 3,
    "up_block_types": ["UpDecoderBlock2D"] * 3,
    "layers_per_block": 1,
    "norm_num_groups": 16,
    "sample_size": 64,
}
KL_WEIGHT = 1e-6
GRAD_WEIGHT = 0.5
# The VAE is convolutional (its one attention block sees the whole latent grid, whatever its
# size), so it trains on random 32×32 crops: four times cheaper per image than whole scenes.
CROP = 32


def make_vae():  # noqa: ANN201 - diffusers.AutoencoderKL
    from diffusers import AutoencoderKL

    return AutoencoderKL(**VAE_CONFIG)


def _gradients(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return x[..., 1:, :] - x[..., :-1, :], x[..., :, 1:] - x[..., :, :-1]


def vae_loss(vae: Any, images: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, dict[str, float]]:
    # 1. Encode, sample the posterior, decode.
    posterior = vae.encode(images).latent_dist
    z = posterior.mean + posterior.std * torch.randn(posterior.mean.shape, generator=generator)
    recon = vae.decode(z).sample
    # 2. Reconstruction: L1 + L2 on pixels, L1 on horizontal and vertical differences (edges).
    l1 = (recon - images).abs().mean()
    l2 = F.mse_loss(recon, images)
    (rdy, rdx), (idy, idx) = _gradients(recon), _gradients(images)
    grad = (rdy - idy).abs().mean() + (rdx - idx).abs().mean()
    # 3. KL to N(0, I), per latent element.
    kl = posterior.kl().mean() / z[0].numel()
    loss = l1 + l2 + GRAD_WEIGHT * grad + KL_WEIGHT * kl
    return loss, {"loss": loss.item(), "l1": l1.item(), "l2": l2.item(), "grad": grad.item(), "kl": kl.item()}


def train_vae(folder: Path, cache: Path, steps: int, seed: int = 0, batch: int = 16, lr: float = 5e-4) -> Path:
    run = TrainingRun(folder, seed)
    data = SceneCache(cache)
    torch.manual_seed(seed)
    vae = make_vae()
    optimizer = torch.optim.AdamW(vae.parameters(), lr=lr, weight_decay=0.0)
    rng = np.random.default_rng(seed)
    generator = torch.Generator().manual_seed(seed)
    trained = {"model": vae, "optimizer": optimizer}
    state = run.resume()
    step = restore(state, trained, rng, generator) if state is not None else 0
    vae.train()
    while step < steps:
        # Cosine decay after a short warm-up.
        frac = step / steps
        for group in optimizer.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / 200) * 0.5 * (1 + np.cos(np.pi * frac))
        index = np.sort(rng.choice(len(data), size=batch, replace=False))
        y, x = rng.integers(0, 64 - CROP + 1, size=2) // 4 * 4  # on the latent grid
        images = torch.from_numpy(to_model_range(data.images[index, y : y + CROP, x : x + CROP]))
        loss, parts = vae_loss(vae, images, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        optimizer.step()
        step += 1
        if step % 50 == 0:
            run.log(step, **parts, lr=optimizer.param_groups[0]["lr"])
        if step % 500 == 0 or step == steps:
            run.save(step, snapshot(trained, rng, generator))
    return folder


@torch.no_grad()
def export_vae(folder: Path, cache: Path, out: Path, n_scale: int = 2048) -> float:
    """Save the newest weights in diffusers format with scaling_factor = 1 / std(latents)."""
    state = TrainingRun(folder, 0).resume()
    assert state is not None, f"no checkpoint in {folder}"
    vae = make_vae()
    vae.load_state_dict(state["model"])
    vae.eval()
    data = SceneCache(cache)
    images = torch.from_numpy(to_model_range(data.images[:n_scale]))
    latents = torch.cat([vae.encode(chunk).latent_dist.mean for chunk in images.split(256)])
    scale = float(1.0 / latents.std())
    exported = copy.deepcopy(vae)
    exported.register_to_config(scaling_factor=round(scale, 5))
    exported.save_pretrained(out)
    return scale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="muralist train vae", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--folder", type=Path, default=Path("data/train/vae"))
    parser.add_argument("--cache", type=Path, default=Path("data/train/cache"))
    parser.add_argument("--cache-size", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--export", type=Path, default=None, help="write diffusers weights here when done")
    args = parser.parse_args(argv)
    build_cache(args.cache, args.cache_size, seed=args.seed)
    train_vae(args.folder, args.cache, args.steps, args.seed, args.batch)
    if args.export:
        print("scaling_factor", export_vae(args.folder, args.cache, args.export))


if __name__ == "__main__":
    main()
