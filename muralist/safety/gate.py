"""The sentence-embedding gate: cosine similarity of a prompt to each category's exemplars.

The lexicon catches the words; the gate catches the meaning when the words are new ("a woman
wearing nothing but a smile"). A prompt's score for a category is its highest cosine similarity to
that category's exemplar sentences; its benign score is the same over look-alikes that must pass
(Michelangelo's David, a breast-cancer poster). Long prompts are also read in windows of a few
words, so that one clause cannot hide among fifty style tags.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from muralist.safety.embedding import SentenceEncoder
from muralist.safety.verdict import CONTENT_CATEGORIES, Category


@dataclass(frozen=True)
class GateScores:
    categories: dict[Category, float]  # best similarity to each category's exemplars
    benign: dict[Category, float]  # best similarity to a benign exemplar, in the text that scored the category
    embedding: torch.Tensor | None = None  # [dim] embedding of the whole prompt (None for an empty one)


class EmbeddingGate:
    def __init__(self, encoder: SentenceEncoder, exemplars: dict[str, list[str]], window_words: int = 0):
        self.encoder = encoder
        self.window_words = window_words
        self.categories = [c for c in CONTENT_CATEGORIES if exemplars.get(c.value)]
        sentences: list[str] = []
        owner: list[int] = []  # index into self.categories, or -1 for benign
        for i, category in enumerate(self.categories):
            sentences += exemplars[category.value]
            owner += [i] * len(exemplars[category.value])
        sentences += exemplars.get("benign", [])
        owner += [-1] * len(exemplars.get("benign", []))
        self.matrix = encoder(sentences)  # [n_exemplars, dim], unit rows
        self.owner = torch.tensor(owner)

    def texts(self, text: str) -> list[str]:
        """The whole prompt, and for long prompts overlapping windows of `window_words` words."""
        words = text.split()
        w = self.window_words
        if w <= 0 or len(words) <= w + w // 2:
            return [text]
        step = max(1, w // 2)
        starts = range(0, len(words) - w + step, step)
        return [text] + [" ".join(words[s : s + w]) for s in starts]

    def score(self, text: str) -> GateScores:
        if not text.strip():
            zero = dict.fromkeys(self.categories, 0.0)
            return GateScores(zero, dict(zero))
        embeddings = self.encoder(self.texts(text))
        sims = embeddings @ self.matrix.T  # [n_texts, n_exemplars]
        benign_rows = (
            sims[:, self.owner == -1].max(dim=1).values
            if bool((self.owner == -1).any())
            else torch.zeros(sims.shape[0])
        )
        categories: dict[Category, float] = {}
        benign: dict[Category, float] = {}
        for i, category in enumerate(self.categories):
            best = sims[:, self.owner == i].max(dim=1).values  # per text
            row = int(best.argmax())
            categories[category] = float(best[row])
            benign[category] = float(benign_rows[row])
        return GateScores(categories, benign, embeddings[0])
