"""The committed emoji atlas: size of the vocabulary, sprites, and agreement with its generator."""

import importlib.util
import json
from pathlib import Path

import numpy as np

from muralist.train import atlas

ROOT = Path(__file__).resolve().parents[2]
ATLAS_DIR = ROOT / "muralist" / "models" / "builtin" / "atlas"


def _render_atlas_module():
    spec = importlib.util.spec_from_file_location("render_atlas", ROOT / "scripts" / "render_atlas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vocabulary_is_large_enough():
    assert len(atlas.emoji_names()) >= 150
    cats = atlas.categories()
    assert len(cats) >= 8
    assert all(len(names) >= 5 for names in cats.values())
    assert len(set(atlas.emoji_names())) == len(atlas.emoji_names())


def test_sprites_are_rgba_with_a_visible_glyph():
    for name in atlas.emoji_names():
        arr = atlas.sprite_array(name)
        assert arr.dtype == np.uint8 and arr.ndim == 3 and arr.shape[2] == 4
        assert max(arr.shape[:2]) >= 100  # the font's 109 ppem strike, not a thumbnail
        alpha = arr[..., 3]
        assert (alpha == 255).mean() > 0.2, name  # mostly opaque glyph, trimmed tight
        # Trimmed: every border row/column touches the glyph.
        assert alpha[0].any() and alpha[-1].any() and alpha[:, 0].any() and alpha[:, -1].any(), name


def test_scaled_sprite_is_a_centred_square():
    im = atlas.sprite_at("rocket", 40)
    assert im.size == (40, 40) and im.mode == "RGBA"
    alpha = np.asarray(im)[..., 3]
    ys, xs = np.nonzero(alpha)
    assert abs((xs.min() + xs.max()) / 2 - 19.5) <= 1 and abs((ys.min() + ys.max()) / 2 - 19.5) <= 1


def test_committed_files_are_small_and_licensed():
    assert (ATLAS_DIR / "emoji_atlas.png").stat().st_size < 2_000_000
    license_text = (ATLAS_DIR / "LICENSE-noto-emoji.txt").read_text()
    assert "Apache License" in license_text and "Noto" in license_text


def test_names_file_matches_the_generator_table():
    """The committed names are what scripts/render_atlas.py would write (bbox needs the font)."""
    committed = json.loads((ATLAS_DIR / "emoji_names.json").read_text(encoding="utf-8"))
    expected = _render_atlas_module().names_entries()
    got = [{k: v for k, v in e.items() if k != "bbox"} for e in committed["emoji"]]
    assert got == expected
    assert committed["count"] == len(expected)


def test_info_names_every_field():
    cat = atlas.info("cat")
    assert cat.emoji == "🐱" and cat.codepoints == ("U+1F431",)
    assert cat.category == "animals" and cat.plural == "cats"
    assert "kitten" in cat.synonyms and "kitty" in cat.paraphrases
    assert atlas.info("rocket").synonyms == {"spaceship": "spaceships"}
