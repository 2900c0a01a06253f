"""Noisy training captions: the leftovers a reading of unknown words leaves, so the UNet learns to look past them.

At run time the built-in model's prompts are first read into its own words
(muralist/models/vocabulary.py). A reading is often right in every word that carries meaning and
still off the caption grammar: a stray function word left over ("a cat of at the top on red"), a
preposition or article lost ("a cat at the top red background"). A UNet that saw only grammatical
captions reads such a prompt worse than it need: it learnt where "top" stands, not what it means.
So a fine-tune shows it captions with one or two such edits, the scene unchanged.

Only words without meaning in the caption language are inserted or dropped: the caption still
states exactly its scene. No word of a held-out paraphrase (muralist/train/captions.py, the second
tuples) is ever inserted, so the held-out twins stay unseen; `held_out_words()` checks it at import.
"""

from __future__ import annotations

import numpy as np

from muralist.train import captions

# Words a reading leaves behind: function words and the nouns of "in the picture"-like frames.
STRAY_WORDS = (
    "the", "a", "of", "to", "at", "in", "is", "that", "which", "there", "here", "it", "this",
    "just", "some", "shown", "placed", "sitting", "standing", "picture", "image", "photo", "scene",
    "drawing", "frame", "view", "seen", "set", "by", "with", "on",
)  # fmt: skip
# Words that may be lost from a grammatical caption without changing what it states.
DROPPABLE_WORDS = frozenset({"a", "an", "the", "on", "with", "against", "background", "at", "in", "of", "to", ","})
NOISY_SHARE = 0.5  # of training captions, in a fine-tune that asks for noise


def held_out_words() -> set[str]:
    """Words that appear only in held-out paraphrases, never in a training phrase."""
    seen: set[str] = set()
    held: set[str] = set()
    for key, token in captions.lexicon().items():
        (held if token.paraphrase else seen).update(key)
    return held - seen


_LEAKED = set(STRAY_WORDS) & held_out_words()
if _LEAKED:
    raise ValueError(f"stray words that are held-out paraphrase words: {sorted(_LEAKED)}")


def add_noise(caption: str, rng: np.random.Generator) -> str:
    """The caption with one or two edits: a stray word inserted or a droppable word lost."""
    words = caption.replace(",", " ,").split()
    for _ in range(1 + int(rng.random() < 0.4)):
        droppable = [i for i, w in enumerate(words) if w in DROPPABLE_WORDS]
        if droppable and rng.random() < 0.4:
            del words[int(rng.choice(droppable))]
        else:
            words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(STRAY_WORDS)))
    return " ".join(words).replace(" ,", ",").strip(" ,")
