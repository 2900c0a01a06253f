"""Slotted lexicon terms are matched as patterns: the same spans as filling every slot in would give."""

from __future__ import annotations

import itertools
import random

import pytest

from muralist.safety.slots import SlotError, SlotPhrases

SLOTS = {"det": ["a", "his", "the"], "harmed": ["child", "wife", "old man", "old woman"], "where": ["off a cliff"]}


def _filled(term: str) -> list[str]:
    """Every phrase the term stands for, the slow way."""
    names = [w[1:-1] for w in term.rstrip("*").split(" ") if w.startswith("{")]
    out = []
    for choice in itertools.product(*(SLOTS[n] for n in names)):
        phrase = term
        for name, filler in zip(names, choice, strict=True):
            phrase = phrase.replace("{" + name + "}", filler, 1)
        out.append(phrase)
    return out


def _spans(slots: SlotPhrases, text: str) -> set[tuple[str, int, int]]:
    return set(slots.scan(text.split(" ")))


def test_a_term_matches_each_of_its_fillings_and_nothing_else() -> None:
    slots = SlotPhrases(SLOTS)
    slots.add("pushing {det} {harmed} {where}", "violence.act")
    for phrase in _filled("pushing {det} {harmed} {where}"):
        assert _spans(slots, f"a man {phrase} at dusk") == {("violence.act", 2, 2 + len(phrase.split(" ")))}
    assert not _spans(slots, "a man pushing his dog off a cliff")
    assert not _spans(slots, "a man pushing his wife off a swing")
    assert not _spans(slots, "pushing")


def test_one_word_more_inside_but_not_first_last_or_two() -> None:
    slots = SlotPhrases(SLOTS)
    slots.add("strangling {det} {harmed}", "flag")
    assert _spans(slots, "strangling his pregnant wife") == {("flag", 0, 4)}
    assert _spans(slots, "strangling an old sick man") == set()  # "an" is no det here
    assert _spans(slots, "strangling the old sick man") == {("flag", 0, 5)}  # inside a two-word filler
    assert not _spans(slots, "strangling his young pregnant wife")
    assert _spans(slots, "then strangling his wife") == {("flag", 1, 4)}  # not stretched backwards


def test_a_term_may_open_with_a_slot_and_end_with_any_ending() -> None:
    slots = SlotPhrases(SLOTS)
    slots.add("{det} {harmed} being strangled", "flag")
    slots.add("punching {det} punching bag*", "exempt")
    assert _spans(slots, "photo of the old woman being strangled") == {("flag", 2, 7)}
    assert _spans(slots, "kids punching the punching bags") == {("exempt", 1, 5)}
    # an ending is never stretched to: a "*" term matches exactly as far as its stem
    assert not _spans(slots, "punching the big punching bag")


def test_random_texts_give_the_spans_of_the_filled_phrases() -> None:
    """The old way (v11z) filled every slot in; the patterns must find exactly what it found."""
    terms = ["strangling {det} {harmed}", "{det} {harmed} being choked", "pushing {det} {harmed} {where}"]
    slots = SlotPhrases(SLOTS)
    filled: dict[tuple[str, ...], str] = {}
    for k, term in enumerate(terms):
        slots.add(term, f"t{k}")
        filled |= {tuple(p.split(" ")): f"t{k}" for p in _filled(term)}
    words = ["a", "his", "the", "old", "man", "wife", "child", "strangling", "being", "choked", "pushing",
             "off", "cliff", "big", "woman"]  # fmt: skip
    rng = random.Random(5)
    matched = 0
    phrases = sorted(filled)
    for _ in range(3000):
        # a filled phrase with up to two words put in and maybe one taken out, among other words
        text = list(rng.choice(phrases))
        for _ in range(rng.choice([0, 1, 1, 2])):
            text.insert(rng.randint(0, len(text)), rng.choice(words))
        if rng.random() < 0.2:
            del text[rng.randrange(len(text))]
        text = [rng.choice(words) for _ in range(rng.randint(0, 2))] + text + [rng.choice(words)]
        slow = set()
        for i, j in itertools.combinations(range(len(text) + 1), 2):
            stretch = text[i:j]
            candidates = [tuple(stretch)] + [tuple(stretch[:s] + stretch[s + 1 :]) for s in range(1, len(stretch) - 1)]
            slow |= {(filled[c], i, j) for c in candidates if c in filled}
        assert set(slots.scan(text)) == slow, text
        matched += bool(slow)
    assert matched > 1500  # the texts do hit the terms, stretched or not


@pytest.mark.parametrize(
    ("term", "message"),
    [("strangling {det} {victims}", "victims"), ("strangling {det}*", "lowercase"), ("Strangling {det}", "lowercase")],
)
def test_a_term_that_cannot_be_read_is_named(term: str, message: str) -> None:
    with pytest.raises(SlotError, match=message):
        SlotPhrases(SLOTS).add(term, "flag")
