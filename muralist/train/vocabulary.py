"""Write the built-in model's vocabulary: the words its UNet was trained on (muralist.models.vocabulary).

    python -m muralist.train.vocabulary muralist/models/builtin/text_encoder

Known words are every word of the training caption language (held-out paraphrase words excluded);
candidates are the known words an unknown word may become (function words left out: "of" is
nobody's synonym). The threshold was chosen on a development list of synonyms of our own
(tests/models/test_vocabulary.py keeps a sample of it), never on the held-out paraphrases.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from muralist.models.vocabulary import VOCABULARY_FILE
from muralist.train import captions, scenes

THRESHOLD = 0.55
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "to", "at", "in", "on", "near", "side", "and", "with"})


def vocabulary() -> dict:
    entries = [(phrase, token) for phrase, token in captions._entries() if not token.paraphrase]
    known = sorted({word for phrase, _ in entries for word in captions._words(phrase)} - {","})
    textures = sorted(
        {w for phrase, t in entries if t.kind == "BG" and t.value in scenes.TEXTURES for w in captions._words(phrase)}
    )
    return {
        "known_words": known,
        "candidate_words": [w for w in known if w not in FUNCTION_WORDS],
        "texture_words": textures,
        "palette": {name: list(rgb) for name, rgb in scenes.COLOURS.items()},
        "threshold": THRESHOLD,
    }


def write_vocabulary(directory: Path) -> Path:
    path = directory / VOCABULARY_FILE
    path.write_text(json.dumps(vocabulary(), indent=1) + "\n")
    return path


if __name__ == "__main__":
    print(write_vocabulary(Path(sys.argv[1])))
