"""Training the oracle (muralist/eval/oracle.py) on rendered training scenes, and measuring it.

    python -m muralist.train.oracle --folder data/train/oracle --steps 6000 --seed 0 --threads 1
    python -m muralist.train.oracle --folder data/train/oracle --export muralist/models/builtin/oracle

Scenes come ONLY from scenes.sample_scene(split="train"): the oracle never sees a held-out
composition or the evaluation suite, so its accuracy on held-out renders is an honest figure.

Rendering costs ~5 ms a scene, more than a training step's share of the CPU, so scenes are rendered
once into a pool (cached as pool.npz in the run folder) and a slice of the pool is replaced by fresh
scenes every `refresh_every` steps. Scene k of a run is a pure function of (seed, k), the batch of
step s of (seed, s), so a resumed run sees exactly the data it would have seen uninterrupted.
Augmentation (blur, noise, small contrast shifts) prepares the oracle for soft generated images.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import ImageFilter

from muralist.eval.oracle import (
    GRID,
    IMAGE,
    STRIDE,
    Oracle,
    OracleConfig,
    OracleNet,
    Reading,
    judge,
    load_oracle,
)
from muralist.train import scenes
from muralist.train.checkpoints import TrainingRun, rng_state, set_rng_state
from muralist.train.scenes import Scene

MAX_SPRITES = 4  # one group of 3, or two groups of 2 (scenes.sample_any_scene)
POOL_FORMAT = 1
VALIDATION = 512  # training-split scenes (a separate stream) for logging and threshold choice


# ---- data ---------------------------------------------------------------------------------------


def training_scene(seed: int, k: int) -> Scene:
    """Scene k of a run's stream: training split only."""
    return scenes.sample_scene(np.random.default_rng([seed, 7, k]), split="train")


def labels(scene: Scene, config: OracleConfig) -> tuple[int, np.ndarray]:
    """(background index, [MAX_SPRITES, 4] float32 rows of (emoji index, cx, cy, side) in 64-px units,
    emoji index -1 for unused rows)."""
    rows = np.full((MAX_SPRITES, 4), -1.0, dtype=np.float32)
    index = {name: i for i, name in enumerate(config.emoji)}
    for j, p in enumerate(scenes.layout(scene)):
        x0, y0, x1, y1 = p.box(IMAGE)
        rows[j] = (index[p.emoji], (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0)
    return config.backgrounds.index(scene.background), rows


def render_many(chosen: list[Scene], config: OracleConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """uint8 images [N, 64, 64, 3], background indices [N], sprite rows [N, MAX_SPRITES, 4]."""
    images = np.zeros((len(chosen), IMAGE, IMAGE, 3), np.uint8)
    backgrounds = np.zeros(len(chosen), np.int64)
    sprites = np.zeros((len(chosen), MAX_SPRITES, 4), np.float32)
    for i, scene in enumerate(chosen):
        images[i] = np.asarray(scenes.render(scene, IMAGE))
        backgrounds[i], sprites[i] = labels(scene, config)
    return images, backgrounds, sprites


@dataclass
class Pool:
    """A window of the run's scene stream, held as rendered arrays; slot j holds scene keys[j]."""

    keys: np.ndarray
    images: np.ndarray
    backgrounds: np.ndarray
    sprites: np.ndarray


def pool_keys(size: int, rounds: int, refresh: int) -> np.ndarray:
    """Which scene each slot holds after `rounds` refreshes (round r replaces the next `refresh`
    slots, cyclically, by the next unseen scenes)."""
    keys = np.arange(size)
    for r in range(rounds):
        slots = (r * refresh + np.arange(refresh)) % size
        keys[slots] = size + r * refresh + np.arange(refresh)
    return keys


def open_pool(folder: Path, seed: int, size: int, config: OracleConfig) -> Pool:
    """The run's first pool (scenes 0..size-1): from the run's cache, or rendered now and cached."""
    meta_path, arrays_path = folder / "pool.json", folder / "pool.npz"
    meta = {"format": POOL_FORMAT, "seed": seed, "size": size}
    if meta_path.is_file() and arrays_path.is_file() and json.loads(meta_path.read_text()) == meta:
        with np.load(arrays_path) as z:
            return Pool(z["keys"], z["images"], z["backgrounds"], z["sprites"])
    pool = Pool(
        np.full(size, -1),
        np.zeros((size, IMAGE, IMAGE, 3), np.uint8),
        np.zeros(size, np.int64),
        np.zeros((size, MAX_SPRITES, 4), np.float32),
    )
    fill_pool(pool, np.arange(size), seed, config)
    np.savez(folder / "pool.tmp.npz", **vars(pool))  # renamed into place: a killed run leaves no half file
    (folder / "pool.tmp.npz").replace(arrays_path)
    meta_path.write_text(json.dumps(meta))
    return pool


def fill_pool(pool: Pool, keys: np.ndarray, seed: int, config: OracleConfig) -> None:
    """Render into the pool the scenes of `keys` that its slots do not hold yet."""
    stale = np.nonzero(pool.keys != keys)[0]
    if not len(stale):
        return
    started = time.monotonic()
    images, backgrounds, sprites = render_many([training_scene(seed, int(keys[j])) for j in stale], config)
    pool.images[stale], pool.backgrounds[stale], pool.sprites[stale] = images, backgrounds, sprites
    pool.keys = keys.copy()
    print(f"rendered {len(stale)} training scenes into the pool in {time.monotonic() - started:.0f} s", flush=True)


# ---- targets, augmentation, loss ----------------------------------------------------------------


def targets(sprites: torch.Tensor) -> dict[str, torch.Tensor]:
    """Dense targets on the G x G grid from sprite rows [B, S, 4] (emoji, cx, cy, side in px).

    1. heat: a Gaussian bump per sprite centred on the cell holding its centre (exactly 1 there),
       sigma a sixth of its side (CenterNet); overlapping bumps take the maximum;
    2. cls: the sprite's emoji on cells whose centre lies within 0.3 of a side of the sprite's
       centre (its middle, where a peak can fall), -1 (ignored) elsewhere;
    3. peak cell, sub-cell offset and side per sprite, for the regression losses.
    """
    valid = sprites[..., 0] >= 0
    cls, cx, cy, side = sprites.unbind(-1)
    u, v = cx / STRIDE, cy / STRIDE
    pc, pr = u.floor().clamp(0, GRID - 1), v.floor().clamp(0, GRID - 1)
    g = torch.arange(GRID, dtype=torch.float32)
    sigma = (side / STRIDE / 6).clamp(min=0.5)
    d2 = (g.view(1, 1, 1, GRID) - pc[..., None, None]) ** 2 + (g.view(1, 1, GRID, 1) - pr[..., None, None]) ** 2
    bumps = torch.exp(-d2 / (2 * sigma[..., None, None] ** 2)) * valid[..., None, None]
    heat = bumps.amax(dim=1)

    centres = (g + 0.5) * STRIDE
    reach = (0.3 * side).clamp(min=2.5)[..., None, None]
    inside = ((centres.view(1, 1, 1, GRID) - cx[..., None, None]).abs() <= reach) & (
        (centres.view(1, 1, GRID, 1) - cy[..., None, None]).abs() <= reach
    )
    inside &= valid[..., None, None]
    cls_map = (inside.float() * (cls[..., None, None] + 1)).amax(dim=1).long() - 1  # sprites never overlap

    b, s = valid.nonzero(as_tuple=True)
    return {
        "heat": heat,
        "cls": cls_map,
        "index": torch.stack([b, pr[b, s].long(), pc[b, s].long()]),  # [3, P]: batch, row, col of peaks
        "offset": torch.stack([u[b, s] - pc[b, s], v[b, s] - pr[b, s]], dim=1),  # [P, 2]
        "side": side[b, s] / IMAGE,  # [P]
    }


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mild degradations of exact renders, each image on its own coin: Gaussian blur (sigma 0.3-1.2
    px), a 2x down-up resample, additive noise and +-10 % contrast / +-3 % brightness. Colours stay
    near their own: the background class is a colour."""
    n = x.shape[0]

    def coin(p: float) -> torch.Tensor:
        return (torch.rand(n, generator=gen) < p).view(n, 1, 1, 1)

    # 1. blur with a per-image sigma (separable 5-tap kernel, reflect padding)
    sigma = 0.3 + 0.9 * torch.rand(n, generator=gen)
    taps = torch.arange(-2, 3, dtype=torch.float32)
    kernel = torch.exp(-(taps[None] ** 2) / (2 * sigma[:, None] ** 2))
    kernel = kernel / kernel.sum(dim=1, keepdim=True)  # [n, 5]
    flat = x.reshape(1, n * 3, IMAGE, IMAGE)
    k = kernel.repeat_interleave(3, dim=0)
    blurred = F.conv2d(F.pad(flat, (2, 2, 0, 0), mode="reflect"), k.view(n * 3, 1, 1, 5), groups=n * 3)
    blurred = F.conv2d(F.pad(blurred, (0, 0, 2, 2), mode="reflect"), k.view(n * 3, 1, 5, 1), groups=n * 3)
    x = torch.where(coin(0.5), blurred.view_as(x), x)
    # 2. a down-up resample, like a soft decoder
    resampled = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2.0, mode="bilinear", align_corners=False)
    x = torch.where(coin(0.15), resampled, x)
    # 3. noise and contrast / brightness
    noise = torch.randn(x.shape, generator=gen) * (0.04 * torch.rand(n, 1, 1, 1, generator=gen))
    x = torch.where(coin(0.5), x + noise, x)
    contrast = 1 + 0.1 * (2 * torch.rand(n, 1, 1, 1, generator=gen) - 1)
    brightness = 0.03 * (2 * torch.rand(n, 1, 1, 1, generator=gen) - 1)
    x = torch.where(coin(0.5), (x - 0.5) * contrast + 0.5 + brightness, x)
    return x.clamp(0, 1)


def losses(
    out: dict[str, torch.Tensor], t: dict[str, torch.Tensor], backgrounds: torch.Tensor
) -> dict[str, torch.Tensor]:
    """CenterNet's penalty-reduced focal loss on the heatmap, cross-entropy on classes and background,
    L1 on the peak cells' offsets and sides."""
    p = torch.sigmoid(out["objectness"]).clamp(1e-4, 1 - 1e-4)
    pos = t["heat"] == 1
    n_pos = pos.sum().clamp(min=1)
    focal = (
        -((torch.log(p) * (1 - p) ** 2)[pos].sum() + (torch.log(1 - p) * p**2 * (1 - t["heat"]) ** 4)[~pos].sum())
        / n_pos
    )
    cls = F.cross_entropy(out["classes"], t["cls"], ignore_index=-1)
    b, r, c = t["index"]
    offset = F.l1_loss(out["offset"][b, :, r, c], t["offset"])
    side = F.l1_loss(out["side"][b, r, c], t["side"])
    background = F.cross_entropy(out["background"], backgrounds)
    total = focal + cls + offset + 5 * side + background
    return {"loss": total, "heat": focal, "cls": cls, "offset": offset, "side": side, "background": background}


# ---- training -----------------------------------------------------------------------------------


def learning_rate(step: int, steps: int, peak: float, warmup: int = 200) -> float:
    """Linear warm-up, then cosine decay to 2 % of the peak at the last step."""
    if step <= warmup:
        return peak * step / warmup
    t = (step - warmup) / max(1, steps - warmup)
    return peak * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


def train_oracle(
    folder: Path,
    steps: int,
    seed: int = 0,
    batch: int = 64,
    lr: float = 2e-3,
    pool_size: int = 30000,
    refresh_every: int = 1000,
    refresh_size: int = 3000,
    checkpoint_every: int = 500,
    log_every: int = 50,
    threads: int | None = None,
    validation: int = VALIDATION,
) -> Path:
    """Train (or resume) the oracle in folder for `steps` steps in all; returns the last checkpoint."""
    if threads is not None:
        torch.set_num_threads(threads)
    folder = Path(folder)
    run = TrainingRun(folder, seed)
    config = OracleConfig.default()
    torch.manual_seed(seed)
    net = OracleNet(config)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    state = run.resume()
    start = 0
    if state is not None:
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        set_rng_state(state["rng"])
        start = int(state["step"])
        print(f"resuming {folder} at step {start}", flush=True)
    (folder / "config.json").write_text(json.dumps(config.to_dict(), indent=1))

    def rounds_before(step: int) -> int:  # pool refreshes done before 1-based step `step`
        return (step - 1) // refresh_every

    rounds = rounds_before(start + 1)
    pool = open_pool(folder, seed, pool_size, config)
    fill_pool(pool, pool_keys(pool_size, rounds, refresh_size), seed, config)
    val = validation_scenes(seed, validation)
    val_images = np.stack([np.asarray(scenes.render(s, IMAGE)) for s in val])
    path = run.checkpoints()[-1] if run.checkpoints() else folder
    net.train()
    for step in range(start + 1, steps + 1):
        # 1. refresh a slice of the pool with unseen scenes
        if rounds_before(step) > rounds:
            rounds = rounds_before(step)
            fill_pool(pool, pool_keys(pool_size, rounds, refresh_size), seed, config)
        # 2. the step's batch, a pure function of (seed, step)
        pick = np.random.default_rng([seed, 11, step]).integers(pool_size, size=batch)
        gen = torch.Generator().manual_seed(seed * 1_000_003 + step)
        x = torch.from_numpy(pool.images[pick]).permute(0, 3, 1, 2).float() / 255.0
        x = augment(x, gen)
        t = targets(torch.from_numpy(pool.sprites[pick]))
        # 3. one optimiser step
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, steps, lr)
        parts = losses(net(x), t, torch.from_numpy(pool.backgrounds[pick]))
        opt.zero_grad(set_to_none=True)
        parts["loss"].backward()
        opt.step()
        if step % log_every == 0 or step == steps:
            run.log(step, lr=round(opt.param_groups[0]["lr"], 6), **{k: round(v.item(), 4) for k, v in parts.items()})
        # 4. checkpoint, with a quick look at training-split validation scenes
        if step % checkpoint_every == 0 or step == steps:
            path = run.save(step, {"model": net.state_dict(), "optimizer": opt.state_dict(), "rng": rng_state()})
            figures = evaluate_readings(Oracle(net, config).read(val_images), val)
            run.log(step, **{f"val_{k}": v for k, v in figures.items() if isinstance(v, float)})
            net.train()
    return path


def validation_scenes(seed: int, n: int = VALIDATION) -> list[Scene]:
    """Training-split scenes from a stream the pool never draws from (for logs and thresholds)."""
    return [scenes.sample_scene(np.random.default_rng([seed, 13, k]), split="train") for k in range(n)]


def export_oracle(folder: Path, out_path: Path, threshold: float | None = None, validation: int = VALIDATION) -> Oracle:
    """Write the run's newest checkpoint as a shipped oracle (safetensors + JSON) to out_path.

    Without a threshold, the one that reads most training-split validation scenes' counts right is
    chosen (never held-out scenes: those measure the oracle).
    """
    run = TrainingRun(Path(folder), seed=0)
    state = run.resume()
    if state is None:
        raise FileNotFoundError(f"no checkpoint in {folder}")
    config = OracleConfig.default()
    net = OracleNet(config)
    net.load_state_dict(state["model"])
    config = replace(config, training={"steps": int(state["step"]), "seed": int(state["seed"])})
    if threshold is None:
        val = validation_scenes(int(state["seed"]), validation)
        images = np.stack([np.asarray(scenes.render(s, IMAGE)) for s in val])
        best = max(
            (
                evaluate_readings(Oracle(net, replace(config, threshold=th)).read(images), val)["count"],
                -abs(th - 0.35),
                th,
            )
            for th in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
        )
        threshold = best[2]
    oracle = Oracle(net, replace(config, threshold=threshold))
    oracle.save(Path(out_path))
    return oracle


# ---- measuring ----------------------------------------------------------------------------------


def evaluate_readings(readings: list[Reading], chosen: list[Scene]) -> dict[str, Any]:
    """Accuracies of readings against the scenes they were rendered from.

    identity: the set of emoji read is the scene's; background; count: every emoji read exactly as
    many times as drawn (and nothing else); position: a lone group's stated position or two groups'
    stated relation holds (relation: the latter alone); localisation: drawn sprites with a read
    sprite of the same emoji within 3 px of its centre.
    """
    tally: dict[str, list[bool]] = {k: [] for k in ("identity", "background", "count", "position", "relation")}
    near = total = 0
    for reading, scene in zip(readings, chosen, strict=True):
        want = {o.emoji: o.count for o in scene.objects}
        tally["identity"].append(set(reading.groups()) == set(want))
        tally["background"].append(reading.background == scene.background)
        tally["count"].append(reading.counts() == dict(sorted(want.items())))
        verdict = judge(reading, scene.spec())
        for key, value in (
            ("position", verdict.position),
            ("position", verdict.relation),
            ("relation", verdict.relation),
        ):
            if value is not None:
                tally[key].append(value)
        for p in scenes.layout(scene):
            x0, y0, x1, y1 = p.box(IMAGE)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            total += 1
            near += any(d.emoji == p.emoji and max(abs(d.x - cx), abs(d.y - cy)) <= 3 for d in reading.detections)
    out: dict[str, Any] = {"n": len(chosen)}
    for key, values in tally.items():
        out[key] = round(float(np.mean(values)), 4) if values else None
        out[f"n_{key}"] = len(values)
    out["localisation"] = round(near / max(total, 1), 4)
    return out


def evaluate_oracle(
    oracle: Oracle,
    n: int = 1000,
    seed: int = 2024,
    split: str = "heldout",
    blur: float = 0.0,
    chosen: list[Scene] | None = None,
) -> dict[str, Any]:
    """The oracle's accuracies on n fresh real renders of `split` scenes (default: held-out
    compositions; scene k drawn from rng (seed, k)), or on the `chosen` scenes; blur > 0 applies a
    Gaussian blur of that radius (px) first."""
    if chosen is None:
        chosen = [scenes.sample_scene(np.random.default_rng([seed, k]), split) for k in range(n)]
    images = []
    for scene in chosen:
        image = scenes.render(scene, IMAGE)
        images.append(np.asarray(image.filter(ImageFilter.GaussianBlur(blur)) if blur > 0 else image))
    return evaluate_readings(oracle.read(np.stack(images)), chosen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train, export or evaluate the emoji-scene oracle.")
    parser.add_argument("--folder", type=Path, required=True, help="run folder (checkpoints, log.jsonl, pool cache)")
    parser.add_argument("--steps", type=int, default=0, help="train until this many steps in all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--export", type=Path, default=None, help="then write the oracle to this folder")
    args = parser.parse_args(argv)
    if args.steps:
        train_oracle(args.folder, args.steps, seed=args.seed, batch=args.batch, threads=args.threads)
    if args.export is not None:
        export_oracle(args.folder, args.export)
        print(json.dumps(evaluate_oracle(load_oracle(args.export)), indent=1))


if __name__ == "__main__":
    main()
