"""The built-in model reads unknown words in the words it knows; everything else is left alone.

The synonyms here are our own development list (none is a held-out paraphrase of the evaluation).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from muralist.models.registry import BUILTIN_DIR
from muralist.models.text_encoders import TextEncoder, load_text_encoder
from muralist.models.vocabulary import Lexicon, Vocabulary
from muralist.train import captions
from muralist.train.vocabulary import vocabulary


@pytest.fixture(scope="module")
def builtin_encoder() -> TextEncoder:
    return load_text_encoder(BUILTIN_DIR / "text_encoder", BUILTIN_DIR / "tokenizer", "BertModel",
                             "BertTokenizerFast", torch.device("cpu"), torch.float32)  # fmt: skip


def test_the_shipped_vocabulary_is_the_one_the_training_captions_make() -> None:
    shipped = json.loads((BUILTIN_DIR / "text_encoder" / "vocabulary.json").read_text())
    assert (
        shipped == vocabulary()
    )  # regenerate: python -m muralist.train.vocabulary muralist/models/builtin/text_encoder


def test_a_prompt_in_known_words_is_untouched_character_for_character(builtin_encoder: TextEncoder) -> None:
    for prompt in ("two apples left of a rocket on a purple background", "A Cat, on RED!", "three  small  owls"):
        assert builtin_encoder.read(prompt) == prompt


@pytest.mark.parametrize(
    ("prompt", "read_as"),
    [
        ("a feline on a red background", "a cat on a red background"),
        ("a hound next to a sedan", "a dog next to a car"),
        ("an airliner above a cathedral", "an airplane above a church"),
        ("a telephone, miniature, at the top", "a phone, small, at the top"),
        ("a cat on a ruby background", "a cat on a red background"),
        ("a cat on a navy blue background", "a cat on a blue background"),
        ("a cat on charcoal", "a cat on black"),
        ("a cat on apricot", "a cat on orange"),
        # colour names are matched with our colour words as the same survey paints them
        ("a cat on royal blue", "a cat on blue"),
        ("a cat on burnt orange", "a cat on orange"),
        ("a cat on plum", "a cat on purple"),
        ("a cat on mocha", "a cat on brown"),
        ("a cat on eggshell", "a cat on white"),  # a tinted white is white (the hue alone said yellow)
        ("A Feline on Ruby!", "A cat on red!"),
    ],
)
def test_unknown_words_are_read_as_the_known_word_they_mean(
    builtin_encoder: TextEncoder, prompt: str, read_as: str
) -> None:
    assert builtin_encoder.read(prompt) == read_as


def test_the_model_sees_exactly_the_embedding_of_the_reading(builtin_encoder: TextEncoder) -> None:
    got = builtin_encoder(["a feline on a ruby background"])
    want = builtin_encoder(["a cat on a red background"])
    assert torch.equal(got, want)
    assert not torch.equal(got, builtin_encoder(["a cat on a blue background"]))


def test_a_word_close_to_nothing_is_dropped(builtin_encoder: TextEncoder) -> None:
    # the model never saw it: it would only blur the words it did see
    assert builtin_encoder.read("a cat xqzvbw on red") == "a cat on red"
    assert builtin_encoder.read("a cat on red, xqzvbw") == "a cat on red"
    assert builtin_encoder.read("xqzvbw") == "xqzvbw"  # nothing left to read: the prompt stays
    # a known frame word keeps its place when the unknown verb before it goes ("sitting on plum")
    assert builtin_encoder.read("a tulip sitting on plum") == "a tulip on purple"
    # the encoder encodes the reading, so the dropped word changes nothing the model sees
    assert torch.equal(builtin_encoder(["a cat xqzvbw on red"]), builtin_encoder(["a cat on red"]))


def test_an_open_vocabulary_model_reads_prompts_unchanged(tiny_sd: Path) -> None:
    from muralist.models.loading import load_model

    model = load_model(tiny_sd, "tiny", freeze=False)
    assert model.text_encoder.vocabulary is None
    assert model.text_encoder.read("a kitty on crimson") == "a kitty on crimson"


# ---- the policy alone, with hand-made word vectors --------------------------------------------------

VECTORS = {"cat": [1, 0, 0, 0], "sea": [0, 1, 0, 0], "red": [0, 0, 1, 0], "puss": [0.9, 0.1, 0, 0],
           "deep": [0.6, 0.8, 0, 0], "crimson": [0, 0.3, 0, 1], "zzz": [0, 0, 0, 1]}  # fmt: skip


def _embed(words: list[str]) -> np.ndarray:
    v = np.array([VECTORS[w] for w in words], dtype=float)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _vocabulary(lexicon: Lexicon | None = None, known: set[str] | None = None) -> Vocabulary:
    return Vocabulary(known={"a", "cat", "sea", "red", "blue", "on", *(known or ())}, candidates=["cat", "sea", "red"],
                      textures={"sea"}, palette={"red": (214, 40, 40), "blue": (45, 95, 215)},
                      colour_names={"deep": "#01153e", "crimson": "#8c000f", "navy blue": "#001146"},
                      threshold=0.55, lexicon=lexicon)  # fmt: skip


def test_policy_a_near_word_replaces_and_a_far_one_is_dropped() -> None:
    assert _vocabulary().read("a puss on a zzz", _embed) == "a cat on a"


def test_policy_colour_names_go_to_the_nearest_palette_colour_unless_they_read_as_a_texture() -> None:
    assert _vocabulary().read("a cat on crimson", _embed) == "a cat on red"  # nearest word: sea, 0.29
    assert _vocabulary().read("a cat on navy blue", _embed) == "a cat on blue"  # two-word name
    # "deep" is a colour name (a dark blue) but its nearest known word is the texture "sea" (0.8).
    assert _vocabulary().read("a cat on deep", _embed) == "a cat on sea"


# ---- phrases (our own development phrasings: scripts/dev_paraphrases.py) -----------------------------


@pytest.mark.parametrize(
    ("prompt", "read_as"),
    [
        ("a cat on the far left on a red background", "a cat on the left on a red background"),
        ("a cat at the very top on red", "a cat at the top on red"),
        ("just one feline on red", "one cat on red"),
        ("a small umbrella toward the left set on green", "a small umbrella at the left on green"),
        ("a cat upon red", "a cat on red"),
        ("a cat in the dead centre on red", "a cat in the centre on red"),
    ],
)
def test_unknown_phrases_are_read_as_the_phrase_they_mean(
    builtin_encoder: TextEncoder, prompt: str, read_as: str
) -> None:
    assert builtin_encoder.read(prompt) == read_as


def test_a_phrase_never_swallows_a_word_that_means_something(builtin_encoder: TextEncoder) -> None:
    # "three" and "small" are known and carry meaning: no phrase may drop them
    assert builtin_encoder.read("three small cats toward the left on red") == "three small cats at the left on red"
    # "lake" has a reading of its own (WordNet: a body of water): "on the lake" is not read as a position
    assert builtin_encoder.read("a cat on the lake") == "a cat on the water"


def test_every_canonical_suite_prompt_reads_back_unchanged(builtin_encoder: TextEncoder) -> None:
    from muralist.train.splits import heldout_suite

    assert all(builtin_encoder.read(item.prompt) == item.prompt for item in heldout_suite())


def test_policy_a_phrase_must_fit_its_neighbours() -> None:
    vectors = {"x": [1, 0], "on the left": [1, 0.1], "to the left of": [1, 0.05], "cat": [0, 1]}

    def embed(texts: list[str]) -> np.ndarray:
        v = np.array([vectors.get(t, [0.7, 0.7]) for t in texts], dtype=float)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    vocabulary = Vocabulary(known={"a", "cat", "on", "the", "left", "to", "of"}, candidates=["cat"], textures=set(),
                            palette={"red": (214, 40, 40)}, colour_names={}, threshold=0.55,
                            phrases={"on the left": "POS", "to the left of": "REL"},
                            before={"POS": {"<noun>"}, "REL": {"<noun>"}}, after={"POS": {"</s>"}, "REL": {"a"}},
                            function_words={"a", "on", "the", "to", "of"}, phrase_threshold=0.55,
                            context_threshold=0.42, nouns={"cat"})  # fmt: skip
    assert vocabulary.read("a cat x", embed) == "a cat on the left"  # nearer REL does not fit before the end
    assert vocabulary.read("a cat x a cat", embed) == "a cat to the left of a cat"
    # "of" stands only inside "to the left of"; where no phrase of that kind fits, it is dropped
    assert vocabulary.read("a cat of", embed) == "a cat"


def test_policy_a_reading_is_remembered_and_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import muralist.models.vocabulary as vocabulary_module

    calls: list[list[str]] = []

    def counting_embed(words: list[str]) -> np.ndarray:
        calls.append(words)
        return _embed(words)

    v = _vocabulary()
    assert v.read("a puss on red", counting_embed) == "a cat on red"
    made = len(calls)
    assert v.read("a puss on red", counting_embed) == "a cat on red" and len(calls) == made  # no new embedding
    monkeypatch.setattr(vocabulary_module, "CACHE_SIZE", 2)
    for prompt in ("a puss", "a zzz", "a deep", "a crimson"):
        v.read(prompt, counting_embed)
    assert len(v._readings) <= 2 and len(v._nearest) <= 2
    assert v.read("a puss on red", counting_embed) == "a cat on red"  # forgotten, read again the same


# ---- WordNet readings (muralist/train/wordnet.py; our own development words) --------------------------


@pytest.mark.parametrize(
    ("prompt", "read_as"),
    [
        ("a cottontail next to a brolly", "a rabbit next to a umbrella"),  # MiniLM alone: grass, broccoli
        ("two felines on red", "two cats on red"),  # a plural reads as the plural
        ("a barn owl on a minibus", "a owl on a bus"),  # a two-word name
        ("a minuscule viper on red", "a small snake on red"),  # a size adjective ("similar to" small)
        ("an enormous orca on red", "an large whale on red"),
        ("a cat on a pitch black background", "a cat on a black background"),  # a colour's modifier
        ("a cat on a lavender setting", "a cat on a purple background"),  # where only "background" can stand
        ("on a red scene, a cat", "on a red background, a cat"),
        ("a cat on a deep red background", "a cat on a red background"),  # "the deep" is water, "deep red" a red
        ("a cat on a sky blue setting", "a cat on a blue background"),  # the last word names the hue
        ("a cat with a jet black backdrop", "a cat with a black background"),
        ("a dino on red", "a dinosaur on red"),  # a short form: the one name it begins
        ("a froggy next to a birdie", "a frog next to a bird"),  # a pet form
        ("a door key on red", "a key on red"),  # an unknown modifier of a noun the model draws
        ("a mini key on red", "a small key on red"),  # ... unless it reads as a size
        ("a trio of felines on red", "three cats on red"),  # a count: WordNet's synonym of three
        ("a single sedan on red", "one car on red"),
        ("a twosome of owls on red", "two owls on red"),  # a twosome IS-A two
        # where only a colour or texture can stand, the nearest of those ("cinderblock": MiniLM's nearest
        # word overall is none the model draws)
        ("a cat with a cinderblock background", "a cat with a brick background"),
        ("a cat on a meadow scene", "a cat on a lawn background"),
    ],
)
def test_wordnet_reads_nouns_and_sizes_minilm_does_not_place(
    builtin_encoder: TextEncoder, prompt: str, read_as: str
) -> None:
    assert builtin_encoder.read(prompt) == read_as


def test_wordnet_readings_never_put_an_emoji_where_the_words_around_it_leave_no_room(
    builtin_encoder: TextEncoder,
) -> None:
    vocabulary = builtin_encoder.vocabulary
    assert vocabulary is not None and vocabulary.lexicon.read("smack") == (["sailboat"], False, "WordNet noun")
    # "smack" is a fishing boat, but not right after an emoji ("a baseball smack in the middle")
    assert "sailboat" not in builtin_encoder.read("a baseball smack in the middle on red")
    # nor right before a colour word: "ash" is a tree, "ash grey" a grey
    assert builtin_encoder.read("a cat on an ash grey background") == "a cat on an grey background"
    # nor before a background word: ebony is a tree, and "an ebony backdrop" a black background
    assert "tree" not in builtin_encoder.read("a dog with an ebony backdrop")


def test_a_count_word_is_read_only_where_a_count_can_stand(builtin_encoder: TextEncoder) -> None:
    vocabulary = builtin_encoder.vocabulary
    assert vocabulary is not None and vocabulary.lexicon.read("leash") == (["three"], False, "WordNet count")
    assert "three" not in builtin_encoder.read("a dog on a leash")  # a leash of hounds is three, a dog's is not


@pytest.mark.parametrize(
    ("prompt", "read_as"),
    [
        ("a cat further up than a dog on red", "a cat above a dog on red"),  # MiniLM alone: "next to" (0.57)
        ("a cat leftward of a dog on red", "a cat left of a dog on red"),
        ("a cat at the foot of a tree on red", "a cat under a tree on red"),
    ],
)
def test_a_phrase_read_for_a_span_points_where_the_span_points(
    builtin_encoder: TextEncoder, prompt: str, read_as: str
) -> None:
    assert builtin_encoder.read(prompt) == read_as


@pytest.mark.parametrize(
    ("prompt", "read_as"),
    [
        # known words outside any phrase of the model ("top", "of") are read like unknown ones
        ("a cat on top of a dog on red", "a cat above a dog on red"),
        ("two cats on top of a dog, red background", "two cats above a dog, red background"),
        ("a cat on the top, red background", "a cat at the top, red background"),
        # a word that is a phrase on its own stays, in a phrase of its kind; an unknown word beside it goes
        ("a large sunflower framed against a water background", "a large sunflower against a water background"),
        # an unknown word where only a noun can stand is a thing, not part of a position
        ("a castle above a bonfire, white background", "a castle above a flame, white background"),
        # a relation needs a thing after it, not a background
        ("a small hammer toward the left with a skies background", "a small hammer at the left with a sky background"),
        # a colour name where only a noun can stand is the noun WordNet names
        ("a cat above a spruce, red background", "a cat above a tree, red background"),
        # an unknown word that reads as a size is no part of a noun phrase
        (
            "a unicorn to the left of a mini watermelon slice, sky background",
            "a unicorn to the left of a small watermelon slice, sky background",
        ),
        # after a word MiniLM reads as a texture, only "background" can stand
        ("a church left of a musical note, dunes setting", "a church left of a musical note, sand background"),
        # WordNet: a candle is the fourth sense of "taper"
        ("a cat next to a taper on red", "a cat next to a candle on red"),
        # a comma is never part of a reading: ", hot pink" keeps its comma and is a colour name
        ("a tiny owl, hot pink background", "a small owl, pink background"),
        # spans of up to six words: a position "of the frame", a relation with two words more
        ("an owl at the bottom of the frame, sky background", "an owl at the bottom, sky background"),
        ("a cat on the far left-hand side of a dog on red", "a cat to the left of a dog on red"),
        # a noun read after a count takes the count's number
        ("three tiny kitten on crimson", "three small kittens on red"),
        ("a single puppies on the left on red", "one puppy on the left on red"),
        # a closing background clause gets the preposition a dropped verb stood for, and a relation
        # word before it is "on"
        ("a frog in the middle displaying crimson", "a frog in the middle on red"),
        ("a kite drifting over the lake", "a kite on the water"),
        ("perched above the beach, a crab at the bottom", "on the beach, a crab at the bottom"),
    ],
)
def test_phrases_are_read_where_the_caption_grammar_puts_them(
    builtin_encoder: TextEncoder, prompt: str, read_as: str
) -> None:
    assert builtin_encoder.read(prompt) == read_as


def test_a_colour_name_beside_an_unknown_word_stays_a_colour(builtin_encoder: TextEncoder) -> None:
    # "setting" could be anything, so "a mustard setting" is no noun slot: mustard is a colour there
    assert builtin_encoder.read("a mustard setting with a cat at the bottom") == (
        "a yellow background with a cat at the bottom"
    )


def test_policy_directions_of_words() -> None:
    from muralist.models.vocabulary import _directions

    assert _directions(["further", "up", "than"]) == {"up"}
    assert _directions(["leftward", "of"]) == {"left"}
    assert _directions(["higher"]) == {"up"} and _directions(["lowermost"]) == {"down"}
    assert _directions(["oversized", "understated", "footballs"]) == set()  # a stem must end the word or a suffix


def test_policy_wordnet_readings_ties_plurals_and_backgrounds() -> None:
    lexicon = Lexicon(nouns={"puss": ["cat", "sea"], "pond": ["sea"], "kit": ["cat"], "mouse": ["cat"]},
                      adjectives={"wee": ["small"]}, irregular_plurals={"mice": "mouse"},
                      plurals={"cat": "cats"})  # fmt: skip
    assert lexicon.read("kits") == (["cat"], True, "WordNet noun")
    assert lexicon.read("mice") == (["cat"], True, "WordNet noun")
    assert lexicon.read("wee") == (["small"], False, "WordNet size")
    assert lexicon.read("zzz") is None
    assert lexicon.backgrounds == {"sea"}
    assert lexicon.read("puss", background_only=True) == (["sea"], False, "WordNet noun")
    assert lexicon.read("kit", background_only=True) is None
    v = _vocabulary(lexicon, known={"small", "two"})
    # a tie is broken by MiniLM's similarity ("puss" is nearer "cat"); a plural is written plural
    assert v.read("a puss on red", _embed) == "a cat on red"
    assert v.read("two kits on red", _embed) == "two cats on red"
    assert v.read("a wee cat on a pond", _embed) == "a small cat on a sea"


@pytest.mark.parametrize(
    ("prompt", "read_as"),
    [
        # what reading words one by one leaves behind is tidied: a colour before a thing, the first of
        # two things side by side, a relation before a position
        ("a gold star on blue", "a star on blue"),
        ("a frosty tree frog over on the left on red", "a frog on the left on red"),
        # no thing where none can stand; a word that points somewhere is a place, never a thing
        ("on blue, a lone puppy dead centre", "on blue, one puppy in the centre"),
        ("a teddy bear low down in the frame on red", "a teddy bear near the bottom on red"),
        ("a dog centred in the frame on red", "a dog in the centre on red"),
        # a count slot: before a plural noun nothing counts
        ("twin fluffy kittens on red", "two kittens on red"),
        # a relation needs a thing after it
        ("a large cupcake to the right placed on a blue background", "a large cake at the right on a blue background"),
        # an opening colour before a thing or "with" is a background
        ("crimson with a lone cat on the left", "red background with a cat on the left"),
    ],
)
def test_readings_are_tidied_into_the_caption_grammar(builtin_encoder: TextEncoder, prompt: str, read_as: str) -> None:
    assert builtin_encoder.read(prompt) == read_as
    assert captions.parse_prompt(builtin_encoder.read(prompt)) is not None
