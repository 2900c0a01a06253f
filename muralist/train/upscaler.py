"""Train the built-in model's ×4 super-resolution network on (64 px, 256 px) renders of one scene.

Pairs come straight from the renderer: the 64 px image is the exact box downsample of the 256 px
one. Training uses random 24 px low-resolution crops (96 px targets) of fresh training scenes,
L1 loss. `evaluate` compares PSNR against the native render with bicubic upscaling on held-out
scenes.

    muralist train upscaler --folder data/train/upscaler --steps 3000 --export muralist/models/builtin/upscaler
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from muralist.finishing.upscale import SuperResolution, UpscalerConfig, save_upscaler, upscale
from muralist.train import scenes
from muralist.train.checkpoints import TrainingRun, restore, snapshot

CROP = 24  # low-resolution crop side


def _pairs(rng: np.random.Generator, count: int, split: str) -> tuple[np.ndarray, np.ndarray]:
    lows, highs = [], []
    for _ in range(count):
        low, high = scenes.render_pair(scenes.sample_scene(rng, split=split))
        lows.append(np.asarray(low))
        highs.append(np.asarray(high))
    return np.stack(lows), np.stack(highs)


def _to_tensor(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(images.astype(np.float32) / 127.5 - 1).permute(0, 3, 1, 2)


def train_upscaler(folder: Path, steps: int, seed: int = 0, batch: int = 16, lr: float = 1e-3,
                   scenes_per_step: int = 4) -> Path:  # fmt: skip
    run = TrainingRun(folder, seed)
    torch.manual_seed(seed)
    model = SuperResolution(UpscalerConfig())
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    trained = {"model": model, "optimizer": optimizer}
    state = run.resume()
    step = restore(state, trained, rng) if state is not None else 0
    model.train()
    while step < steps:
        for group in optimizer.param_groups:
            group["lr"] = lr * 0.5 * (1 + np.cos(np.pi * step / steps))
        # A few fresh scenes per step, several crops from each (rendering is the costly part).
        low, high = _pairs(rng, scenes_per_step, "train")
        pick = rng.integers(0, scenes_per_step, size=batch)
        ys, xs = rng.integers(0, 64 - CROP + 1, size=(2, batch))
        low_crops = np.stack([low[p, y : y + CROP, x : x + CROP] for p, y, x in zip(pick, ys, xs, strict=True)])
        high_crops = np.stack([high[p, 4 * y : 4 * (y + CROP), 4 * x : 4 * (x + CROP)]
                               for p, y, x in zip(pick, ys, xs, strict=True)])  # fmt: skip
        loss = F.l1_loss(model(_to_tensor(low_crops)), _to_tensor(high_crops))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        if step % 50 == 0:
            run.log(step, loss=loss.item(), lr=optimizer.param_groups[0]["lr"])
        if step % 500 == 0 or step == steps:
            run.save(step, snapshot(trained, rng))
    return folder


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float(10 * np.log10(255**2 / max(mse, 1e-12)))


def evaluate(model: SuperResolution, n: int = 200, seed: int = 12345) -> dict[str, float]:
    """Mean PSNR against the native 256 px render on held-out scenes: network vs bicubic."""
    rng = np.random.default_rng(seed)
    ours, bicubic = [], []
    for _ in range(n):
        low, high = scenes.render_pair(scenes.sample_scene(rng, split="heldout"))
        ours.append(psnr(np.asarray(upscale(low, model)), np.asarray(high)))
        bicubic.append(psnr(np.asarray(low.resize((256, 256), Image.Resampling.BICUBIC)), np.asarray(high)))
    return {"n": n, "psnr_db": float(np.mean(ours)), "bicubic_psnr_db": float(np.mean(bicubic)),
            "gain_db": float(np.mean(ours) - np.mean(bicubic))}  # fmt: skip


def export_upscaler(folder: Path, out: Path) -> SuperResolution:
    state = TrainingRun(folder, 0).resume()
    assert state is not None, f"no checkpoint in {folder}"
    model = SuperResolution(UpscalerConfig())
    model.load_state_dict(state["model"])
    save_upscaler(model, out)
    return model.eval()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="muralist train upscaler", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folder", type=Path, default=Path("data/train/upscaler"))
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--export", type=Path, default=None)
    parser.add_argument("--evaluate", type=int, default=200, help="held-out scenes for the PSNR report (0: skip)")
    args = parser.parse_args(argv)
    train_upscaler(args.folder, args.steps, args.seed)
    model = export_upscaler(args.folder, args.export) if args.export else None
    if args.evaluate and model is not None:
        print(evaluate(model, args.evaluate), flush=True)


if __name__ == "__main__":
    main()
