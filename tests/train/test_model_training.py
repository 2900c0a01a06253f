"""Training the built-in model's VAE and UNet: resumable, exported in diffusers format, runnable.

Tiny runs (a few steps on a few dozen scenes) exercise the real training code; the quality of the
shipped weights is judged by `muralist eval quality`, not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from muralist.engine import pipeline
from muralist.errors import UserError
from muralist.models.loading import load_model
from muralist.train import unet as unet_training
from muralist.train import vae as vae_training
from muralist.train.checkpoints import TrainingRun
from muralist.train.data import SceneCache, build_cache
from muralist.train.package import assemble
from muralist.train.splits import is_heldout
from muralist.types import GenerationParams, Sampler


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train")
    cache = build_cache(root / "cache", n=24, seed=0)
    vae_training.train_vae(root / "vae", cache, steps=2, batch=4)
    vae_training.export_vae(root / "vae", cache, root / "vae_export", n_scale=24)
    unet_training.train_unet(root / "unet", root / "vae_export", cache, steps=2, batch=4, checkpoint_every=1)
    unet_training.export_unet(root / "unet", root / "unet_export")
    return {"root": root, "cache": cache}


def test_cache_holds_training_scenes_only(trained: dict[str, Path]) -> None:
    data = SceneCache(trained["cache"])
    assert data.images.shape == (24, 64, 64, 3)
    assert not any(is_heldout(scene) for scene in data.scenes)


def test_unet_training_resumes_where_it_stopped(trained: dict[str, Path]) -> None:
    root = trained["root"]
    before = TrainingRun(root / "unet", 0).resume()
    assert before is not None and before["step"] == 2
    unet_training.train_unet(root / "unet", root / "vae_export", trained["cache"], steps=3, batch=4, checkpoint_every=1)
    after = TrainingRun(root / "unet", 0).resume()
    assert after is not None and after["step"] == 3
    assert not torch.equal(after["model"]["conv_in.weight"], before["model"]["conv_in.weight"])


def test_a_run_resumes_only_with_the_settings_it_was_started_with(trained: dict[str, Path], tmp_path: Path) -> None:
    root = trained["root"]
    folder = tmp_path / "noisy"
    unet_training.train_unet(folder, root / "vae_export", trained["cache"], steps=1, batch=4, checkpoint_every=1,
                             noisy_captions=0.5)  # fmt: skip
    with pytest.raises(UserError, match=r"noisy_captions=0.5 \(asked 0.0\)"):
        unet_training.train_unet(folder, root / "vae_export", trained["cache"], steps=2, batch=4, checkpoint_every=1)
    unet_training.train_unet(folder, root / "vae_export", trained["cache"], steps=2, batch=4, checkpoint_every=1,
                             noisy_captions=0.5)  # fmt: skip
    state = TrainingRun(folder, 0).resume()
    assert state is not None and state["step"] == 2
    assert state["settings"] == {"seed": 0, "batch": 4, "noisy_captions": 0.5}


def test_slim_progress_starts_a_fresh_run_where_the_old_one_was(trained: dict[str, Path], tmp_path: Path) -> None:
    root = trained["root"]
    step = unet_training.save_progress(root / "unet", tmp_path / "progress")
    unet_training.train_unet(tmp_path / "fresh", root / "vae_export", trained["cache"], steps=step + 1, batch=4,
                             checkpoint_every=1, start_from=tmp_path / "progress")  # fmt: skip
    state = TrainingRun(tmp_path / "fresh", 0).resume()
    assert state is not None and state["step"] == step + 1


def test_a_fine_tune_starts_from_an_exported_unet(trained: dict[str, Path], tmp_path: Path) -> None:
    root = trained["root"]
    unet_training.train_unet(tmp_path / "tune", root / "vae_export", trained["cache"], steps=1, batch=4,
                             checkpoint_every=1, start_from=root / "unet_export", noisy_captions=0.5)  # fmt: skip
    state = TrainingRun(tmp_path / "tune", 0).resume()
    exported = load_file(root / "unet_export" / "diffusion_pytorch_model.safetensors")
    assert state is not None and state["step"] == 1
    # one step of AdamW from the exported weights, not from a fresh initialisation
    moved = (state["model"]["conv_in.weight"] - exported["conv_in.weight"]).abs().max()
    assert 0 < moved < 1e-2


def test_vae_export_records_a_latent_scale(trained: dict[str, Path]) -> None:
    config = json.loads((trained["root"] / "vae_export" / "config.json").read_text())
    assert config["scaling_factor"] > 0 and config["block_out_channels"] == [32, 64, 128]


def test_assembled_model_runs_through_the_engine(trained: dict[str, Path], tmp_path: Path) -> None:
    root = trained["root"]
    model_dir = assemble(root / "unet_export", root / "vae_export", tmp_path / "builtin")
    model = load_model(model_dir, "builtin")
    assert model.prediction_type == "v_prediction" and model.vae_scale_factor == 4
    assert model.text_encoder(["a cat"]).shape == (1, 32, 384)
    params = GenerationParams(prompt="a cat on red", model="builtin", seed=0, width=64, height=64, steps=3,
                              sampler=Sampler.DDIM)  # fmt: skip
    (result,) = pipeline.generate(model, params)
    assert result.pixels is not None and result.pixels.shape == (64, 64, 3)
