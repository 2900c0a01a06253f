"""The caption language: writer and parser round-trip, paraphrases stay out of training, nonsense is refused."""

import numpy as np
import pytest

from muralist.train import atlas, captions, scenes
from muralist.train.captions import PARAPHRASE, TRAIN, CaptionParseError, caption, explain_prompt, parse_prompt
from muralist.train.scenes import PromptSpec, SceneObject


@pytest.mark.parametrize(("vocabulary", "n"), [(TRAIN, 3000), (PARAPHRASE, 1500)])
def test_caption_parse_round_trip(vocabulary, n):
    rng = np.random.default_rng(11)
    for _ in range(n):
        scene = scenes.sample_scene(rng, split="all")
        text = caption(scene, rng, vocabulary)
        assert parse_prompt(text) == scene.spec(), text


def test_training_captions_never_use_paraphrases():
    rng = np.random.default_rng(12)
    seen_words = set()
    for _ in range(3000):
        text = caption(scenes.sample_scene(rng), rng, TRAIN)
        assert not captions.uses_paraphrase(text), text
        seen_words.update(text.replace(",", " ").split())
    # No single-word paraphrase shows up as a word of a training caption either.
    single_word_paraphrases = {
        p for e in atlas.emoji_table() for form in e.paraphrases.items() for p in form if " " not in p
    } | {w for _, para in captions.BACKGROUND_WORDS.values() for w in para}
    assert not (seen_words & single_word_paraphrases)
    assert "backdrop" not in seen_words and "kitty" not in seen_words and "crimson" not in seen_words


def test_paraphrase_captions_use_paraphrases():
    rng = np.random.default_rng(13)
    texts = [caption(scenes.sample_scene(rng), rng, PARAPHRASE) for _ in range(300)]
    assert np.mean([captions.uses_paraphrase(t) for t in texts]) > 0.9


def _spec(objects, background, relation=None):
    return PromptSpec(tuple(objects), background, relation)


APPLES_LEFT_OF_ROCKET = _spec([SceneObject("apple", 2), SceneObject("rocket")], "purple", "left of")


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("two red apples left of a rocket on a purple background", APPLES_LEFT_OF_ROCKET),
        ("a rocket to the right of two apples, purple background", APPLES_LEFT_OF_ROCKET),
        ("On purple, two apples to the left of a spaceship.", APPLES_LEFT_OF_ROCKET),
        ("a purple background with a rocketship on the right of a pair of apples", APPLES_LEFT_OF_ROCKET),
        ("a kitty on crimson", _spec([SceneObject("cat")], "red")),
        (
            "three small kittens on the left on a grey background",
            _spec([SceneObject("cat", 3, "small", "left")], "gray"),
        ),
        ("at the top, a big sun, sky background", _spec([SceneObject("sun", 1, "large", "top")], "sky")),
        ("a dog below a cat on the grass", _spec([SceneObject("cat"), SceneObject("dog")], "grass", "above")),
        ("a cat beside a dog on blue", _spec([SceneObject("cat"), SceneObject("dog")], "blue", "next to")),
        ("a dog next to a cat on blue", _spec([SceneObject("cat"), SceneObject("dog")], "blue", "next to")),
        (
            "a fish, two hot dogs and a fox against a white background",
            _spec([SceneObject("fish"), SceneObject("fox"), SceneObject("hot dog", 2)], "white"),
        ),
        (
            "a fish, a fox, and a bee on black",
            _spec([SceneObject("bee"), SceneObject("fish"), SceneObject("fox")], "black"),
        ),
        ("two fish on water", _spec([SceneObject("fish", 2)], "water")),
        ("a cat", _spec([SceneObject("cat")], None)),  # no background named: background is None
        ("cat in the centre", _spec([SceneObject("cat", position="centre")], None)),
        ("an ufo in front of an ivory backdrop", _spec([SceneObject("flying saucer")], "white")),
    ],
)
def test_documented_examples_parse(text, spec):
    assert parse_prompt(text) == spec


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "a photo of a cat on blue",  # unknown words are never skipped
        "two cat on blue",  # count and noun disagree
        "a cats on blue",
        "cats on blue",  # no number
        "four cats on blue",
        "a purple cat",  # colours are backgrounds only
        "a cat on purple on the left",  # background clause in the middle
        "a cat on blue on red",
        "on purple",  # no emoji
        "a cat and a cat on blue",  # one emoji in two groups
        "a cat left of on blue",
        "a cat, a dog, a fox and a bee on blue",
        "a cat on the left and a dog on the right on blue",  # positions only for one group
        "a cat above a dog above a fox on blue",
        "a cat on a purple",
        "a cat with purple",
        "purple a cat",
        "a cat 🐱 on blue",
        "a cat; a dog",
    ],
)
def test_nonsense_is_refused(text):
    assert parse_prompt(text) is None
    with pytest.raises(CaptionParseError):
        explain_prompt(text)


def test_every_surface_form_of_every_emoji_parses():
    for e in atlas.emoji_table():
        for singular, plural in e.forms(paraphrases=True).items():
            assert parse_prompt(f"a {singular} on blue") == _spec([SceneObject(e.name)], "blue"), singular
            assert parse_prompt(f"three {plural} on blue") == _spec([SceneObject(e.name, 3)], "blue"), plural


def test_every_word_of_every_class_parses():
    for bg, (train, para) in captions.BACKGROUND_WORDS.items():
        for word in train + para:
            assert parse_prompt(f"a cat on a {word} background") == _spec([SceneObject("cat")], bg)
    for pos, (train, para) in captions.POSITION_WORDS.items():
        for phrase in train + para:
            assert parse_prompt(f"a cat {phrase}, red background") == _spec([SceneObject("cat", position=pos)], "red")
    for size, (train, para) in captions.SIZE_WORDS.items():
        for word in train + para:
            assert parse_prompt(f"a {word} cat on red") == _spec([SceneObject("cat", size=size)], "red")


def test_lexicon_is_unambiguous():
    table = captions.lexicon()  # raises on a phrase with two meanings
    assert ("red",) in table and ("kitty",) in table and table[("kitty",)].paraphrase


def test_noun_and_colour_paraphrases_bring_a_new_word():
    """A paraphrased emoji or background always contains a word no training caption can contain."""
    table = captions.lexicon()
    train_words = {w for phrase, t in table.items() if not t.paraphrase for w in phrase}
    for phrase, t in table.items():
        if t.paraphrase and t.kind in ("NOUN", "BG"):
            assert set(phrase) - train_words, phrase


def test_the_language_document_lists_the_vocabulary():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "caption-language.md").read_text(encoding="utf-8")
    for e in atlas.emoji_table():
        assert f"| {e.emoji} |" in doc and e.name in doc, e.name
        for word in [*e.synonyms, *e.paraphrases]:
            assert word in doc, word
    for table in (captions.BACKGROUND_WORDS, captions.POSITION_WORDS, captions.RELATION_WORDS, captions.SIZE_WORDS):
        for train, para in table.values():
            for word in train + para:
                assert word in doc, word
