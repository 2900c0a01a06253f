"""The oracle: a small CNN that reads a 64 x 64 emoji scene back into what it shows.

It reports the background (one of scenes.BACKGROUNDS) and every emoji sprite it finds (name,
centre, box), from which it derives counts, a group's position and the relation between two groups,
by the same geometry the scene language draws with (scenes.layout):

  * position "left"/"right"/"top"/"bottom": every copy of the group is centred in that half;
  * position "centre": the group's bounding box is centred within CENTRE_TOLERANCE of the middle;
  * relation "above" / "left of": every copy of the first group is centred in the top / left half,
    every copy of the second in the other half; "next to": left/right halves in either order.

The network is CenterNet-like (Zhou et al. 2019, "Objects as Points"): a backbone down to a 16 x 16
grid (one cell = 4 px) with an 8 x 8 context branch; per cell an objectness heatmap (peak at a
sprite's centre), 168 emoji class logits, a sub-cell centre offset and the sprite's side; a global
head for the background. Peaks of the heatmap (3 x 3 local maxima above a threshold) are the
detected sprites. The penultimate features give the embedding for a Frechet distance (quality.py).

    oracle = load_oracle()                      # the shipped one, muralist/models/builtin/oracle/
    reading = oracle.read(images)[0]            # uint8 [N, 64, 64, 3] or a list of PIL images
    judge(reading, parse_prompt("two cats on the left on a red background"))
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file, save_file
from torch import nn

from muralist.train import atlas
from muralist.train.scenes import BACKGROUNDS, PromptSpec

IMAGE = 64  # the oracle reads 64 x 64 images; other sizes are box-resized to it
STRIDE = 4  # pixels per heatmap cell
GRID = IMAGE // STRIDE
CENTRE_TOLERANCE = 0.125  # of the canvas side: how far a "centre" group may sit from the middle
WEIGHTS, CONFIG = "oracle.safetensors", "oracle.json"
FORMAT = 1


def builtin_path() -> Path:
    """The shipped oracle's folder inside the package."""
    return Path(str(resources.files("muralist").joinpath("models", "builtin", "oracle")))


# ---- the network --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OracleConfig:
    emoji: tuple[str, ...]  # class order of the emoji logits
    backgrounds: tuple[str, ...]  # class order of the background logits
    widths: tuple[int, int, int, int] = (24, 48, 96, 128)  # stem at 32 x 32 (two), 16 x 16 grid, 8 x 8 context
    head: int = 64  # the detection head's width, also half the feature embedding
    threshold: float = 0.35  # objectness a heatmap peak needs to count as a sprite
    training: dict[str, Any] = field(default_factory=dict)  # how it was made (for the record)

    @classmethod
    def default(cls) -> OracleConfig:
        return cls(emoji=atlas.emoji_names(), backgrounds=BACKGROUNDS)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OracleConfig:
        if d.get("format") != FORMAT:
            raise ValueError(f"oracle config format {d.get('format')!r} is not {FORMAT}")
        return cls(
            emoji=tuple(d["emoji"]),
            backgrounds=tuple(d["backgrounds"]),
            widths=(d["widths"][0], d["widths"][1], d["widths"][2], d["widths"][3]),
            head=int(d["head"]),
            threshold=float(d["threshold"]),
            training=dict(d.get("training", {})),
        )


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class _Residual(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.a = _conv(c, c)
        self.b = nn.Sequential(nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.b(self.a(x)))


class OracleNet(nn.Module):
    """64 x 64 RGB in [0, 1] -> heatmaps on the 16 x 16 grid, background logits, features."""

    def __init__(self, config: OracleConfig):
        super().__init__()
        c1, c2, c3, c4 = config.widths
        self.stem = nn.Sequential(_conv(3, c1, 2), _conv(c1, c2))  # 32 x 32
        self.grid = nn.Sequential(_conv(c2, c3, 2), _Residual(c3))  # 16 x 16: one cell = 4 px
        self.context = nn.Sequential(_conv(c3, c4, 2), _Residual(c4))  # 8 x 8: sees a whole sprite
        self.lateral = nn.Conv2d(c4, c3, 1)
        self.head = _conv(c3, config.head)
        # Per cell: 1 objectness, len(emoji) classes, 2 centre offsets, 1 side.
        self.out = nn.Conv2d(config.head, 1 + len(config.emoji) + 3, 1)
        self.background = nn.Sequential(nn.Linear(c4, config.head), nn.ReLU(inplace=True))
        self.background_out = nn.Linear(config.head, len(config.backgrounds))
        self.n_emoji = len(config.emoji)
        with torch.no_grad():  # start the heatmap near "nothing anywhere" (CenterNet's prior)
            bias = self.out.bias
            assert bias is not None
            bias[0] = -2.2

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        grid = self.grid(self.stem(x))
        context = self.context(grid)
        hidden = self.head(grid + F.interpolate(self.lateral(context), scale_factor=2.0, mode="nearest"))
        out = self.out(hidden)
        bg_hidden = self.background(context.mean(dim=(2, 3)))
        n = self.n_emoji
        return {
            "objectness": out[:, 0],  # [N, G, G] logits
            "classes": out[:, 1 : 1 + n],  # [N, C, G, G] logits
            "offset": out[:, 1 + n : 3 + n],  # [N, 2, G, G] centre within its cell, in cells
            "side": out[:, 3 + n],  # [N, G, G] sprite side / IMAGE
            "background": self.background_out(bg_hidden),  # [N, B] logits
            "features": torch.cat([hidden.mean(dim=(2, 3)), bg_hidden], dim=1),  # [N, 2 * head]
        }


# ---- decoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """One sprite found: its emoji, centre and side in pixels of the 64 x 64 image, and scores."""

    emoji: str
    x: float
    y: float
    side: float
    score: float  # objectness of its heatmap peak
    confidence: float  # the class probability at the peak

    def box(self) -> tuple[float, float, float, float]:
        h = self.side / 2
        return (self.x - h, self.y - h, self.x + h, self.y + h)


def decode(
    objectness: torch.Tensor,
    classes: torch.Tensor,
    offset: torch.Tensor,
    side: torch.Tensor,
    names: Sequence[str],
    threshold: float,
) -> list[list[Detection]]:
    """Heatmaps of a batch ([N, G, G] logits, [N, C, G, G] logits, [N, 2, G, G], [N, G, G]) -> sprites.

    1. objectness probability; a cell is a peak if it is the maximum of its 3 x 3 neighbourhood and
       above threshold (so one sprite gives one peak, and copies 1.3 px apart still give two);
    2. the emoji is the argmax of the class logits at the peak;
    3. the centre is the peak cell plus the predicted offset, scaled to pixels.
    """
    prob = torch.sigmoid(objectness)
    cells = prob.shape[-1]
    scale = IMAGE / cells
    peaks = (prob == F.max_pool2d(prob[:, None], 3, 1, 1)[:, 0]) & (prob > threshold)
    class_prob = torch.softmax(classes, dim=1)
    out: list[list[Detection]] = []
    for i in range(prob.shape[0]):
        found = []
        for gy, gx in peaks[i].nonzero().tolist():
            p, k = class_prob[i, :, gy, gx].max(dim=0)
            dx, dy = offset[i, :, gy, gx].clamp(0, 1).tolist()
            found.append(
                Detection(
                    emoji=names[int(k)],
                    x=(gx + dx) * scale,
                    y=(gy + dy) * scale,
                    side=float(side[i, gy, gx].clamp(min=0)) * IMAGE,
                    score=float(prob[i, gy, gx]),
                    confidence=float(p),
                )
            )
        out.append(sorted(found, key=lambda d: (d.y, d.x)))
    return out


# ---- readings and the geometry of the scene language --------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the oracle sees in one image."""

    background: str
    background_confidence: float
    detections: tuple[Detection, ...]

    def groups(self) -> dict[str, list[Detection]]:
        """Emoji -> its detected copies."""
        out: dict[str, list[Detection]] = {}
        for d in self.detections:
            out.setdefault(d.emoji, []).append(d)
        return out

    def count(self, emoji: str) -> int:
        return sum(d.emoji == emoji for d in self.detections)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in sorted(self.groups().items())}

    def to_dict(self) -> dict[str, Any]:
        return {
            "background": self.background,
            "background_confidence": round(self.background_confidence, 4),
            "objects": self.counts(),
            "detections": [
                {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(d).items()} for d in self.detections
            ],
        }


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in d.items()}


def holds_position(copies: Sequence[Detection], position: str) -> bool:
    """Whether a group (all copies of one emoji) stands where `position` says (see module docstring)."""
    if not copies:
        return False
    half = IMAGE / 2
    if position == "left":
        return all(d.x < half for d in copies)
    if position == "right":
        return all(d.x > half for d in copies)
    if position == "top":
        return all(d.y < half for d in copies)
    if position == "bottom":
        return all(d.y > half for d in copies)
    if position == "centre":
        boxes = np.array([d.box() for d in copies])
        cx = (boxes[:, 0].min() + boxes[:, 2].max()) / 2
        cy = (boxes[:, 1].min() + boxes[:, 3].max()) / 2
        limit = CENTRE_TOLERANCE * IMAGE
        return bool(abs(cx - half) <= limit and abs(cy - half) <= limit)
    raise ValueError(f"unknown position {position!r}")


def holds_relation(first: Sequence[Detection], second: Sequence[Detection], relation: str) -> bool:
    """Whether two groups stand in a canonical relation: first above / left of / next to second."""
    if not first or not second:
        return False
    if relation == "above":
        return holds_position(first, "top") and holds_position(second, "bottom")
    if relation == "left of":
        return holds_position(first, "left") and holds_position(second, "right")
    if relation == "next to":
        return holds_relation(first, second, "left of") or holds_relation(second, first, "left of")
    raise ValueError(f"unknown relation {relation!r}")


@dataclass(frozen=True)
class Judgement:
    """A reading against a prompt; None where the prompt does not ask (no background named...)."""

    objects: bool  # every emoji the prompt names is there
    background: bool | None
    counts: bool  # every named emoji is there exactly as many times as asked
    position: bool | None  # a lone group's position, if the prompt states one
    relation: bool | None  # the two groups' relation, if the prompt states one

    def to_dict(self) -> dict[str, bool | None]:
        return asdict(self)


def judge(reading: Reading, spec: PromptSpec) -> Judgement:
    """Judge what the oracle read against what a prompt asked for."""
    groups = reading.groups()
    copies = [groups.get(o.emoji, []) for o in spec.objects]
    position = None
    if len(spec.objects) == 1 and spec.objects[0].position is not None:
        position = holds_position(copies[0], spec.objects[0].position)
    relation = None
    if spec.relation is not None:
        relation = holds_relation(copies[0], copies[1], spec.relation)
    return Judgement(
        objects=all(copies),
        background=None if spec.background is None else reading.background == spec.background,
        counts=all(len(c) == o.count for c, o in zip(copies, spec.objects, strict=True)),
        position=position,
        relation=relation,
    )


# ---- the oracle ---------------------------------------------------------------------------------


def to_batch(images: np.ndarray | Sequence[Image.Image] | Sequence[np.ndarray]) -> torch.Tensor:
    """uint8 [N, H, W, 3] (or PIL images) -> float [N, 3, 64, 64] in [0, 1]; other sizes box-resized."""
    arrays = []
    for im in images:
        pil = im if isinstance(im, Image.Image) else Image.fromarray(np.asarray(im, dtype=np.uint8))
        pil = pil.convert("RGB")
        if pil.size != (IMAGE, IMAGE):
            pil = pil.resize((IMAGE, IMAGE), Image.Resampling.BOX)
        arrays.append(np.asarray(pil, dtype=np.uint8))
    if not arrays:
        return torch.zeros(0, 3, IMAGE, IMAGE)
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float() / 255.0


class Oracle:
    """A trained OracleNet with its config; reads images into Readings and features."""

    def __init__(self, net: OracleNet, config: OracleConfig, batch: int = 256):
        self.net = net.eval()
        self.config = config
        self.batch = batch

    @torch.no_grad()
    def _outputs(self, images: Any) -> list[dict[str, torch.Tensor]]:
        x = to_batch(images)
        return [self.net(x[i : i + self.batch]) for i in range(0, len(x), self.batch)]

    def read(self, images: Any) -> list[Reading]:
        """One Reading per image (uint8 array [N, 64, 64, 3] or a list of PIL images)."""
        readings = []
        for out in self._outputs(images):
            found = decode(
                out["objectness"], out["classes"], out["offset"], out["side"], self.config.emoji, self.config.threshold
            )
            bg_prob = torch.softmax(out["background"], dim=1)
            conf, idx = bg_prob.max(dim=1)
            for dets, k, c in zip(found, idx.tolist(), conf.tolist(), strict=True):
                readings.append(Reading(self.config.backgrounds[k], c, tuple(dets)))
        return readings

    def features(self, images: Any) -> np.ndarray:
        """The penultimate embedding, float64 [N, 2 * head], for a Frechet distance."""
        outs = self._outputs(images)
        if not outs:
            return np.zeros((0, 2 * self.config.head))
        return torch.cat([o["features"] for o in outs]).double().numpy()

    def save(self, folder: Path) -> None:
        """Weights as safetensors (float32) plus the config as JSON, in folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous().clone() for k, v in self.net.state_dict().items()}
        save_file(state, str(folder / WEIGHTS))
        (folder / CONFIG).write_text(json.dumps(self.config.to_dict(), indent=1) + "\n", encoding="utf-8")


def load_oracle(path: Path | str | None = None) -> Oracle:
    """The oracle saved in folder `path` (default: the shipped one). Checks its classes are the atlas's."""
    folder = builtin_path() if path is None else Path(path)
    if not (folder / WEIGHTS).is_file():
        raise FileNotFoundError(
            f"no oracle at {folder} (expected {WEIGHTS} and {CONFIG}); train one with muralist.train.oracle"
        )
    config = OracleConfig.from_dict(json.loads((folder / CONFIG).read_text(encoding="utf-8")))
    if config.emoji != atlas.emoji_names() or config.backgrounds != BACKGROUNDS:
        raise ValueError(f"the oracle at {folder} was trained on other emoji or backgrounds than this atlas")
    net = OracleNet(config)
    net.load_state_dict(load_file(str(folder / WEIGHTS)))
    return Oracle(net, config)


def main(argv: Sequence[str] | None = None) -> None:
    """python -m muralist.eval.oracle --evaluate PATH [--n N] [--seed S] [--blur R]: accuracy on held-out renders."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--evaluate", type=Path, default=None, help="oracle folder (default: the shipped one)")
    parser.add_argument("--n", type=int, default=1000, help="held-out scenes to render and read")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--blur", type=float, default=0.0, help="Gaussian blur radius in px applied first")
    args = parser.parse_args(argv)
    from muralist.train.oracle import evaluate_oracle  # train builds on this module, not the reverse

    figures = evaluate_oracle(load_oracle(args.evaluate), n=args.n, seed=args.seed, blur=args.blur)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
