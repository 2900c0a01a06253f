"""Training data for the built-in model: rendered scenes, cached once, captioned afresh each time.

A cache is a folder with `images.npy` (uint8 [N, 64, 64, 3]) and `scenes.jsonl` (one Scene per
line). Captions are not cached: every draw writes a new caption for the scene (synonyms, word
order), which is most of what teaches the model the language. Only split="train" scenes are drawn:
held-out compositions never reach a training step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from muralist.train import caption_noise, captions, scenes

IMAGE_SIZE = 64


def build_cache(folder: Path, n: int, seed: int, split: str = "train", workers: int = 1) -> Path:
    """Render `n` scenes into `folder` (resumable: a finished cache is reused as it is).

    Scenes are drawn in order from one generator and only the rendering is spread over `workers`
    processes, so the cache is the same whatever the number of workers.
    """
    folder.mkdir(parents=True, exist_ok=True)
    images_file = folder / "images.npy"
    if images_file.exists() and (folder / "scenes.jsonl").exists():
        return folder
    rng = np.random.default_rng(seed)
    drawn = [scenes.sample_scene(rng, split=split) for _ in range(n)]
    images = np.lib.format.open_memmap(folder / "images.tmp.npy", mode="w+", dtype=np.uint8,
                                       shape=(n, IMAGE_SIZE, IMAGE_SIZE, 3))  # fmt: skip
    if workers > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            rendered = pool.imap(_render, drawn, chunksize=256)
            _fill(images, rendered, n)
    else:
        _fill(images, map(_render, drawn), n)
    images.flush()
    del images
    (folder / "scenes.jsonl").write_text("\n".join(json.dumps(scene.to_dict()) for scene in drawn) + "\n")
    (folder / "images.tmp.npy").rename(images_file)
    return folder


def _render(scene: scenes.Scene) -> np.ndarray:
    return np.asarray(scenes.render(scene, IMAGE_SIZE))


def _fill(images: np.ndarray, rendered: Iterable[np.ndarray], n: int) -> None:
    for i, image in enumerate(rendered):
        images[i] = image
        if (i + 1) % 10000 == 0:
            print(f"rendered {i + 1}/{n}", flush=True)


class SceneCache:
    """A rendered cache in memory, and random captioned batches from it."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        self.images = np.load(folder / "images.npy", mmap_mode="r")
        self.scenes = [scenes.Scene.from_dict(json.loads(line)) for line in (folder / "scenes.jsonl").open()]
        assert len(self.scenes) == len(self.images), f"{folder}: images and scenes disagree"

    def __len__(self) -> int:
        return len(self.scenes)

    def caption(self, index: int, rng: np.random.Generator, noisy_share: float = 0.0) -> str:
        """A fresh training caption; `noisy_share` of them with a reading's leftovers (caption_noise)."""
        text = captions.caption(self.scenes[index], rng, captions.TRAIN)
        return caption_noise.add_noise(text, rng) if noisy_share and rng.random() < noisy_share else text


def to_model_range(images: np.ndarray) -> np.ndarray:
    """uint8 [N, H, W, 3] → float32 [N, 3, H, W] in [-1, 1] (what the VAE reads)."""
    return (images.astype(np.float32) / 127.5 - 1.0).transpose(0, 3, 1, 2)
