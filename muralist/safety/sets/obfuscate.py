"""What adversaries do to a prompt to slip it past a word filter, as functions (text, rng) → text.

Each disguises about half of the words of four or more letters (always at least two), since an
attacker does not know which word the filter keys on. Used to build the obfuscated forms of the
red-team set and by the normalizer's tests.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "b": "8", "g": "9"}
_LEET_ALT = {"a": "@", "s": "$", "i": "!", "l": "|", "o": "0", "e": "3"}
_HOMOGLYPH = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ", "j": "ј"}
_WORD = re.compile(r"[A-Za-z]{4,}")


def _each_word(text: str, rng: random.Random, change: Callable[[str], str]) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text
    chosen = {m.start() for m in words if rng.random() < 0.5}
    while len(chosen) < min(2, len(words)):
        chosen.add(rng.choice(words).start())
    out, last = [], 0
    for m in words:
        if m.start() in chosen:
            out += [text[last : m.start()], change(m.group(0))]
            last = m.end()
    return "".join(out) + text[last:]


def leet(text: str, rng: random.Random) -> str:
    table = rng.choice([_LEET, _LEET_ALT])
    return _each_word(text, rng, lambda w: "".join(table.get(c, c) if rng.random() < 0.7 else c for c in w))


def homoglyph(text: str, rng: random.Random) -> str:
    return _each_word(text, rng, lambda w: "".join(_HOMOGLYPH.get(c, c) for c in w))


def zero_width(text: str, rng: random.Random) -> str:
    mark = rng.choice(["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"])
    return _each_word(text, rng, lambda w: mark.join(w))


def spaced(text: str, rng: random.Random) -> str:
    sep = rng.choice([" ", ".", "-", "*", "_", " . "])
    return _each_word(text, rng, lambda w: sep.join(w))


def repeated(text: str, rng: random.Random) -> str:
    return _each_word(text, rng, lambda w: "".join(c * rng.choice([1, 1, 3, 4]) if c in "aeiou" else c for c in w))


def fullwidth(text: str, rng: random.Random) -> str:
    return _each_word(
        text, rng, lambda w: "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in w)
    )


def mixed(text: str, rng: random.Random) -> str:
    first, second = rng.sample([leet, homoglyph, zero_width, repeated, fullwidth], 2)
    return second(first(text, rng), rng)


OBFUSCATIONS: list[tuple[str, Callable[[str, random.Random], str]]] = [
    ("leet", leet),
    ("homoglyph", homoglyph),
    ("zero_width", zero_width),
    ("spaced", spaced),
    ("repeated", repeated),
    ("fullwidth", fullwidth),
    ("mixed", mixed),
]
