"""Write the built-in model's vocabulary: the words its UNet was trained on (muralist.models.vocabulary).

    python -m muralist.train.vocabulary muralist/models/builtin/text_encoder

Known words are every word of the training caption language (held-out paraphrase words excluded);
candidates are the known words an unknown word may become (function words left out: "of" is
nobody's synonym). Phrases are the training language's structural phrases ("on the left", "to the
left of", "two", "against", "background", ...) and multi-word emoji names, each with its kind; for
each kind, `before` and `after` hold the words that stand just before and just after a phrase of that
kind in training captions ("<s>"/"</s>" for the ends, "<noun>" for any emoji name), drawn from
CONTEXT_CAPTIONS captions of training scenes. The thresholds were chosen on development lists of our
own (scripts/dev_paraphrases.py; tests/models/test_vocabulary.py keeps a sample), never on the
held-out paraphrases.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from muralist.models.registry import BUILTIN_DIR
from muralist.models.vocabulary import COLOUR_NAMES_FILE, END, NOUN, START, VOCABULARY_FILE, hex_to_rgb
from muralist.train import captions, scenes

THRESHOLD = 0.55
SURVEY_NAMES = {"gray": "grey"}  # our colour word -> its name in the colour survey, where they differ
PHRASE_THRESHOLD = 0.55
CONTEXT_THRESHOLD = 0.42  # where the neighbours allow one kind of phrase only
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "to", "at", "in", "on", "near", "side", "and", "with"})
PHRASE_KINDS = ("POS", "REL", "COUNT", "SIZE", "PREP", "BGNOUN", "NOUN")
CONTEXT_CAPTIONS = 4000
CONTEXT_SEED = 0


def _contexts() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For each phrase kind, the words seen just before and just after it in training captions."""
    rng = np.random.default_rng(CONTEXT_SEED)
    before: dict[str, set[str]] = {k: set() for k in PHRASE_KINDS}
    after: dict[str, set[str]] = {k: set() for k in PHRASE_KINDS}
    for _ in range(CONTEXT_CAPTIONS):
        tokens = captions.tokenize(captions.caption(scenes.sample_scene(rng), rng, captions.TRAIN))
        # any emoji name stands as NOUN: a few thousand captions cannot show every one beside every phrase
        words = [START, *(NOUN if t.kind == "NOUN" else captions._words(t.text)[-1] for t in tokens), END]
        firsts = [START, *(NOUN if t.kind == "NOUN" else captions._words(t.text)[0] for t in tokens), END]
        for i, t in enumerate(tokens, start=1):
            if t.kind in before:
                before[t.kind].add(words[i - 1])
                after[t.kind].add(firsts[i + 1])
    return {k: sorted(v) for k, v in before.items()}, {k: sorted(v) for k, v in after.items()}


def survey_palette() -> dict[str, list[int]]:
    """Each background colour word as the colour survey's respondents paint it ("pink" is #ff81c0).

    An unknown colour name is matched against these, not against our rendered backgrounds: both
    sides then come from the same naming survey, so "blush" lands on pink and "royal blue" on blue
    (against the rendered colours they landed on red and purple; scripts/dev_paraphrases.py).
    """
    names = json.loads((BUILTIN_DIR / "text_encoder" / COLOUR_NAMES_FILE).read_text())["colours"]
    return {c: list(hex_to_rgb(names[SURVEY_NAMES.get(c, c)])) for c in scenes.COLOURS}


def vocabulary() -> dict:
    entries = [(phrase, token) for phrase, token in captions._entries() if not token.paraphrase]
    known = sorted({word for phrase, _ in entries for word in captions._words(phrase)} - {","})
    textures = sorted(
        {w for phrase, t in entries if t.kind == "BG" and t.value in scenes.TEXTURES for w in captions._words(phrase)}
    )
    phrases = {
        phrase: t.kind
        for phrase, t in entries
        if t.kind in PHRASE_KINDS and (t.kind != "NOUN" or len(captions._words(phrase)) > 1)
    }
    before, after = _contexts()
    return {
        "known_words": known,
        "candidate_words": [w for w in known if w not in FUNCTION_WORDS],
        "function_words": sorted(FUNCTION_WORDS),
        "texture_words": textures,
        "noun_words": sorted({w for phrase, t in entries if t.kind == "NOUN" for w in captions._words(phrase)}),
        "palette": survey_palette(),
        "threshold": THRESHOLD,
        "phrases": dict(sorted(phrases.items())),
        "before": before,
        "after": after,
        "phrase_threshold": PHRASE_THRESHOLD,
        "context_threshold": CONTEXT_THRESHOLD,
    }


def write_vocabulary(directory: Path) -> Path:
    path = directory / VOCABULARY_FILE
    path.write_text(json.dumps(vocabulary(), indent=1) + "\n")
    return path


if __name__ == "__main__":
    print(write_vocabulary(Path(sys.argv[1])))
