"""The committed emoji sprite atlas of the built-in model: names and RGBA sprites, no font needed.

The atlas is made once by scripts/render_atlas.py (Noto Color Emoji, Apache-2.0) and lives in
muralist/models/builtin/atlas/. Everything here is read-only and cached: the vocabulary is fixed by
the committed names file, and the emoji's `name` (its caption noun, e.g. "cat") is its identifier
everywhere in muralist.train.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from PIL import Image

ATLAS_PACKAGE_PATH = ("models", "builtin", "atlas")


@dataclass(frozen=True)
class EmojiInfo:
    """One sprite of the atlas and the words that name it."""

    index: int  # position in the atlas grid, row-major
    emoji: str  # the character itself
    codepoints: tuple[str, ...]  # "U+1F431", ...
    cldr_name: str  # Unicode CLDR short name, for reference only
    name: str  # caption noun, singular; the identifier used by scenes and captions
    plural: str
    category: str
    synonyms: dict[str, str]  # singular -> plural, used by training captions
    paraphrases: dict[str, str]  # singular -> plural, never used in training (evaluation only)
    bbox: tuple[int, int, int, int]  # the trimmed glyph inside its atlas cell

    def forms(self, *, paraphrases: bool = False) -> dict[str, str]:
        """Every singular -> plural surface form: the noun, its synonyms, optionally paraphrases."""
        out = {self.name: self.plural, **self.synonyms}
        if paraphrases:
            out.update(self.paraphrases)
        return out


def _atlas_file(name: str) -> Any:
    return resources.files("muralist").joinpath(*ATLAS_PACKAGE_PATH, name)


@cache
def _meta() -> dict[str, Any]:
    return json.loads(_atlas_file("emoji_names.json").read_text(encoding="utf-8"))


@cache
def emoji_table() -> tuple[EmojiInfo, ...]:
    """All emoji in atlas order."""
    return tuple(
        EmojiInfo(
            index=e["index"],
            emoji=e["emoji"],
            codepoints=tuple(e["codepoints"]),
            cldr_name=e["cldr_name"],
            name=e["name"],
            plural=e["plural"],
            category=e["category"],
            synonyms=dict(e["synonyms"]),
            paraphrases=dict(e["paraphrases"]),
            bbox=(e["bbox"][0], e["bbox"][1], e["bbox"][2], e["bbox"][3]),
        )
        for e in _meta()["emoji"]
    )


@cache
def emoji_names() -> tuple[str, ...]:
    """Caption nouns of all emoji, in atlas order (the class list for an oracle)."""
    return tuple(e.name for e in emoji_table())


@cache
def _by_name() -> dict[str, EmojiInfo]:
    return {e.name: e for e in emoji_table()}


def info(name: str) -> EmojiInfo:
    try:
        return _by_name()[name]
    except KeyError:
        raise KeyError(f"no emoji named {name!r} in the atlas (see emoji_names())") from None


def categories() -> dict[str, tuple[str, ...]]:
    """Category -> emoji names."""
    out: dict[str, list[str]] = {}
    for e in emoji_table():
        out.setdefault(e.category, []).append(e.name)
    return {k: tuple(v) for k, v in sorted(out.items())}


@cache
def _atlas_image() -> Image.Image:
    with _atlas_file("emoji_atlas.png").open("rb") as f:
        image = Image.open(f)
        image.load()
    return image.convert("RGBA")


@cache
def _sprite(name: str) -> Image.Image:
    e = info(name)
    cell = int(_meta()["sprite_size"])
    row, col = divmod(e.index, int(_meta()["columns"]))
    x0, y0, x1, y1 = e.bbox
    return _atlas_image().crop((col * cell + x0, row * cell + y0, col * cell + x1, row * cell + y1))


def sprite(name: str) -> Image.Image:
    """The emoji as an RGBA image trimmed to its glyph (a copy: callers may modify it)."""
    return _sprite(name).copy()


def sprite_array(name: str) -> np.ndarray:
    """The emoji as an (H, W, 4) uint8 RGBA array trimmed to its glyph."""
    return np.asarray(_sprite(name), dtype=np.uint8).copy()


@cache
def sprite_at(name: str, px: int) -> Image.Image:
    """The emoji scaled so its longer side is px, centred on a transparent px x px square.

    Cached (scenes reuse a handful of sizes). Resampled with premultiplied alpha so the transparent
    surround does not darken the edges. Callers must not modify the returned image.
    """
    if px < 1:
        raise ValueError(f"sprite size must be >= 1 px, got {px}")
    glyph = _sprite(name)
    scale = px / max(glyph.size)
    w, h = max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))
    scaled = glyph.convert("RGBa").resize((w, h), Image.Resampling.LANCZOS).convert("RGBA")
    square = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    square.paste(scaled, ((px - w) // 2, (px - h) // 2))
    return square
