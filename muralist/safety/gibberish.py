"""Adversarial token soup: prompts optimised against a text encoder read as glued word fragments.

Attacks such as SneakyPrompt, MMA-Diffusion and P4D search the encoder's vocabulary for tokens that
steer the image towards a forbidden concept without saying it ("ndspanties adpornmatic ..."). The
words they produce are mostly not words: WordPiece (the MiniLM tokenizer's vocabulary) has to cut
them into several pieces. Ordinary prompts, even long ones full of style tags, are mostly words the
vocabulary knows; artist names are the exception, so a list of known names is part of the policy.

`gibberish_score` is the fraction of a prompt's words that are fragment soup, weighted by how badly
WordPiece has to cut them. Pure: a vocabulary in, a number out.
"""

from __future__ import annotations

import re
from collections.abc import Container

_WORD = re.compile(r"[a-z]+")
_SUFFIXES = ("ing", "ers", "est", "ies", "ed", "es", "er", "ly", "s")


def wordpieces(word: str, vocab: Container[str], max_pieces: int = 8) -> int:
    """How many pieces greedy longest-match WordPiece (Wu et al. 2016) cuts `word` into."""
    pieces, start = 0, 0
    while start < len(word) and pieces < max_pieces:
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:  # no piece matches: a character the vocabulary lacks
            end = start + 1
        pieces += 1
        start = end
    return pieces


def is_known(word: str, vocab: Container[str], known: Container[str], endings: tuple[str, ...] = ()) -> bool:
    """A word of the vocabulary or of `known`, one of them with an English suffix, or a word of three
    letters or more before one of the `endings` of medicine and science ("colonoscopy", "-itis")."""
    if word in vocab or word in known:
        return True
    if any(word.endswith(e) and len(word) - len(e) >= 3 for e in endings):
        return True
    return any(word.endswith(s) and len(word) - len(s) >= 3 and word[: -len(s)] in vocab for s in _SUFFIXES)


def gibberish_score(
    text: str, vocab: Container[str], known: Container[str], min_words: int = 4, endings: tuple[str, ...] = ()
) -> float:
    """0 (every word a word) … 1 (every word fragment soup); 0 for prompts shorter than `min_words`.

    `text` is the prompt after Unicode folding (normalize.Normalized.folded). A token that mixes Latin
    letters with letters of another script ("mw張zy") counts as soup outright: optimisers pick such
    pieces from the encoder's vocabulary, and people do not type them inside one word.
    """
    tokens = text.split()
    if len(tokens) < min_words:
        return 0.0
    weight = 0.0
    for token in tokens:
        if _mixed_script(token):
            weight += 1.0
            continue
        for word in _WORD.findall(token):
            if len(word) <= 2 or is_known(word, vocab, known, endings):
                continue
            pieces = wordpieces(word, vocab)
            # Two pieces is a compound or a name ("artstation", "rutkowski" → 3); soup cuts into three or more.
            weight += 0.0 if pieces <= 1 else 0.35 if pieces == 2 else 0.75 if pieces == 3 else 1.0
    return min(1.0, weight / len(tokens))


def _mixed_script(token: str) -> bool:
    latin = other = False
    for c in token:
        if c.isascii():
            latin = latin or c.isalpha()
        elif c.isalpha():
            other = True
    return latin and other
