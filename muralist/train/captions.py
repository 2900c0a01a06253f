"""The caption language of the built-in model: a caption writer and a strict parser for it.

docs/caption-language.md is the reference. In short, a prompt is

    [background clause]  group  [relation group | "and" group | ", " group " and " group]  [background clause]

with at most one background clause, at the start or the end:
  * group:      [count] [size] noun [position]       ("two small cats on the left")
  * background: "on a purple background", "on purple", ", purple background", "against a purple
                background", "with a purple background"; at the start "a purple background with ...",
                "on purple, ...". Colour words ONLY name the background: emoji keep their own colours.

Every word class has training words and held-out paraphrase words (PARAPHRASE vocabulary). The
training caption writer never uses a paraphrase; the parser reads both, so evaluation can ask "a
kitty on crimson" and check that the model generalises through the text encoder.

The parser never guesses: a prompt with an unknown word, an unreadable order, a count that does not
agree with its noun ("two cat") or an impossible scene (an emoji named twice) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from muralist.train import atlas
from muralist.train.scenes import BACKGROUNDS, TEXTURES, PromptSpec, Scene, SceneObject, canonical_spec

TRAIN = "train"
PARAPHRASE = "paraphrase"

# value -> (training phrases, paraphrase phrases); the first training phrase is canonical.
Words = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

BACKGROUND_WORDS: Words = {
    "red": (("red",), ("crimson", "scarlet")),
    "orange": (("orange",), ("amber",)),
    "yellow": (("yellow",), ("golden",)),
    "green": (("green",), ("emerald",)),
    "blue": (("blue",), ("azure", "cobalt")),
    "purple": (("purple",), ("violet",)),
    "pink": (("pink",), ("fuchsia",)),
    "brown": (("brown",), ("chestnut",)),
    "black": (("black",), ("ebony",)),
    "white": (("white",), ("ivory",)),
    "gray": (("gray", "grey"), ("silver",)),
    "cyan": (("cyan",), ("turquoise",)),
    "sky": (("sky",), ()),
    "grass": (("grass", "lawn"), ("meadow",)),
    "sand": (("sand", "beach"), ("desert",)),
    "water": (("water", "sea"), ("ocean",)),
    "brick": (("brick", "bricks"), ("brickwork",)),
}
if set(BACKGROUND_WORDS) != set(BACKGROUNDS):  # every background must be sayable, and only those
    raise ValueError("BACKGROUND_WORDS and scenes.BACKGROUNDS disagree")
BACKGROUND_NOUNS: tuple[tuple[str, ...], tuple[str, ...]] = (("background",), ("backdrop",))
POSITION_WORDS: Words = {
    "left": (
        ("on the left", "at the left", "on the left side"),
        ("on the left-hand side", "in the left half"),
    ),
    "right": (
        ("on the right", "at the right", "on the right side"),
        ("on the right-hand side", "in the right half"),
    ),
    "top": (("at the top", "near the top"), ("in the upper half", "up high")),
    "bottom": (("at the bottom", "near the bottom"), ("in the lower half", "down low")),
    "centre": (
        ("in the centre", "in the center", "in the middle"),
        ("in the very centre", "in the very middle"),
    ),
}
# Surface relations; "below" and "right of" are stored as "above"/"left of" with the groups swapped.
RELATION_WORDS: Words = {
    "above": (("above", "over"), ("higher than",)),
    "below": (("below", "under", "beneath"), ("underneath", "lower than")),
    "left of": (("left of", "to the left of"), ("on the left of", "on the left side of")),
    "right of": (("right of", "to the right of"), ("on the right of", "on the right side of")),
    "next to": (("next to", "beside"), ("alongside",)),
}
COUNT_WORDS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    1: (("a", "one"), ("a single", "1")),  # "a" stands for "a"/"an" (chosen to fit the next word)
    2: (("two",), ("a pair of", "a couple of", "2")),
    3: (("three",), ("a trio of", "3")),
}
SIZE_WORDS: Words = {
    "small": (("small", "little"), ("tiny",)),
    "medium": ((), ()),  # unmarked: a caption that names no size means medium
    "large": (("large", "big"), ("huge", "giant")),
}
ARTICLES = ("a", "an", "the")
PREPOSITIONS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("on", "against", "with"),
    ("in front of",),
)  # (training, paraphrase)

# In PARAPHRASE captions, the chance that a structural phrase (not a noun or colour) is paraphrased.
STRUCTURE_RATE = 0.5

# Background clause frames; {a} is an article fitted to the next word, {c} the colour word, {b} the
# background noun. "start" frames lead the caption and are followed by the groups.
_END_FRAMES = ("on {a} {c} {b}", "on {c}", "against {a} {c} {b}", ", {c} {b}", "with {a} {c} {b}")
_START_FRAMES = ("{a} {c} {b} with", "{c} {b} with", "on {c},", "on {a} {c} {b},")
_PARAPHRASE_END_FRAMES = ("on {a} {c} {b}", "in front of {a} {c} {b}", ", {c} {b}")
_PARAPHRASE_START_FRAMES = ("{a} {c} {b} with", "in front of {a} {c} {b},")


class CaptionParseError(ValueError):
    """A prompt outside the caption language; the message says what could not be read."""


# ---- lexicon ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # ART COUNT SIZE NOUN BG BGNOUN PREP POS REL AND COMMA
    value: object  # what it means: an int count, an emoji name, a background, a position...
    text: str
    paraphrase: bool = False  # a held-out paraphrase word
    singular: bool = True  # NOUN only
    plural: bool = False  # NOUN only


def _entries() -> list[tuple[str, Token]]:
    """Every phrase of the language with its meaning."""
    out: list[tuple[str, Token]] = []

    def add(kind: str, words: Words | dict[int, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        for value, (train, para) in words.items():
            for phrases, is_para in ((train, False), (para, True)):
                for phrase in phrases:
                    out.append((phrase, Token(kind, value, phrase, is_para)))

    add("BG", BACKGROUND_WORDS)
    add("POS", POSITION_WORDS)
    add("REL", RELATION_WORDS)
    add("SIZE", SIZE_WORDS)
    add("COUNT", {n: (tuple(w for w in t if w != "a"), p) for n, (t, p) in COUNT_WORDS.items()})
    for phrases, is_para in zip(BACKGROUND_NOUNS, (False, True), strict=True):
        out += [(w, Token("BGNOUN", w, w, is_para)) for w in phrases]
    for phrases, is_para in zip(PREPOSITIONS, (False, True), strict=True):
        out += [(w, Token("PREP", w, w, is_para)) for w in phrases]
    out += [(w, Token("ART", w, w)) for w in ARTICLES]
    out += [("and", Token("AND", "and", "and")), (",", Token("COMMA", ",", ","))]
    for e in atlas.emoji_table():
        for forms, is_para in ((e.forms(), False), (e.paraphrases, True)):
            for singular, plural in forms.items():
                same = singular == plural
                out.append((singular, Token("NOUN", e.name, singular, is_para, True, same)))
                if not same:
                    out.append((plural, Token("NOUN", e.name, plural, is_para, False, True)))
    return out


@cache
def lexicon() -> dict[tuple[str, ...], Token]:
    """Phrase (as a word tuple) -> its token. Fails at import time on any ambiguous phrase."""
    table: dict[tuple[str, ...], Token] = {}
    for phrase, token in _entries():
        key = tuple(_words(phrase))
        old = table.get(key)
        if old is not None and (old.kind, old.value) != (token.kind, token.value):
            raise ValueError(f"caption phrase {phrase!r} is ambiguous: {old} / {token}")
        if old is None or (old.paraphrase and not token.paraphrase):
            table[key] = token
    return table


_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|,")
_ALLOWED = re.compile(r"[a-z0-9,'\- ]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def tokenize(text: str) -> list[Token]:
    """Longest-match lexing of a prompt into phrase tokens; raises on an unknown word."""
    cleaned = " ".join(text.lower().replace("\u2019", "'").split()).rstrip(".!")
    if not _ALLOWED.fullmatch(cleaned):
        bad = sorted(set(re.sub(r"[a-z0-9,'\- ]", "", cleaned)))
        raise CaptionParseError(f"unexpected characters {''.join(bad)!r}")
    words = _words(cleaned)
    table = lexicon()
    longest = max(len(k) for k in table)
    tokens, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            token = table.get(tuple(words[i : i + n]))
            if token is not None:
                tokens.append(token)
                i += n
                break
        else:
            raise CaptionParseError(f"unknown word {words[i]!r}")
    return tokens


# ---- parser -------------------------------------------------------------------------------------


def _take_background(tokens: list[Token]) -> tuple[str | None, list[Token]]:
    """Find the one background clause, at the start or the end; return it and the other tokens."""
    where = [i for i, t in enumerate(tokens) if t.kind == "BG"]
    if not where:
        return None, tokens
    if len(where) > 1:
        raise CaptionParseError("more than one background named")
    i = where[0]
    value = str(tokens[i].value)
    start = i
    art = prep = comma = None
    if start > 0 and tokens[start - 1].kind == "ART":
        start -= 1
        art = tokens[start]
    if start > 0 and tokens[start - 1].kind == "PREP":
        start -= 1
        prep = tokens[start]
    if start > 0 and tokens[start - 1].kind == "COMMA":
        start -= 1
        comma = tokens[start]
    end = i + 1
    has_noun = end < len(tokens) and tokens[end].kind == "BGNOUN"
    end += has_noun
    if start == 0 and end == len(tokens):
        raise CaptionParseError("the prompt names a background but no emoji")
    if art is not None and not has_noun and not (art.value == "the" and value in TEXTURES):
        raise CaptionParseError(f"'{art.text} {tokens[i].text}' needs 'background' after it")
    if prep is not None and prep.value == "with" and not has_noun:
        raise CaptionParseError(f"'with {tokens[i].text}' needs 'background' after it")

    if end == len(tokens) and start > 0:  # a closing clause: "... on a purple background"
        if prep is None and not (comma is not None and has_noun):
            raise CaptionParseError("a closing background needs 'on', 'against', 'with' or ', X background'")
        return value, tokens[:start]
    if start == 0 and comma is None and end < len(tokens):  # an opening clause: "on purple, ..."
        after = tokens[end]
        if after.kind == "COMMA" and prep is not None:
            return value, tokens[end + 1 :]
        if after.kind == "PREP" and after.value == "with" and has_noun:
            return value, tokens[end + 1 :]
        raise CaptionParseError("an opening background is 'on X, ...' or 'a X background with ...'")
    raise CaptionParseError("the background must be named at the start or the end of the prompt")


def _parse_group(tokens: list[Token]) -> tuple[SceneObject, str | None]:
    """[count] [size] noun [position] -> the group and its position (or None)."""
    rest = list(tokens)
    count = None
    if rest and rest[0].kind in ("ART", "COUNT"):
        count = 1 if rest[0].kind == "ART" else int(str(rest[0].value))
        rest.pop(0)
    size = "medium"
    if rest and rest[0].kind == "SIZE":
        size = str(rest.pop(0).value)
    if not rest or rest[0].kind != "NOUN":
        got = rest[0].text if rest else "nothing"
        raise CaptionParseError(f"expected an emoji name, got {got!r}")
    noun = rest.pop(0)
    position = None
    if rest and rest[0].kind == "POS":
        position = str(rest.pop(0).value)
    if rest:
        raise CaptionParseError(f"unexpected {rest[0].text!r} after {noun.text!r}")
    if count is None:  # a bare noun: "cat" is one cat, "cats" says no number
        if not noun.singular:
            raise CaptionParseError(f"how many {noun.text}? say 'two {noun.text}' or 'three {noun.text}'")
        count = 1
    elif (count == 1 and not noun.singular) or (count > 1 and not noun.plural):
        raise CaptionParseError(f"count and noun disagree in {' '.join(t.text for t in tokens)!r}")
    return SceneObject(str(noun.value), count, size), position


def parse_tokens(tokens: list[Token]) -> PromptSpec:
    """The PromptSpec of a tokenized prompt; raises CaptionParseError outside the language."""
    background, rest = _take_background(tokens)
    body = list(rest)  # consumed below; the caller's list stays as it was
    lead_position = None
    if body and body[0].kind == "POS":  # "on the left, a cat ..."
        lead_position = str(body.pop(0).value)
        if body and body[0].kind == "COMMA":
            body.pop(0)
    segments: list[list[Token]] = [[]]
    separators: list[Token] = []
    for t in body:
        if t.kind in ("REL", "AND", "COMMA"):
            separators.append(t)
            segments.append([])
        else:
            segments[-1].append(t)
    shape = [t.kind for t in separators]
    if shape not in ([], ["REL"], ["AND"], ["COMMA", "AND"], ["COMMA", "COMMA", "AND"]):
        raise CaptionParseError(f"cannot read the order {' '.join(t.text for t in separators)!r}")
    if shape == ["COMMA", "COMMA", "AND"]:  # serial comma: "a, b, and c"
        if segments[2]:
            raise CaptionParseError("cannot read a list of four")
        segments.pop(2)
    groups = [_parse_group(s) for s in segments]
    positions = [p for _, p in groups if p is not None] + ([lead_position] if lead_position else [])
    if positions and (len(groups) > 1 or len(positions) > 1):
        raise CaptionParseError("a position ('on the left') is only for a prompt with one kind of emoji")
    objects = [g for g, _ in groups]
    if positions:
        objects[0] = SceneObject(objects[0].emoji, objects[0].count, objects[0].size, positions[0])
    relation = str(separators[0].value) if shape == ["REL"] else None
    try:
        return canonical_spec(tuple(objects), background, relation)
    except (ValueError, KeyError) as e:
        raise CaptionParseError(str(e)) from None


def explain_prompt(text: str) -> PromptSpec:
    """Parse a prompt of the caption language; raises CaptionParseError saying why not."""
    tokens = tokenize(text)
    if not tokens:
        raise CaptionParseError("empty prompt")
    return parse_tokens(tokens)


def parse_prompt(text: str) -> PromptSpec | None:
    """The attributes a prompt asks for, or None for a prompt outside the caption language."""
    try:
        return explain_prompt(text)
    except CaptionParseError:
        return None


def uses_paraphrase(text: str) -> bool:
    """Whether a (parseable) prompt uses any held-out paraphrase word."""
    return any(t.paraphrase for t in tokenize(text))


# ---- caption writer -----------------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _choices(
    rng: np.random.Generator, entry: tuple[tuple[str, ...], tuple[str, ...]], vocabulary: str, rate: float
) -> tuple[str, ...]:
    """Training words; in PARAPHRASE vocabulary, paraphrases (where any) with probability rate."""
    train, para = entry
    return para if vocabulary == PARAPHRASE and para and rng.random() < rate else train


def _article(next_word: str) -> str:
    silent_vowel = next_word.startswith(("uni", "ufo", "eu", "one"))
    return "an" if next_word[:1] in "aeiou" and not silent_vowel else "a"


def _fit_articles(words: list[str]) -> list[str]:
    """Replace each placeholder article "a" with a/an fitted to the following word."""
    return [_article(words[i + 1]) if w == "a" and i + 1 < len(words) else w for i, w in enumerate(words)]


def _group_text(rng: np.random.Generator, obj: SceneObject, vocabulary: str) -> list[str]:
    e = atlas.info(obj.emoji)
    if vocabulary == PARAPHRASE and e.paraphrases:
        nouns = e.paraphrases  # the held-out synonyms are the point of a paraphrase prompt
    else:
        # Training: the canonical noun most of the time, so every emoji's main name is well learnt.
        nouns = {e.name: e.plural} if not e.synonyms or rng.random() < 0.6 else e.synonyms
    singular = _pick(rng, sorted(nouns))
    noun = singular if obj.count == 1 else nouns[singular]
    if vocabulary == TRAIN and obj.count == 1:
        count = "a" if rng.random() < 0.8 else "one"
    else:
        count = _pick(rng, _choices(rng, COUNT_WORDS[obj.count], vocabulary, STRUCTURE_RATE))
    out = [count]
    if obj.size != "medium":
        out.append(_pick(rng, _choices(rng, SIZE_WORDS[obj.size], vocabulary, STRUCTURE_RATE)))
    out.append(noun)
    return out


def _background_text(rng: np.random.Generator, background: str, vocabulary: str, opening: bool) -> list[str]:
    colour = _pick(rng, _choices(rng, BACKGROUND_WORDS[background], vocabulary, 1.0))
    paraphrase_frame = vocabulary == PARAPHRASE and rng.random() < STRUCTURE_RATE
    noun = BACKGROUND_NOUNS[1 if paraphrase_frame else 0][0]
    frames: tuple[str, ...]
    if paraphrase_frame:
        frames = _PARAPHRASE_START_FRAMES if opening else _PARAPHRASE_END_FRAMES
    else:
        frames = _START_FRAMES if opening else _END_FRAMES
    frame = _pick(rng, frames)
    if background in TEXTURES:  # "on the grass", not "on grass"
        frame = frame.replace("on {c}", "on the {c}")
    return frame.format(a="a", c=colour, b=noun).replace(",", " ,").split()


def caption(spec: PromptSpec | Scene, rng: np.random.Generator, vocabulary: str = TRAIN) -> str:
    """A caption stating exactly `spec` (word choice and order drawn from rng).

    vocabulary TRAIN uses training words only. PARAPHRASE, for evaluation prompts, names every emoji
    and background colour by a held-out paraphrase where it has one, and each structural phrase
    (count, size, position, relation, background frame) by a paraphrase with probability
    STRUCTURE_RATE, so a paraphrase prompt reads "a kitty on crimson" more often than it reads
    "a trio of tiny kitties in the upper half in front of a crimson backdrop".
    """
    if vocabulary not in (TRAIN, PARAPHRASE):
        raise ValueError(f"vocabulary must be {TRAIN!r} or {PARAPHRASE!r}, got {vocabulary!r}")
    if isinstance(spec, Scene):
        spec = spec.spec()
    if spec.background is None:
        raise ValueError("the caption writer always names the background")
    objects = list(spec.objects)
    relation = spec.relation
    if relation == "above" and rng.random() < 0.5:
        objects, relation = objects[::-1], "below"
    elif relation == "left of" and rng.random() < 0.5:
        objects, relation = objects[::-1], "right of"
    elif relation in (None, "next to"):
        objects = [objects[i] for i in rng.permutation(len(objects))]

    groups = [_group_text(rng, o, vocabulary) for o in objects]
    position = objects[0].position
    lead_position = False
    if position is not None:
        phrase = _pick(rng, _choices(rng, POSITION_WORDS[position], vocabulary, STRUCTURE_RATE)).split()
        lead_position = rng.random() < 0.2
        groups[0] = [*phrase, ",", *groups[0]] if lead_position else [*groups[0], *phrase]

    if len(groups) == 1:
        body = groups[0]
    elif relation is not None:
        phrases = _choices(rng, RELATION_WORDS[relation], vocabulary, STRUCTURE_RATE)
        body = [*groups[0], *_pick(rng, phrases).split(), *groups[1]]
    elif len(groups) == 2:
        body = [*groups[0], "and", *groups[1]]
    else:
        body = [*groups[0], ",", *groups[1], "and", *groups[2]]

    opening = not lead_position and rng.random() < 0.3
    background = _background_text(rng, spec.background, vocabulary, opening)
    words = [*background, *body] if opening else [*body, *background]
    return " ".join(_fit_articles(words)).replace(" ,", ",")
