"""Noisy training captions (muralist/train/caption_noise.py): a reading's leftovers, the scene unchanged."""

from __future__ import annotations

import numpy as np

from muralist.train import caption_noise, captions, scenes
from muralist.train.data import SceneCache, build_cache


def _meaning(text: str) -> list[str]:
    """The words of a caption that say something about its scene, in order."""
    return [w for w in text.replace(",", " ").split() if w not in caption_noise.DROPPABLE_WORDS]


def test_noise_inserts_or_drops_only_words_without_meaning() -> None:
    rng = np.random.default_rng(0)
    changed = 0
    for _ in range(300):
        text = captions.caption(scenes.sample_scene(rng, split="train"), rng, captions.TRAIN)
        noisy = caption_noise.add_noise(text, rng)
        changed += noisy != text
        rest = iter(_meaning(noisy))
        assert all(w in rest for w in _meaning(text)), (text, noisy)  # every meaning word kept, in order
        assert set(noisy.replace(",", " ").split()) <= set(text.replace(",", " ").split()) | set(
            caption_noise.STRAY_WORDS
        ), (text, noisy)
    assert changed >= 295  # one or two edits each (a word dropped and put back is the only no-op)


def test_no_stray_word_is_a_held_out_paraphrase_word() -> None:
    held = caption_noise.held_out_words()
    assert "crimson" in held and "cat" not in held  # what the check is against
    assert not set(caption_noise.STRAY_WORDS) & held


def test_captions_without_noise_are_the_caption_writers_own(tmp_path) -> None:  # noqa: ANN001
    data = SceneCache(build_cache(tmp_path / "cache", n=8, seed=0))
    for i in range(8):
        a, b = np.random.default_rng(i), np.random.default_rng(i)
        assert data.caption(i, a) == captions.caption(data.scenes[i], b, captions.TRAIN)
    noisy = [data.caption(i, np.random.default_rng(i), noisy_share=1.0) for i in range(8)]
    plain = [data.caption(i, np.random.default_rng(i)) for i in range(8)]
    assert sum(n != p for n, p in zip(noisy, plain, strict=True)) >= 6
