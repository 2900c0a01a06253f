"""Lexicon terms with slots ("strangling {det} {harmed}"), matched without filling them in.

A term may name a [slots] list of lexicon.toml in place of a word: "{harmed}" stands for any of its
phrases ("child", "his wife" after "{det}", "old man"). Filled in, a handful of such terms are a
hundred thousand phrases (v11z filled 87,700, and took most of the lexicon's load time and memory);
matched as patterns, each is one entry. A slot is a small trie of its phrases' words, and a term is
tried only where its first word stands (a literal word, or a word that opens a phrase of its first
slot). Like a filled phrase, a term may stretch by one word inside ("strangling his pregnant wife"),
unless it ends in "*", which matches any ending of its last word.

Pure: a term's words and a prompt's words in, (label, start, end) spans out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SLOT = re.compile(r"\{([a-z_]+)\}")
_PART = r"(?:[a-z0-9']+|\{[a-z_]+\})"
_TERM = re.compile(rf"^{_PART}(?: {_PART})*(?:(?<!\}})\*)?$")

# A trie node: the next word → (the node after it, whether a phrase ends with that word).
Trie = dict[str, tuple["Trie", bool]]


def _trie(phrases: list[str]) -> Trie:
    root: Trie = {}
    for phrase in phrases:
        node = root
        words = phrase.split(" ")
        for k, word in enumerate(words):
            child, ends = node.get(word, ({}, False))
            node[word] = (child, ends or k == len(words) - 1)
            node = child
    return root


@dataclass(frozen=True)
class _Pattern:
    parts: tuple[str, ...]  # a word, or "{name}" for a slot
    label: str
    star: bool  # the last word matches any word it begins ("bag*": bags)


class SlotError(ValueError):
    """A slotted term that cannot be read; the lexicon names the list it came from."""


class SlotPhrases:
    def __init__(self, slots: dict[str, list[str]]):
        self.slots = {name: _trie(phrases) for name, phrases in slots.items()}
        self.slot_words = {w for phrases in slots.values() for p in phrases for w in p.split(" ")}
        self.by_word: dict[str, list[_Pattern]] = {}  # the word a pattern opens with → patterns
        self.literal_words: set[str] = set()

    @staticmethod
    def has_slot(term: object) -> bool:
        return isinstance(term, str) and "{" in term

    def add(self, term: str, label: str) -> None:
        if not _TERM.match(term):
            raise SlotError(f"{term!r} is not a phrase of lowercase words and {{slot}} names (optional '*')")
        unknown = [name for name in SLOT.findall(term) if name not in self.slots]
        if unknown:
            raise SlotError(f"{term!r} names no [slots] list {unknown[0]!r}")
        star = term.endswith("*")
        parts = tuple(term.rstrip("*").split(" "))
        pattern = _Pattern(parts, label, star)
        self.literal_words |= {p for p in parts if not p.startswith("{")}
        first = parts[0]
        openers = list(self.slots[first[1:-1]]) if first.startswith("{") else [first]
        for word in openers:
            self.by_word.setdefault(word, []).append(pattern)

    def words(self) -> set[str]:
        return self.literal_words | self.slot_words

    def scan(self, words: list[str]) -> Iterator[tuple[str, int, int]]:
        """(label, start, end) of every match in `words`."""
        for i, word in enumerate(words):
            for pattern in self.by_word.get(word, ()):
                gap = not pattern.star
                for end in self._ends(pattern, 0, None, words, i, gap, True):
                    yield pattern.label, i, end

    def _ends(self, p: _Pattern, k: int, node: Trie | None, words: list[str], j: int, gap: bool,
              first: bool) -> Iterator[int]:  # fmt: skip
        """Where p.parts[k:] can end when matched from words[j]; `node`: inside slot part k's phrase,
        after its words so far; `gap`: whether one extra word may still be skipped (never the first
        word, and always followed by a matched one)."""
        if node is None and k == len(p.parts):
            yield j
            return
        if j >= len(words):
            return
        if gap and not first:
            yield from self._ends(p, k, node, words, j + 1, False, False)
        word, part = words[j], p.parts[k]
        if not part.startswith("{"):
            last = k == len(p.parts) - 1
            if word == part or (last and p.star and word.startswith(part)):
                yield from self._ends(p, k + 1, None, words, j + 1, gap, False)
            return
        step = (self.slots[part[1:-1]] if node is None else node).get(word)
        if step is None:
            return
        child, ends = step
        if ends:
            yield from self._ends(p, k + 1, None, words, j + 1, gap, False)
        if child:
            yield from self._ends(p, k, child, words, j + 1, gap, False)
