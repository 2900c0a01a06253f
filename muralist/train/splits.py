"""The fixed split of held-out compositions, and the held-out prompt suite drawn from it.

Two kinds of composition never appear in a training scene (scenes.sample_scene(split="train")
rejects any scene containing one):

  * (emoji, background): for each emoji, the HELDOUT_BACKGROUNDS_PER_EMOJI backgrounds with the
    smallest hash; the emoji is never drawn on them in training, in any role;
  * ({emoji a, emoji b}, relation): about HELDOUT_RELATION_RATE of all unordered pairs and relations
    (by hash); the two are never put in that relation in training, in either order.

Membership is decided by SHA-256 of the names, not by a random generator, so the split does not
depend on numpy's version or on the order of the atlas, and adding an emoji leaves every existing
decision as it was. The prompt suite is drawn from these compositions with a fixed seed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from muralist.train import atlas, captions
from muralist.train.scenes import (
    BACKGROUNDS,
    POSITIONS,
    RELATIONS,
    SAMPLE_SIZES_FOR_COUNT,
    PromptSpec,
    Scene,
    SceneObject,
)

HELDOUT_BACKGROUNDS_PER_EMOJI = 2  # of 17 backgrounds: each emoji is trained on the other 15
HELDOUT_RELATION_RATE = 0.02  # of (unordered pair, relation) combinations: about 840 of 42k
SUITE_SEED = 3  # issue 3
SUITE_SIZE = 500


def _unit_hash(*parts: str) -> float:
    """A stable number in [0, 1) for the given names."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@cache
def heldout_backgrounds() -> frozenset[tuple[str, str]]:
    """(emoji, background) combinations never seen in training."""
    out: set[tuple[str, str]] = set()
    for name in atlas.emoji_names():
        ranked = sorted(BACKGROUNDS, key=partial(_unit_hash, "background", name))
        out.update((name, bg) for bg in ranked[:HELDOUT_BACKGROUNDS_PER_EMOJI])
    return frozenset(out)


@cache
def heldout_relations() -> frozenset[tuple[tuple[str, str], str]]:
    """((emoji a, emoji b) sorted, relation) combinations never seen in training."""
    names = sorted(atlas.emoji_names())
    return frozenset(
        ((a, b), rel)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        for rel in RELATIONS
        if _unit_hash("relation", a, b, rel) < HELDOUT_RELATION_RATE
    )


def is_heldout(scene: Scene | PromptSpec) -> bool:
    """Whether the scene (or prompt) contains a held-out composition."""
    if scene.background is not None:
        held = heldout_backgrounds()
        if any((o.emoji, scene.background) in held for o in scene.objects):
            return True
    if scene.relation is not None:
        a, b = scene.objects[0].emoji, scene.objects[1].emoji
        return (pair_key(a, b), scene.relation) in heldout_relations()
    return False


# ---- held-out sampling --------------------------------------------------------------------------


def _size_for(rng: np.random.Generator, count: int) -> str:
    sizes = SAMPLE_SIZES_FOR_COUNT[count]
    return sizes[int(rng.integers(len(sizes)))]


def _heldout_single(rng: np.random.Generator, count: int) -> Scene:
    """One group of an emoji on a background it is never trained on."""
    combos = sorted(heldout_backgrounds())
    emoji, background = combos[int(rng.integers(len(combos)))]
    positions = (*POSITIONS, None)
    position = positions[int(rng.integers(len(positions)))]
    obj = SceneObject(emoji, count, _size_for(rng, count), position)
    return Scene(background, (obj,), None, int(rng.integers(0, 2**31)))


def _heldout_pair(rng: np.random.Generator, relations: tuple[str, ...]) -> Scene:
    """Two emoji in a relation they are never trained in (either order)."""
    combos = sorted(c for c in heldout_relations() if c[1] in relations)
    (a, b), relation = combos[int(rng.integers(len(combos)))]
    if rng.random() < 0.5:
        a, b = b, a
    counts = [1 if rng.random() < 0.8 else 2 for _ in range(2)]
    objects = tuple(SceneObject(e, n, _size_for(rng, n)) for e, n in zip((a, b), counts, strict=True))
    background = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    return Scene(background, objects, relation, int(rng.integers(0, 2**31)))


def sample_heldout_scene(rng: np.random.Generator) -> Scene:
    """A random scene containing at least one held-out composition."""
    if rng.random() < 0.6:
        return _heldout_single(rng, int(rng.choice((1, 2, 3), p=(0.6, 0.25, 0.15))))
    return _heldout_pair(rng, RELATIONS)


# ---- the prompt suite ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteItem:
    """One held-out evaluation prompt, with a paraphrased twin and a real render of it."""

    kind: str  # "single" (one emoji), "count" (2 or 3 copies) or "relation" (above / left of)
    prompt: str  # training vocabulary, held-out composition
    paraphrase: str  # the same spec in paraphrase vocabulary
    spec: PromptSpec
    scene: Scene  # a scene stating spec, for oracle accuracy on real renders and for FOD

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "paraphrase": self.paraphrase,
            "spec": self.spec.to_dict(),
            "scene": self.scene.to_dict(),
        }


def heldout_suite(n: int = SUITE_SIZE, seed: int = SUITE_SEED) -> list[SuiteItem]:
    """n held-out prompts, deterministically: 40% single emoji, 20% counts, 40% two-emoji relations.

    Relations in the suite are "above" and "left of" (said as above/below/left of/right of):
    "next to" has no direction to check. Every prompt parses back to its spec (asserted).
    """
    rng = np.random.default_rng(seed)
    n_single, n_count = round(n * 0.4), round(n * 0.2)
    kinds = ["single"] * n_single + ["count"] * n_count + ["relation"] * (n - n_single - n_count)
    items = []
    for kind in kinds:
        if kind == "single":
            scene = _heldout_single(rng, 1)
        elif kind == "count":
            scene = _heldout_single(rng, int(rng.integers(2, 4)))
        else:
            scene = _heldout_pair(rng, ("above", "left of"))
        spec = scene.spec()
        prompt = captions.caption(spec, rng, captions.TRAIN)
        paraphrase = captions.caption(spec, rng, captions.PARAPHRASE)
        for text in (prompt, paraphrase):
            if captions.parse_prompt(text) != spec:  # the language must read back what it wrote
                raise AssertionError(f"suite prompt {text!r} does not parse back to {spec}")
        items.append(SuiteItem(kind, prompt, paraphrase, spec, scene))
    return items


def write_suite(path: Path, n: int = SUITE_SIZE, seed: int = SUITE_SEED) -> list[SuiteItem]:
    """Write the suite as JSON lines (one SuiteItem.to_dict() per line); also returns it."""
    items = heldout_suite(n, seed)
    with Path(path).open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    return items
