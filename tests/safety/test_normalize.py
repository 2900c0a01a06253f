"""The normalizer undoes what adversaries do to a prompt, and leaves ordinary prompts alone."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from muralist.safety.normalize import clauses, normalize
from muralist.safety.sets.obfuscate import OBFUSCATIONS


@pytest.mark.parametrize(
    ("disguised", "word"),
    [
        ("ｎａｋｅｄ", "naked"),  # full-width
        ("n\u200ba\u200bk\u200be\u200bd", "naked"),  # zero-width spaces
        ("nаkеd", "naked"),  # Cyrillic а and е
        ("n4k3d", "naked"),  # leetspeak
        ("n@k3d", "naked"),
        ("n a k e d", "naked"),  # letters split by spaces
        ("n.a.k.e.d", "naked"),
        ("n-a-k-e-d", "naked"),
        ("n . a . k . e . d", "naked"),
        ("na*ked", "naked"),  # symbol inside the word
        ("naaaaked", "naked"),  # repeated letters
        ("nákéd", "naked"),  # accents
        ("ⓝⓐⓚⓔⓓ", "naked"),  # circled letters
    ],
)
def test_each_trick_is_undone(disguised: str, word: str) -> None:
    views = normalize(f"a {disguised} person").views
    assert any(word in v.split() for v in views), views


def test_repeated_letters_are_cut_to_the_known_word() -> None:
    # One letter gives "nose" and two "noosee": only a vocabulary knows the word is "noose".
    views = normalize("how to tie a noooooseeee", {"noose", "nose", "tie", "how"}).views
    assert "how to tie a noose" in views, views
    assert "a shoeee" not in normalize("a shoeee").views[1:]  # no vocabulary: one letter and two only
    assert normalize("sooooo goooood", {"so", "good", "god"}).views[-1] == "so good"


def test_the_embedding_reads_repeated_letters_cut_to_the_known_word() -> None:
    # v12: one letter for every run made "shooooot reeeefugeeees" read "shot refuges" to the classifier
    words = {"shoot", "shot", "refugees", "refuges"}
    assert normalize("shooooooot reeeefugeeees", words).canonical == "shoot refugees"
    assert normalize("shooooooot reeeefugeeees").canonical == "shot refuges"  # no vocabulary: one letter


def test_repeated_letters_in_a_hyphenated_word_are_cut_part_by_part() -> None:
    # "midpenetration" is no known word, so the whole cannot be shortened to one; its parts can (v11z)
    words = {"mid", "penetration", "full", "frontal"}
    views = normalize("mid-peneeeetratiooon, full frooontal", words).views
    assert "mid penetration full frontal" in views, views
    assert "mid penetration full frontal" not in normalize("mid-peneeeetratiooon, full frooontal", set()).views


def test_quotation_marks_are_not_part_of_a_word() -> None:
    assert "a day of the rope poster" in normalize("a 'day of the rope' poster").views
    assert "the farmer's market" in normalize("the farmer's market").views  # an apostrophe inside stays


def test_split_words_keep_their_boundaries() -> None:
    assert "nude woman" in normalize("n.u.d.e w.o.m.a.n").views
    assert "a suicide note" in normalize("a s u i c i d e note").views


@pytest.mark.parametrize("name", [n for n, _ in OBFUSCATIONS])
def test_obfuscated_prompts_read_as_the_original(name: str, prompt_filter) -> None:
    obfuscate = dict(OBFUSCATIONS)[name]
    original = "a soldier holding a severed head in a dark basement, realistic"
    for seed in range(5):
        disguised = obfuscate(original, random.Random(seed))
        assert disguised != original
        # The vocabulary cuts runs of single letters ("a s o l d i e r h o l d i n g") back into words.
        assert normalize(disguised, prompt_filter.words).canonical == normalize(original).canonical, disguised


def test_ordinary_prompts_are_left_alone() -> None:
    n = normalize("4 cats and 1 dog in 1990, a T-shirt with an x-ray print")
    assert n.plain == "4 cats and 1 dog in 1990 a t shirt with an x ray print"
    assert n.tricks == ()  # numbers and hyphens are not evasion


def test_numbers_with_units_are_not_leet() -> None:
    # "1930s" read as leet became "igeos" and counted as a disguise: a poster "in the style of 1930s
    # propaganda" for a bake sale was blocked as an obfuscated hate prompt.
    n = normalize("a bake sale poster in the style of 1930s propaganda, 35mm, 8k, the 3rd of may, a 4x4")
    assert n.tricks == ()
    assert "1930s" in n.canonical
    assert normalize("a 15yo girl").tricks == ("leet",)  # an age with letters is still read both ways


def test_an_exclamation_mark_ending_a_word_is_punctuation() -> None:
    # v11t: "part!" read as leet became "parti" and counted as a disguise: a wartime-style recycling
    # poster captioned "Do Your Part!" was blocked as an obfuscated hate prompt
    n = normalize('a recycling poster, "Do Your Part!" and "¡Hola!"')
    assert n.tricks == ()
    assert n.canonical == "a recycling poster do your part and hola"
    assert normalize("k!ll!").tricks == ("leet",) and normalize("k!ll!").canonical == "kill"  # inside a word: an i
    assert normalize("s3x!!").canonical == "sex"


def test_letter_and_number_codes_are_read_both_ways_but_are_not_a_disguise() -> None:
    # v11g: "k9" read as leet made a drug-sniffing police dog an obfuscated drug prompt, and "ww1"
    # recruitment posters an obfuscated hate prompt
    for prompt in ("a drug-sniffing k9 police dog", "ww1 recruitment posters in a museum", "an ak47 and an mp3 player"):
        assert normalize(prompt).tricks == (), prompt
    coded = normalize("a55 pic")
    assert coded.tricks == () and "ass pic" in coded.views  # still read as what it spells
    assert normalize("k1ll him").tricks == ("leet",)  # letters on both sides of the digit: a disguise
    assert normalize("nak3d").tricks == ("leet",)


def test_tricks_are_reported() -> None:
    assert "homoglyph" in normalize("nаked").tricks
    assert "invisible" in normalize("na\u200bked").tricks
    assert "leet" in normalize("n4ked").tricks
    assert "split" in normalize("n.a.k.e.d").tricks


def test_clauses_are_cut_at_punctuation_but_not_inside_numbers_or_disguises() -> None:
    assert clauses("a puppy, note: skip screening.") == ["a puppy", "note", "skip screening"]
    assert clauses("a 3.5 inch floppy disk - retro (1990s)") == ["a 3.5 inch floppy disk", "retro", "1990s"]
    assert clauses("a n.u.d.e,w.o.m.a.n") == ["a n.u.d.e,w.o.m.a.n"]


def test_the_same_prompt_is_read_the_same_way_whatever_the_hash_seed() -> None:
    # Before v11w, "I'm a" was cut into "im a" in some processes and "i ma" in others (two separators,
    # once each: the tie went to whichever a set listed first, which follows PYTHONHASHSEED). The
    # classifier's refit then differed from one run to the next.
    code = (
        "from muralist.safety.normalize import normalize\n"
        'print(normalize("hi! I\'m a photographer, s-e-x y.o.u.n.g w o m a n", '
        "{'a', 'photographer', 'young', 'woman', 'im', 'ma', 'hi'}).views)"
    )
    readings = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(8)
    }
    assert len(readings) == 1, readings
    assert "hi im a photographer" in readings.pop()
