"""WordNet readings: which unknown words read as which of the model's words (muralist/train/wordnet.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from muralist.models.registry import BUILTIN_DIR
from muralist.models.vocabulary import WORDNET_FILE
from muralist.train import wordnet

ANIMAL, OBJECT, PERSON = 5, 17, 18  # lexicographer file numbers (lexnames(5WN))


def _write_wordnet(folder: Path, synsets: list[tuple[str, int, list[str], list[str]]]) -> None:
    """A tiny WordNet in its own file format: (offset, file, lemmas, hypernym offsets) per synset."""
    data, index = [], {}
    for offset, lexfile, lemmas, ups in synsets:
        words = " ".join(f"{w.replace(' ', '_')} 0" for w in lemmas)
        pointers = " ".join(f"@ {u} n 0000" for u in ups)
        data.append(f"{offset} {lexfile:02d} n {len(lemmas):02x} {words} {len(ups):03d} {pointers} | a gloss")
        for w in lemmas:
            index.setdefault(w, []).append(offset)
    (folder / "data.noun").write_text("  1 This header is WordNet's licence\n" + "\n".join(data) + "\n")
    lines = [f"{w.replace(' ', '_')} n {len(o)} 0 {len(o)} 0 {' '.join(o)}" for w, o in sorted(index.items())]
    (folder / "index.noun").write_text("  1 header\n" + "\n".join(lines) + "\n")


@pytest.fixture
def tiny_wordnet(tmp_path: Path) -> tuple[dict, dict]:
    chain = [(f"{i:08d}", ANIMAL if i else 3, [f"level{i}"], [f"{i - 1:08d}"] if i else []) for i in range(8)]
    _write_wordnet(tmp_path, [
        *chain,                                                     # level7 is 7 is-a steps below the root
        ("00000100", ANIMAL, ["feline"], ["00000007"]),
        ("00000101", ANIMAL, ["cat", "true cat"], ["00000100"]),
        ("00000102", ANIMAL, ["tabby"], ["00000101"]),
        ("00000103", ANIMAL, ["bear"], ["00000007"]),
        ("00000104", ANIMAL, ["wolf"], ["00000007"]),
        ("00000105", ANIMAL, ["lion"], ["00000100"]),
        ("00000200", PERSON, ["tiger"], ["00000000"]),              # the person, not the animal
        ("00000201", PERSON, ["tigress"], ["00000200"]),
        ("00000300", OBJECT, ["thing"], ["00000000"]),              # 1 step below the root: too general
        ("00000301", OBJECT, ["stone"], ["00000300"]),
        ("00000302", OBJECT, ["pebble"], ["00000300"]),
    ])  # fmt: skip
    return wordnet.read_data(tmp_path / "data.noun"), wordnet.read_index(tmp_path / "index.noun")


def test_a_word_reads_as_what_it_is_or_its_nearest_relative(tiny_wordnet: tuple[dict, dict]) -> None:
    data, index = tiny_wordnet
    animals = frozenset({"noun.animal"})
    targets = {"cat": ({"cat"}, animals), "bear": ({"bear"}, animals), "lion": ({"lion"}, animals),
               "tiger": ({"tiger"}, animals), "stone": ({"stone"}, frozenset({"noun.object"}))}  # fmt: skip
    readings = wordnet.noun_readings(data, index, targets)
    assert readings["tabby"] == ["cat"]  # a tabby IS-A cat, nearer than anything sideways
    assert readings["true cat"] == ["cat"]  # a synonym: the same sense
    assert readings["feline"] == ["cat", "lion"]  # parent of both, equally near: the reader breaks the tie
    assert readings["wolf"] == ["bear"]  # sibling under a parent deep enough to mean something
    assert "tigress" not in readings  # "tiger" is a target only as an animal, and this tiger is a person
    assert "pebble" not in readings  # siblings under "thing" are not alike


def test_a_rare_sense_counts_only_as_a_synonym_and_only_when_no_frequent_sense_reads(tmp_path: Path) -> None:
    chain = [(f"{i:08d}", ANIMAL, [f"level{i}"], [f"{i - 1:08d}"] if i else []) for i in range(8)]
    _write_wordnet(tmp_path, [
        *chain,
        ("00000100", ANIMAL, ["bear"], ["00000007"]),
        ("00000101", ANIMAL, ["grizzly", "jet"], ["00000100"]),      # jet's first sense: a kind of bear
        ("00000200", PERSON, ["taper", "jet"], ["00000000"]),        # three senses that read as nothing
        ("00000201", PERSON, ["taper", "jet"], ["00000000"]),
        ("00000202", PERSON, ["taper", "jet"], ["00000000"]),
        ("00000300", ANIMAL, ["cat", "taper", "jet"], ["00000007"]),  # the fourth sense: a synonym of cat
    ])  # fmt: skip
    data, index = wordnet.read_data(tmp_path / "data.noun"), wordnet.read_index(tmp_path / "index.noun")
    animals = frozenset({"noun.animal"})
    readings = wordnet.noun_readings(data, index, {"cat": ({"cat"}, animals), "bear": ({"bear"}, animals)})
    assert readings["taper"] == ["cat"]  # a candle is the fourth sense of "taper" in WordNet
    assert readings["jet"] == ["bear"]  # a frequent sense that reads wins over a rare synonym


def test_size_adjectives_read_through_similar_to(tmp_path: Path) -> None:
    (tmp_path / "data.adj").write_text(
        "00000001 00 a 02 small 0 little 0 001 & 00000002 a 0000 | limited in size\n"
        "00000002 00 s 01 minuscule 0 001 & 00000001 a 0000 | very small\n"
        "00000003 00 a 01 important 0 001 & 00000004 a 0000 | of great significance\n"
        "00000004 00 s 01 big 0 001 & 00000003 a 0000 | significant\n"
    )
    data = wordnet.read_data(tmp_path / "data.adj")
    index = {"small": ["00000001"], "minuscule": ["00000002"], "important": ["00000003"], "big": ["00000004"]}
    readings = wordnet.adjective_readings(data, index, {"small", "little", "big"})
    assert readings["minuscule"] == ["little", "small"]
    assert "important" not in readings  # a head adjective is read by its own words, not its satellites'


@pytest.mark.skipif(
    not (wordnet.WORDNET_DIR / "data.noun").is_file(), reason="no WordNet: apt-get install wordnet-base"
)
def test_the_shipped_readings_are_what_wordnet_gives() -> None:
    # regenerate: python -m muralist.train.wordnet muralist/models/builtin/text_encoder
    shipped = json.loads((BUILTIN_DIR / "text_encoder" / WORDNET_FILE).read_text())
    assert shipped == wordnet.readings()
    assert (BUILTIN_DIR / "text_encoder" / wordnet.LICENCE_FILE).read_text() == wordnet.LICENCE + "\n"
