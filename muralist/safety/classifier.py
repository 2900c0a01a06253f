"""A small prompt classifier on the gate's sentence embedding: benign + 7 categories.

The exemplar gate scores a prompt by its single nearest exemplar sentence, so a phrasing far from
every exemplar is missed even when it is plainly about the same thing. A classifier over the same
384-number MiniLM embedding weighs every direction the dev material taught it, at the cost of a
matrix product or two on an embedding the gate has already computed (microseconds).

Two shapes, told apart by the weights file: a linear model (logistic regression, `weight` and
`bias`), or one hidden layer of GELU units before it (`hidden.weight`, `hidden.bias`). The shipped
one has the hidden layer: at the same share of blocked look-alikes it blocks about 13 points more
of held-out violating phrasings than the linear model, which holds them for review instead
(docs/safety.md, v7).

The weights live in the policy folder (`classifier.safetensors`, part of the policy digest) and are
fitted on the dev material only (since v11r including the check sets already read) by
`python -m muralist.safety.fit_classifier` (fixed seed, full batch, one thread, so the same dev
files give the same weights).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, safe_open

from muralist.safety.verdict import CONTENT_CATEGORIES, Category


class PromptClassifier:
    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, classes: list[str],
                 hidden: tuple[torch.Tensor, torch.Tensor] | None = None):  # fmt: skip
        """weight [classes, d] and bias [classes]; with `hidden` = (W [d, dim], b [d]) the input
        first goes through GELU(x W^T + b), otherwise d is the embedding's dim."""
        if weight.shape[0] != len(classes) or bias.shape != (len(classes),) or classes[0] != "benign":
            raise ValueError(f"classifier: {weight.shape[0]} rows for classes {classes} (benign first)")
        if hidden is not None and (hidden[0].shape[0] != weight.shape[1] or hidden[1].shape != (weight.shape[1],)):
            raise ValueError(f"classifier: hidden layer {tuple(hidden[0].shape)} does not feed {tuple(weight.shape)}")
        known = {c.value for c in CONTENT_CATEGORIES}
        unknown = set(classes[1:]) - known
        if unknown:
            raise ValueError(f"classifier: unknown categories {sorted(unknown)}; the categories are {sorted(known)}")
        self.weight = weight.float()
        self.bias = bias.float()
        self.hidden = None if hidden is None else (hidden[0].float(), hidden[1].float())
        self.classes = classes
        self.categories = [Category(c) for c in classes[1:]]

    @classmethod
    def load(cls, path: Path) -> PromptClassifier:
        tensors = load_file(str(path))
        with safe_open(str(path), framework="pt") as f:
            meta = json.loads((f.metadata() or {}).get("classifier", "{}"))
        hidden = (tensors["hidden.weight"], tensors["hidden.bias"]) if "hidden.weight" in tensors else None
        return cls(tensors["weight"], tensors["bias"], list(meta.get("classes", [])), hidden)

    def save(self, path: Path, metadata: dict[str, str]) -> None:
        from safetensors.torch import save_file

        # One metadata key holding sorted JSON: safetensors writes several keys in no fixed order,
        # and the file's bytes are part of the policy digest, so a refit must give the same bytes.
        meta = {"classifier": json.dumps({**metadata, "classes": self.classes}, sort_keys=True)}
        tensors = {"weight": self.weight.contiguous(), "bias": self.bias.contiguous()}
        if self.hidden is not None:
            tensors |= {"hidden.weight": self.hidden[0].contiguous(), "hidden.bias": self.hidden[1].contiguous()}
        save_file(tensors, str(path), metadata=meta)

    def logits(self, embeddings: torch.Tensor) -> torch.Tensor:
        """[n, dim] unit embeddings → [n, classes] logits."""
        x = embeddings if self.hidden is None else F.gelu(F.linear(embeddings, *self.hidden))
        return x @ self.weight.T + self.bias

    def probabilities(self, embedding: torch.Tensor) -> dict[Category, float]:
        """One [dim] embedding → the probability of each content category."""
        p = torch.softmax(self.logits(embedding[None])[0], dim=0)
        return {c: float(p[i + 1]) for i, c in enumerate(self.categories)}

    def harm(self, embedding: torch.Tensor) -> tuple[Category, float]:
        """One [dim] embedding → the likeliest category and the probability of harm (1 - benign).

        The filter acts on the probability of harm, not of one category: "a student stabbed
        over and over" may split its mass between violence and self-harm, and either way it is
        no benign prompt; the category only names the likeliest reason.
        """
        probs = self.probabilities(embedding)
        top = max(probs, key=lambda c: probs[c])
        return top, sum(probs.values())
