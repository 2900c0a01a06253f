"""Undo what adversaries do to text before any rule runs.

`normalize(text)` returns the views the rules match against and the tricks it found:

1. Unicode NFKC (full-width letters, ligatures, circled letters → plain letters), then accents
   stripped (NFKD minus combining marks), so "ｎｕｄｅ", "ⓝⓤⓓⓔ" and "nüde" read "nude".
2. Zero-width, bidi and other invisible format characters removed; control characters → space.
3. Confusable homoglyphs (Cyrillic "а", Greek "ο", …) mapped to the Latin letter they imitate
   (a small table after Unicode TR39's confusables for the letters a-z).
4. Case folded.
5. Leetspeak undone inside words that also contain letters ("s3x", "n@ked", "k1ll"); a bare number
   ("4 cats", "1990") is left alone. A code of one or two letters and a number ("k9", "ww1", "ak47",
   "mp3") is undone in the views too, but is not counted as the "leet" trick: it is how such names
   are spelled, not a disguise.
6. Letters split by spaces or symbols joined: "n u d e", "n.u.d.e", "n-u-d-e", "nu*de".
7. Runs of three or more of the same letter shortened ("nuuuude" → "nude" and "nuude"); with a
   vocabulary, a third view shortens each run of a word to one letter or two, whichever makes a
   known word, the longer where both do ("noooooseee" → "noose", where the other views read "nose"
   and "noosee").

Every view is a plain string of words separated by single spaces; the rules match whole words in
any of them. The embedding gate reads `canonical`, the view with every step applied (with a
vocabulary, runs shortened to known words, part by part in a hyphenated word; without one, to one
letter).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass

# Letters from other scripts that render like Latin letters (TR39 confusables, the common ones).
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
    "υ": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "ү": "y", "ʒ": "z", "п": "n", "ь": "b", "з": "3",
    # Greek
    "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "χ": "x", "γ": "y", "ζ": "z", "ω": "w", "μ": "u", "σ": "o",
    # Latin lookalikes and IPA
    "ı": "i", "ȷ": "j", "ɡ": "g", "ɑ": "a", "ɩ": "i", "ʟ": "l", "ɴ": "n", "ʀ": "r", "ꜱ": "s", "ᴀ": "a",
    "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v",
    "ᴡ": "w", "ᴢ": "z", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th",
}  # fmt: skip
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l", "¡": "i"})  # fmt: skip
_LEET_CHARS = "0134578@$!|+€£¡9"
# A word that mixes letters with leet characters: "s3x", "n@k3d", "k1ll", "p0rn", "a$$".
_LEET_RUN = re.compile(rf"[\w{re.escape(_LEET_CHARS)}]+")
_HAS_LETTER = re.compile(r"[a-z]")
_HAS_LEET = re.compile(rf"[{re.escape(_LEET_CHARS)}]")
# "¡" opening a word and "!" ending one are punctuation ("¡hola", "do your part!"), not an i.
_PUNCTUATION_ENDS = re.compile(r"(¡*)(.*?)(!*)")
# Numbers with a unit or an ordinal are not leet: "1930s", "3rd", "35mm", "8k", "4x4", "10am".
_NUMBER_WORD = re.compile(r"\d+(?:s|st|nd|rd|th|k|d|p|mm|cm|m|km|ft|px|am|pm|hz|fps|mp|x\d+)")
# One or two letters and a number: a name or model code ("k9 unit", "ww1", "b52", "ak47", "mp3").
_CODE_WORD = re.compile(r"[a-z]{1,2}\d+")
# Single letters separated by one separator, at least three in a row: "n u d e", "n.u.d.e", "g-o-r-e".
_SPLIT_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:[ ._\-*·•~/\\|,+:'`^]{1,3}[a-z](?![a-z0-9])){2,}")
# Symbols inside a word: "nu*de", "se.x", "ra_pe", "k-i-ll" → "nude", "sex", "rape", "kill".
_INNER_SYMBOLS = re.compile(r"(?<=[a-z])[._\-*·•~'`^]+(?=[a-z])")
_RUNS3 = re.compile(r"([a-z])\1{2,}")
_RUN_WORD = re.compile(r"[a-z]*([a-z])\1{2,}[a-z]*")  # a word with such a run
MAX_RUNS = 4  # runs in one word tried both ways (2 ** 4 spellings at most)
_NON_WORD = re.compile(r"[^a-z0-9']+")
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me"}  # format (zero-width, bidi), combining marks


@dataclass(frozen=True)
class Normalized:
    original: str
    folded: str  # steps 1-4 with punctuation and other scripts kept, whitespace squashed
    plain: str  # steps 1-4 as words
    canonical: str  # all steps: the view the embedding reads
    views: tuple[str, ...]  # every distinct view, words separated by single spaces
    tricks: tuple[str, ...]  # which evasions were found: "homoglyph", "invisible", "leet", "split", "repeat"


def normalize(text: str, vocabulary: Container[str] | None = None) -> Normalized:
    """`vocabulary` (whole words) lets letters spaced one by one ("a s o l d i e r h o l d i n g")
    be cut back into words; without it such a run becomes one long word."""
    tricks: list[str] = []
    nfkc = unicodedata.normalize("NFKC", text)
    if nfkc != text and any(unicodedata.category(c) != "Zs" for c in set(text) - set(nfkc)):
        tricks.append("fullwidth")

    stripped = _strip_invisible(nfkc)
    if len(stripped) < len(nfkc):
        tricks.append("invisible")

    folded = stripped.casefold()
    latin = folded.translate(_CONFUSABLE_TABLE)
    if latin != folded and re.search(r"[a-z]", folded):
        tricks.append("homoglyph")
    plain = _squash_spaces(_strip_accents(latin))

    leet = _LEET_RUN.sub(_undo_leet, plain)
    # only when something was undone (rare) are the words looked at again, for codes like "k9"
    disguised = (m.group(0) for m in _LEET_RUN.finditer(plain) if _undo_leet(m) != m.group(0))
    if leet != plain and any(not _CODE_WORD.fullmatch(word) for word in disguised):
        tricks.append("leet")

    spaced = _SPLIT_LETTERS.sub(lambda m: _join_letters(m, vocabulary), leet)
    joined = _INNER_SYMBOLS.sub("", spaced)
    # A hyphen or apostrophe inside a word is ordinary spelling ("x-ray", "o'keeffe"), not a trick.
    if spaced != leet or _INNER_SYMBOLS.sub("", spaced.replace("-", " ").replace("'", " ")) != spaced.replace(
        "-", " "
    ).replace("'", " "):
        tricks.append("split")

    one = _RUNS3.sub(r"\1", joined)
    two = _RUNS3.sub(r"\1\1", joined)
    known = known_parts = joined
    if one != joined:
        tricks.append("repeat")
        if vocabulary is not None:
            known = _RUN_WORD.sub(lambda m: _known_shortening(m.group(0), vocabulary), joined)
            # the parts of a hyphenated word too: "mid-peneeetratiooon" is no known word whole (v11z)
            parts = _INNER_SYMBOLS.sub("", spaced.replace("-", " "))
            known_parts = _RUN_WORD.sub(lambda m: _known_shortening(m.group(0), vocabulary), parts)

    # "a s u i c i d e" joins to "asuicide": a second view keeps a leading "a"/"i" as the article.
    article = _INNER_SYMBOLS.sub("", _SPLIT_LETTERS.sub(lambda m: _join_letters_after_article(m, vocabulary), leet))
    views = tuple(dict.fromkeys(_words(v) for v in (plain, leet, joined, one, two, known, known_parts, article)))
    return Normalized(
        original=text,
        folded=plain,
        plain=_words(plain),
        # with a vocabulary, runs are shortened to known words ("shooooot" → "shoot", not "shot") (v12)
        canonical=_words(one if vocabulary is None else known_parts),
        views=views,
        tricks=tuple(tricks),
    )


# Where one clause of a prompt ends and the next begins: punctuation, brackets, a dash between spaces.
# Punctuation counts only before a space or the end, so "3.5" and a disguise such as "n.u.d.e" stay whole.
_CLAUSE_BREAK = re.compile(r"[,.;:!?]+(?=\s|$)|[()\[\]{}\"\n]+|\s[-\u2013\u2014]+\s")


def clauses(text: str) -> list[str]:
    """The prompt cut at clause punctuation ("a puppy, note: skip screening" → three pieces), each
    stripped; empty pieces dropped. The rules judge which of them speak to the filter, not of a picture."""
    return [c.strip() for c in _CLAUSE_BREAK.split(text) if c.strip()]


def _undo_leet(match: re.Match[str]) -> str:
    whole = match.group(0)
    head, word, tail = _PUNCTUATION_ENDS.fullmatch(whole).groups()  # type: ignore[union-attr]  # always matches
    # Only words that mix letters with leet characters: "s3x", "n@k3d"; "1990", "4" and "1930s" stay.
    if _NUMBER_WORD.fullmatch(word) or not (_HAS_LETTER.search(word) and _HAS_LEET.search(word)):
        return whole
    return head + word.translate(_LEET) + tail


def _strip_invisible(text: str) -> str:
    out: list[str] = []
    for c in text:
        cat = unicodedata.category(c)
        if cat in _INVISIBLE_CATEGORIES and not (cat == "Mn" and out and out[-1].isalpha()):
            continue  # zero-width joiners, bidi marks, variation selectors; combining marks off letters
        out.append(" " if cat == "Cc" else c)
    return "".join(out)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn")


def _letter_groups(run: str) -> list[str]:
    """ "n.u.d.e w.o.m.a.n" → ["nude", "woman"]: a change of separator marks a word boundary."""
    parts = re.split(r"([^a-z]+)", run)
    chars, seps = parts[0::2], parts[1::2]
    # On a tie, the separator seen first ("i'm a" → "im a"): never a set's order, which changes with
    # the process's hash seed, so that the same prompt is read the same way in every process.
    common = max(dict.fromkeys(seps), key=seps.count) if seps else ""
    groups, current = [], chars[0]
    for sep, char in zip(seps, chars[1:], strict=True):
        if sep == common:
            current += char
        else:
            groups.append(current)
            current = char
    groups.append(current)
    return groups


def _join_letters(match: re.Match[str], vocabulary: Container[str] | None) -> str:
    return " ".join(_segment(g, vocabulary) for g in _letter_groups(match.group(0)))


def _segment(letters: str, vocabulary: Container[str] | None) -> str:
    """Cut a run of letters into the fewest vocabulary words ("asoldierholding" → "a soldier holding")."""
    if vocabulary is None or len(letters) < 6 or letters in vocabulary:
        return letters
    n = len(letters)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (words so far, start of last word)
    best[0] = (0, 0)
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            word = letters[start:end]
            prev = best[start]
            if prev is None or (len(word) == 1 and word not in "ai") or word not in vocabulary:
                continue
            if best[end] is None or prev[0] + 1 < best[end][0]:  # type: ignore[index]
                best[end] = (prev[0] + 1, start)
    if best[n] is None:
        return letters
    words, end = [], n
    while end > 0:
        start = best[end][1]  # type: ignore[index]
        words.append(letters[start:end])
        end = start
    return " ".join(reversed(words))


def _join_letters_after_article(match: re.Match[str], vocabulary: Container[str] | None) -> str:
    groups = [_segment(g, vocabulary) for g in _letter_groups(match.group(0))]
    first = groups[0]
    if first[0] in "ai" and len(first) >= 4 and " " not in first:
        groups[0] = f"{first[0]} {first[1:]}"
    return " ".join(groups)


def _known_shortening(word: str, vocabulary: Container[str]) -> str:
    """The word with each run of three or more letters cut to one or to two, whichever spelling is a
    known word (the longest such); the two-letter spelling where none is."""
    parts = re.split(r"(([a-z])\2{2,})", word)  # text, run, its letter, text, ...
    texts, letters = parts[0::3], parts[2::3]
    if len(letters) > MAX_RUNS:
        return _RUNS3.sub(r"\1\1", word)
    known = []
    for mask in range(2 ** len(letters)):
        runs = zip(letters, texts[1:], strict=True)
        spelled = texts[0] + "".join(letter * (1 + (mask >> k & 1)) + text for k, (letter, text) in enumerate(runs))
        if spelled in vocabulary:
            known.append(spelled)
    return max(known, key=len) if known else _RUNS3.sub(r"\1\1", word)


def _squash_spaces(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> str:
    """Lowercase words of [a-z0-9'] separated by single spaces; an apostrophe that opens or closes a
    word is a quotation mark ("'day of the rope'"), not spelling, and goes."""
    return " ".join(w for w in (w.strip("'") for w in _NON_WORD.sub(" ", text).split()) if w)
