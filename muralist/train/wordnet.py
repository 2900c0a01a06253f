"""Write the built-in model's WordNet readings: unknown nouns and adjectives in the model's own words.

    apt-get install wordnet-base      # Princeton WordNet 3.0, only to regenerate the file
    python -m muralist.train.wordnet muralist/models/builtin/text_encoder

MiniLM knows that "sedan" is near "car", but not that a "cottontail" is a rabbit or a "brolly" an
umbrella (cosine 0.46 and 0.16 with the right word; 0.49 with "grass", 0.53 with "broccoli").
WordNet says so: a cottontail IS-A wood rabbit IS-A rabbit. This module walks WordNet's is-a
hierarchy once and writes, for every noun that reaches one of the model's nouns, which ones:

- targets are the senses of every emoji's name and background word (textures, "background") in
  the lexicographer files that suit its category (an animal's in noun.animal, a vehicle's in
  noun.artifact...), and each other training name's (atlas forms) most frequent sense there:
  "tiger" the person, "cat" the bulldozer and "cab" the driver's compartment are not targets;
- a word reads as a target when one of its first SENSES senses, in the same lexicographer file, is
  the target or below it within MAX_UP is-a steps ("sparrow" → passerine → bird: 2), or is its
  parent or sibling under a parent at least MIN_DEPTH steps below the root ("feline" → cat: DOWN,
  "wasp" → bee: 1 + DOWN; only from the word's most frequent sense in that file, so "box" the
  theatre compartment is not a sibling of "car" the elevator car); the nearest wins, ties are all
  kept (the reader breaks them with MiniLM);
- where none of those senses reads, a rarer sense that IS a target counts: "taper" is a candle
  (its fourth sense), while "jet" stays an airplane;
- a noun reads as a count when it is a synonym of "one", "two" or "three" or one is-a step below
  it ("trio" → three, "twosome" → two), never sideways;
- an adjective reads as a size word when one of its first SENSES senses is "similar to" a sense
  of that size word ("minuscule" → small, "enormous" → large).

Only words the model does not know are written. The rules were chosen on our development list
(scripts/dev_paraphrases.py) and common structural words ("corner", "image", "set"), never on
the held-out paraphrases. WordNet's licence goes into the file and beside it (LICENSE-wordnet.txt).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from muralist.models.registry import BUILTIN_DIR
from muralist.models.vocabulary import VOCABULARY_FILE, WORDNET_FILE
from muralist.train import atlas, captions, scenes

WORDNET_DIR = Path("/usr/share/wordnet")
LICENCE_FILE = "LICENSE-wordnet.txt"
MAX_UP = 3  # is-a steps from a word's sense up to a target: the distance
DOWN = 1.5  # a step down to a target counts more than one up: a feline may be a lion, a tabby is a cat
# (a sibling is one up and one down: 2.5; a sedan is a car before it is like a taxi)
MIN_DEPTH = 7  # is-a steps below the root a shared parent needs (siblings under "thing" are not alike)
SENSES = 3  # a word's most frequent senses that may count (WordNet lists them by frequency)
# lexicographer files (lexnames(5WN)) in which a category's nouns may have their senses
ARTIFACT = frozenset({"noun.artifact"})
CATEGORY_FILES = {
    "animals": frozenset({"noun.animal"}),
    "food": frozenset({"noun.food", "noun.plant"}),
    "plants": frozenset({"noun.plant"}),
    "objects": ARTIFACT,
    "vehicles": ARTIFACT,
    "toys": ARTIFACT,
    "music": ARTIFACT,
    "sports": ARTIFACT,
    "buildings": ARTIFACT | {"noun.object"},
    "weather": frozenset({"noun.object", "noun.phenomenon", "noun.artifact"}),
    "faces": frozenset({"noun.person", "noun.artifact", "noun.body"}),
    "symbols": frozenset({"noun.communication", "noun.artifact"}),
}
BACKGROUND_FILES = frozenset({"noun.object", "noun.plant", "noun.artifact"})
LEXNAMES = (  # lexnames(5WN): file number -> name
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
    "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
    "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition", "verb.consumption",
    "verb.contact", "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession",
    "verb.social", "verb.stative", "verb.weather", "adj.ppl",
)  # fmt: skip
# WordNet's licence: it must travel with every copy of data derived from WordNet
LICENCE = """\
This software and database is being provided to you, the LICENSEE, by Princeton University under the following
license. By obtaining, using and/or copying this software and database, you agree that you have read,
understood, and will comply with these terms and conditions.:

Permission to use, copy, modify and distribute this software and database and its documentation for any
purpose and without fee or royalty is hereby granted, provided that you agree to comply with the following
copyright notice and statements, including the disclaimer, and that the same appear on ALL copies of the
software, database and documentation, including modifications that you make for internal use or for
distribution.

WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.

THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO
REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF
THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS,
TRADEMARKS OR OTHER RIGHTS.

The name of Princeton University or Princeton may not be used in advertising or publicity pertaining to
distribution of the software and/or database. Title to copyright in this software, database and any associated
documentation shall at all times remain with Princeton University and LICENSEE agrees to preserve same."""


@dataclass
class Synset:
    lexname: str
    lemmas: list[str]
    satellite: bool  # an adjective whose "similar to" points at its head ("minuscule" → "small")
    up: list[str] = field(default_factory=list)  # hypernyms and instance hypernyms (offsets)
    similar: list[str] = field(default_factory=list)  # adjectives: "similar to"


def read_data(path: Path) -> dict[str, Synset]:
    """A WordNet data file (wndb(5WN)): offset -> synset."""
    out: dict[str, Synset] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence header
            continue
        fields = line.split(" | ")[0].split()
        offset, lexfile, count = fields[0], int(fields[1]), int(fields[3], 16)
        lemmas = [_lemma(fields[4 + 2 * i]) for i in range(count)]
        at = 4 + 2 * count
        synset = Synset(LEXNAMES[lexfile], lemmas, fields[2] == "s")
        for p in range(int(fields[at])):
            symbol, target = fields[at + 1 + 4 * p], fields[at + 2 + 4 * p]
            if symbol in ("@", "@i"):
                synset.up.append(target)
            elif symbol == "&":
                synset.similar.append(target)
        out[offset] = synset
    return out


def read_index(path: Path) -> dict[str, list[str]]:
    """A WordNet index file: lemma -> its synset offsets, most frequent sense first."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        senses = int(fields[2])
        out[_lemma(fields[0])] = fields[-senses:]
    return out


def _lemma(word: str) -> str:
    return word.split("(")[0].replace("_", " ").lower()


def noun_readings(data: dict[str, Synset], index: dict[str, list[str]],
                  targets: dict[str, tuple[set[str], frozenset[str]]], sideways: bool = True,
                  max_up: int = MAX_UP) -> dict[str, list[str]]:  # fmt: skip
    """lemma -> the target names it reads as (nearest only); targets: name -> its WordNet forms' lexnames."""
    target_of: dict[str, set[str]] = defaultdict(set)  # synset offset -> target names
    for name, (forms, files) in targets.items():
        for form in forms:  # the name's senses in its category's files; a synonym's most frequent one there
            senses = [o for o in index.get(form, ()) if data[o].lexname in files]
            for offset in senses if form == name else senses[:1]:
                target_of[offset].add(name)
    depth = _depths(data)
    parent_of: dict[str, set[tuple[str, str]]] = defaultdict(set)  # offset -> (target, its lexname) one below
    for offset, names in target_of.items():
        for up in data[offset].up:
            if depth[up] >= MIN_DEPTH:
                parent_of[up] |= {(name, data[offset].lexname) for name in names}
    out: dict[str, list[str]] = {}
    for lemma, offsets in index.items():
        found: dict[str, float] = {}  # target -> distance
        files_seen: set[str] = set()
        for offset in offsets[:SENSES]:
            lexname = data[offset].lexname
            first_in_file = lexname not in files_seen
            files_seen.add(lexname)
            frontier, seen = [offset], {offset}
            for steps in range(max_up + 1):
                for o in frontier:
                    for name in target_of.get(o, ()):
                        if data[o].lexname == lexname:
                            found[name] = min(found.get(name, 99), steps)
                    # a target's parent (feline → cat) or sibling (wasp → bee)
                    if steps == 0 and first_in_file and sideways:
                        siblings = set().union(*(parent_of.get(u, ()) for u in data[o].up))
                        for distance, below in ((DOWN, parent_of.get(o, set())), (1 + DOWN, siblings)):
                            for name, file in below:
                                if file == lexname:
                                    found[name] = min(found.get(name, 99), distance)
                frontier = [u for o in frontier for u in data[o].up if u not in seen]
                seen.update(frontier)
        for offset in offsets[SENSES:] if not found else ():  # a rarer sense, only as a synonym: "taper"
            for name in target_of.get(offset, ()):  # is a candle (its 4th sense), "jet" still an airplane
                found[name] = 0
        if found:
            nearest = min(found.values())
            out[lemma] = sorted(n for n, d in found.items() if d == nearest)
    return out


def _depths(data: dict[str, Synset]) -> dict[str, int]:
    """offset -> the fewest is-a steps from it up to a root."""
    out: dict[str, int] = {}

    def depth(offset: str) -> int:
        if offset not in out:
            out[offset] = 0  # a guard; WordNet's is-a graph has no cycles
            ups = data[offset].up
            out[offset] = 1 + min(depth(u) for u in ups) if ups else 0
        return out[offset]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for offset in data:
        depth(offset)
    return out


def adjective_readings(data: dict[str, Synset], index: dict[str, list[str]], sizes: set[str]) -> dict[str, list[str]]:
    """lemma -> the size words it is 'similar to' in one of its first SENSES senses."""
    out: dict[str, list[str]] = {}
    for lemma, offsets in index.items():
        heads = [h for o in offsets[:SENSES] for h in ([o, *data[o].similar] if data[o].satellite else [o])]
        found = {w for h in heads for w in data[h].lemmas if w in sizes}
        if found:
            out[lemma] = sorted(found)
    return out


def readings(wordnet_dir: Path = WORDNET_DIR) -> dict:
    """The whole file: noun and adjective readings of words the model does not know."""
    known = set(json.loads((BUILTIN_DIR / "text_encoder" / VOCABULARY_FILE).read_text())["known_words"])
    targets: dict[str, tuple[set[str], frozenset[str]]] = {}
    for e in atlas.emoji_table():
        targets[e.name] = (set(e.forms()), CATEGORY_FILES[e.category])
    for word in [*scenes.TEXTURES, "lawn", "sea", "beach", *captions.BACKGROUND_NOUNS[0]]:
        targets.setdefault(word, ({word}, BACKGROUND_FILES))
    data, index = read_data(wordnet_dir / "data.noun"), read_index(wordnet_dir / "index.noun")
    nouns = noun_readings(data, index, targets)
    # a count is its number's synonym or one is-a step below it ("trio" is three, a "pair" IS-A two); never
    # sideways: two's sibling is three
    numbers = {w: ({w}, frozenset({"noun.quantity"})) for w in ("one", "two", "three")}
    counts = noun_readings(data, index, numbers, sideways=False, max_up=1)
    counts = {k: v for k, v in counts.items() if k.isalpha() and len(k) > 2}  # not "i", "ii", "3"
    sizes = {str(w) for w in captions.SIZE_WORDS["small"][0] + captions.SIZE_WORDS["large"][0]}
    adjectives = adjective_readings(read_data(wordnet_dir / "data.adj"), read_index(wordnet_dir / "index.adj"), sizes)

    def unknown(table: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: v for k, v in sorted(table.items()) if k not in known and k not in v}

    nouns, adjectives, counts = unknown(nouns), unknown(adjectives), unknown(counts)
    irregular = {}  # plural -> singular, for the nouns written ("fungi" -> "fungus"); regular ones are rules
    for line in (wordnet_dir / "noun.exc").read_text(encoding="latin-1").splitlines():
        plural, singular = (_lemma(w) for w in line.split()[:2])
        if singular in nouns and plural not in known:
            irregular[plural] = singular
    plurals = {e.name: e.plural for e in atlas.emoji_table()}  # a target read from a plural is written plural
    forms = {s: p for e in atlas.emoji_table() for s, p in e.forms().items()}  # every training noun, "kitten"
    return {"source": "Princeton WordNet 3.0 (Debian package wordnet-base)", "licence": LICENCE,
            "nouns": nouns, "adjectives": adjectives, "counts": counts,
            "irregular_plurals": dict(sorted(irregular.items())),
            "target_plurals": dict(sorted(plurals.items())),
            "noun_plurals": dict(sorted(forms.items()))}  # fmt: skip


def write_readings(directory: Path, wordnet_dir: Path = WORDNET_DIR) -> Path:
    """The readings and, beside them, WordNet's licence (it must travel with data derived from WordNet)."""
    path = directory / WORDNET_FILE
    path.write_text(json.dumps(readings(wordnet_dir), indent=0, ensure_ascii=False) + "\n")
    (directory / LICENCE_FILE).write_text(LICENCE + "\n")
    return path


if __name__ == "__main__":
    print(write_readings(Path(sys.argv[1])))
