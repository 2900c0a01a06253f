"""Our six-layer MiniLM forward computes what transformers' BertModel computes."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from muralist.models.text_encoders import minilm_directory
from muralist.safety.embedding import SentenceEncoder

TEXTS = ["cat", "a photo of a cat sitting on a red sofa next to a window", "Michelangelo's David, marble"]


def _reference(texts: list[str]) -> torch.Tensor:
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(minilm_directory())
    model = AutoModel.from_pretrained(minilm_directory()).eval()
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch)[0]
    mask = batch["attention_mask"].unsqueeze(-1).float()
    return F.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)


def test_full_precision_forward_matches_transformers() -> None:
    ours = SentenceEncoder(minilm_directory(), quantize=False)(TEXTS)
    cosine = (ours * _reference(TEXTS)).sum(-1)
    assert torch.all(cosine > 0.9999), cosine


def test_int8_forward_stays_close(prompt_filter) -> None:
    encoder = prompt_filter.gate.encoder
    full = SentenceEncoder(minilm_directory(), quantize=False)(TEXTS)
    cosine = (encoder(TEXTS) * full).sum(-1)
    assert torch.all(cosine > 0.93), cosine  # measured 0.949 ("cat", 3 tokens) to 0.98


def test_batch_mates_do_not_change_an_embedding(prompt_filter) -> None:
    encoder = prompt_filter.gate.encoder
    alone = encoder([TEXTS[0]])
    batched = encoder(TEXTS)[0:1]
    assert torch.allclose(alone, batched, atol=1e-5)
    full = SentenceEncoder(minilm_directory(), quantize=False)
    assert torch.allclose(full([TEXTS[1]]), full(TEXTS)[1:2], atol=1e-5)  # padding is masked out
