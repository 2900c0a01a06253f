"""Read a prompt in the words a closed-vocabulary model knows (the built-in model's only, so far).

The built-in model's UNet saw only the words of its caption language (docs/caption-language.md).
MiniLM's token embeddings of a synonym it never saw ("kitty", "crimson") are too far from those of
the word it did see ("cat", "red") for the UNet to draw the right thing, so before encoding, each
unknown word is replaced by what it most likely means in the model's own words:

- a colour name (one or two words, from the xkcd colour survey's 949 names) becomes the model's
  colour word whose survey colour ("pink" as the survey's respondents paint it) is nearest in
  CIELAB hue (a grey, the grey nearest in lightness), since names follow hue more than brightness
  or saturation: navy is a blue, crimson a red, blush a pink;
- any other word becomes the known word nearest to it in MiniLM's sentence-embedding space (the
  space MiniLM was trained to make similar for paraphrases), if the cosine similarity reaches the
  model's threshold; a colour name that is also, by that measure, a texture the model knows
  ("ocean" → "sea") is read as the texture;
- a word close to nothing is dropped: the model never saw it and it only blurs what the model did
  see ("a tulip sitting on plum" is read "a tulip on purple"; chosen on a second development list,
  scripts/dev2_phrases.json, whose read-backs went from 255 to 277 of 500, and the first list's
  stayed at 125 of 150). A prompt of nothing but such words stays as it is. A stray word (below) that
  no phrase reads is dropped too: "of" left over from a position cut short is in no known phrase.
- a noun read after a count takes the count's number ("three kitten" -> "three kittens"), since the
  two are often read from different words; a closing background clause left with no preposition gets
  one ("a tractor having an orange background" -> "a tractor with an orange background"), an opening
  colour before "with" or a thing becomes "X background with" ("pink with a camera").
- what words read one by one leave and no phrase has goes: a colour word before a thing ("a gold
  star"), the first of two things side by side ("a cell phone" read "phone phone"; English puts the
  head last), a relation word before a position ("over on the left"); a thing's name read where no
  thing can stand (after no article, count or size: "a backpack dead centre") is dropped, and a word
  that points somewhere ("down", "low", "centred") is never a thing.
- an unknown word where only a count can stand, before a plural noun nothing counts, is "two" or
  "three", whichever MiniLM puts nearer ("twin polar bears"); a relation needs a thing after it
  ("to the right placed on red" is a position). These came from the second development list
  (scripts/dev2_phrases.json: 337 -> 406 of 500 read back; the first list and its images unchanged).

Before everything else, what WordNet knows (`wordnet_readings.json`, written by muralist.train.wordnet
from Princeton WordNet 3.0): a noun that IS-A one of the model's nouns or is its close kin
("cottontail" → rabbit, "brolly" → umbrella, "lake" → water, "felines" → cats), a count ("a trio
of" → three, where a count can stand), a size adjective ("minuscule" → small). Ties go to the one
nearest in MiniLM's space; no emoji is read beside a colour word or right after an emoji. Two rules
of the caption language come with them: an unknown word before a colour word modifies it ("on pitch
black" → on black), and an unknown word where only "background" can stand is "background" ("a
lavender setting" → a purple background). A third: an unknown word where only a colour or texture can
stand ("with a cinderblock background", "on a meadow scene") is the colour or texture word nearest to
it in MiniLM's space, at the context threshold ("cinderblock" → brick, "meadow" → lawn).

Before the words, phrases: a span of one to MAX_SPAN words that holds an unknown word (not a colour
name) may become one of the model's own phrases ("just one" → "one", "on the far left" → "on the
left", "set against" → "against"), if the span's MiniLM sentence embedding is near enough to the
phrase's (the phrase threshold) and nearer than any one unknown word of the span is to its nearest
known word. Four rules keep a phrase from saying more or less than the span:
  * every known word of the span that carries meaning (not a function word like "the" or "of") is
    in the phrase, so "three enormous" can never become "large";
  * the phrase fits where it stands: the known words just before and just after the span are among
    those that stand before and after a phrase of its kind in training captions, so "toward the
    left" before "on red" is a position, not the relation "to the left of";
  * a span with a direction word ("leftward", "further up", "at the foot of") becomes only a phrase
    that points the same way, so "leftward of" is never "right of"; with its direction agreeing, the
    lower context threshold is enough;
  * the phrases chosen never overlap, and each fits the reading around it as chosen (a left-to-right
    dynamic programme keeps the choice with the largest total similarity, counted per unknown word
    read, so "further up than" as a whole beats "further" alone).
Where the known neighbours allow only one kind of phrase, the context threshold is enough for a
single word, or for a count or size span of several ("a group of two" → two).
More rules come from the caption grammar:
  * a stray word, a known word that stands only inside a longer phrase and where it stands is in
    none ("top" and "of" in "on top of", "of" in "on the left of"), is read like an unknown word,
    but counts as read only by a phrase of a kind it stands in (a relation, for "of");
  * a known word that is a phrase on its own ("on", "against", "below") stays, in a phrase of its
    own kind ("placed on" is "on", never "on the left"), unless stray words beside it show a broken
    phrase; where the span's unknown words are all that is dropped, the context threshold is
    enough ("framed against" → against);
  * an unknown word where only a noun can stand (after "a", a count or a size, before what follows
    a noun) is a thing, never part of a structural phrase ("above a bonfire" is not "near the top"),
    and a colour name there is the noun WordNet names ("above a spruce," is a tree);
  * a relation needs a thing after it: "toward the left with a sky background" is a position;
  * an unknown word that reads on its own as a structural word ("mini" as small) is read only into a
    phrase of that kind ("a mini watermelon slice" keeps its size), and after a word MiniLM reads as
    a texture only "background" can stand ("a dunes setting" is a sand background).

Known words, their candidates, the phrases, the palette and the thresholds come from `vocabulary.json` in the
model's text encoder folder (written by `muralist.train.vocabulary`); the colour names ship beside it
(`colour_names.json`). A prompt with no unknown word is returned unchanged, character for character.
The reading is a pure function of the prompt and those files, so the same prompt gives the same image.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

VOCABULARY_FILE = "vocabulary.json"
WORDNET_FILE = "wordnet_readings.json"
COLOUR_NAMES_FILE = "colour_names.json"
LIGHTNESS_WEIGHT = 0.5  # degrees of hue per unit of CIELAB lightness
GREY_CHROMA = 12.0  # below this CIELAB chroma a colour is a grey (black, gray, white)
NEAR_WHITE = (95.0, 32.0)  # CIELAB lightness at least, chroma at most: a tinted white is named white
CACHE_SIZE = 4096  # readings and nearest words remembered per process (a server sees endless new words)
MAX_SPAN = 6  # words in a span read as one phrase ("at the bottom of the frame"; 4 until the second list)
MAX_LEXICAL_SPAN = 3  # words in a WordNet name ("king of beasts")
WORDNET_COUNT = "WordNet count"  # why a span was read as a count (counts absorb "a ... of" around them)
START, END, NOUN = "<s>", "</s>", "<noun>"  # the ends of a prompt and any emoji name, as neighbours
BACKGROUND = "background"
DIRECTIONS = {  # a phrase read for a span must point where the span's direction words point
    "left": ("left", "west"),
    "right": ("right", "east"),
    "up": ("up", "upper", "top", "high", "above", "over", "atop"),
    "down": ("down", "bottom", "low", "below", "under", "beneath", "underneath", "foot"),
    "centre": ("centre", "center", "middle"),  # "centred in the frame" is in the centre
}
PLACES = frozenset({"POS", "REL"})  # a direction word read alone as one ("low" as under) may be read into the other
DIRECTION_SUFFIXES = frozenset({"", "ward", "wards", "most", "ermost", "er", "est", "side", "d", "ed"})
LEAD = frozenset({START, ",", "a", "an", "on", "against", "with", "the"})  # what stands before "red background"
BACKGROUND_AFTER = frozenset({END, ",", "with"})  # after it
COUNT_SLOT_FLOOR = 0.40  # MiniLM similarity to "two" or "three" a word in a count slot needs ("twin" 0.41, "cute" 0.35)
MIN_SHORT_FORM = 4  # letters a short form needs ("dino"; "ca" is nobody's cat)
DIMINUTIVES = ("y", "ie", "ey", "let", "ling")  # "froggy", "birdie", "piglet" (a doubled last letter allowed)

# word vectors: a list of words → unit vectors [len(words), dim] (MiniLM mean-pooled, normalised)
Embed = Callable[[list[str]], np.ndarray]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*|,")


@dataclass(frozen=True)
class Replacement:
    start: int  # character span in the prompt
    end: int
    text: str
    new: str
    why: str  # "colour", "nearest word 0.71", ...


@dataclass(frozen=True)
class Lexicon:
    """What WordNet says unknown words are, in the model's words (written by muralist.train.wordnet)."""

    nouns: dict[str, list[str]]  # "cottontail" -> ["rabbit"]; ties are all listed
    adjectives: dict[str, list[str]]  # "minuscule" -> ["little", "small"]
    irregular_plurals: dict[str, str]  # "fungi" -> "fungus"
    plurals: dict[str, str]  # an emoji's name -> its plural ("rabbit" -> "rabbits")
    counts: dict[str, list[str]] = field(default_factory=dict)  # "trio" -> ["three"]
    noun_plurals: dict[str, str] = field(default_factory=dict)  # every training noun: "kitten" -> "kittens"

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        spec = json.loads(path.read_text())
        return cls(spec["nouns"], spec["adjectives"], spec["irregular_plurals"], spec["target_plurals"],
                   spec.get("counts", {}), spec.get("noun_plurals", {}))  # fmt: skip

    @cached_property
    def single_word_names(self) -> list[str]:
        """The emoji whose name is one word ("dinosaur", "frog"), sorted."""
        return sorted(n for n in self.plurals if " " not in n)

    @cached_property
    def backgrounds(self) -> set[str]:
        """The targets that are not emoji: textures and "background"."""
        return {t for targets in self.nouns.values() for t in targets} - set(self.plurals)

    def read(self, text: str, background_only: bool = False) -> tuple[list[str], bool, str] | None:
        """(targets, read from a plural, why) for a word or name, or None; background_only where the
        words around it leave no room for an emoji."""
        found: tuple[list[str], bool, str] | None = None
        if text in self.counts:
            return self.counts[text], False, WORDNET_COUNT
        if text in self.nouns:
            found = (self.nouns[text], False, "WordNet noun")
        elif (singular := self._singular(text)) is not None:
            found = (self.nouns[singular], True, "WordNet noun")
        elif text in self.adjectives:
            found = (self.adjectives[text], False, "WordNet size")
        if found is not None and background_only:
            kept = [t for t in found[0] if t not in self.plurals]
            found = (kept, found[1], found[2]) if kept else None
        return found

    def _singular(self, text: str) -> str | None:
        """The WordNet noun a plural stands for ("felines", "puppies", "boxes", "fungi"), if any."""
        head, _, last = text.rpartition(" ")
        options = [self.irregular_plurals.get(last, "")]
        for suffix, replacement in (("ies", "y"), ("es", ""), ("s", "")):
            if last.endswith(suffix) and len(last) > len(suffix) + 1:
                options.append(last[: -len(suffix)] + replacement)
        for option in options:
            name = f"{head} {option}" if head else option
            if option and name in self.nouns:
                return name
        return None


class Vocabulary:
    """The known words of a model and how to read an unknown one in them."""

    def __init__(self, known: set[str], candidates: list[str], textures: set[str],
                 palette: dict[str, tuple[int, int, int]], colour_names: dict[str, str],
                 threshold: float, phrases: dict[str, str] | None = None,
                 before: dict[str, set[str]] | None = None, after: dict[str, set[str]] | None = None,
                 function_words: set[str] | None = None, phrase_threshold: float = 1.0,
                 context_threshold: float = 1.0, nouns: set[str] | None = None,
                 lexicon: Lexicon | None = None):  # fmt: skip
        self.known = known
        self.candidates = candidates
        self.textures = textures
        self.threshold = threshold
        self.phrases = phrases or {}  # phrase -> its kind ("POS", "REL", "COUNT", ...)
        self.before = before or {}  # kind -> words seen just before a phrase of that kind
        self.after = after or {}  # kind -> words seen just after it
        self.function_words = function_words or set()
        self.nouns = (nouns or set()) - self.function_words  # "of" in "bunch of grapes" is no noun
        self.lexicon = lexicon or Lexicon({}, {}, {}, {})
        self.colour_words = self.before.get("BGNOUN", set())  # colour and texture words: "red", "grey", "sky"
        self._background_targets = self.textures | self.lexicon.backgrounds  # "lake" -> water: no emoji
        self._no_emoji_after = self.colour_words | self.nouns | {"on", "against"}  # "a baseball smack", "on ebony"
        self._no_emoji_before = self.colour_words | {BACKGROUND}  # "ash grey", "an ebony background"
        # the first word of every emoji name and plural ("cat", "hot" of "hot dog"): a noun phrase's head
        self.emoji_heads = {f.split()[0] for n, p in self.lexicon.plurals.items() for f in (n, p)}
        self.phrase_threshold = phrase_threshold
        self.context_threshold = min(context_threshold, phrase_threshold)
        self._phrase_list = sorted(self.phrases)
        self._longest_phrase = max((len(p.split()) for p in self.phrases), default=1)
        # known words that stand only inside a longer phrase: "top" of "at the top", "of" of "left of"
        # (what it may be read into: a kind of phrase it stands in)
        self._inner_words: dict[str, set[str]] = {}
        for phrase, kind in self.phrases.items():
            for w in phrase.split() if " " in phrase else ():
                if w not in self.phrases and w not in self.nouns:
                    self._inner_words.setdefault(w, set()).add(kind)
        self._phrase_vectors: np.ndarray | None = None
        self._count_vectors: np.ndarray | None = None  # "two" and "three", for count slots
        self.palette_lab = {name: srgb_to_lab(rgb) for name, rgb in palette.items()}
        self.colour_names = {name: hex_to_rgb(value) for name, value in colour_names.items()}
        self._candidate_vectors: np.ndarray | None = None
        self._colour_list: list[str] = []
        self._colour_vectors: np.ndarray | None = None  # of the colour and texture words, embedded on first use
        self._nearest: dict[str, tuple[str, float]] = {}
        self._readings: dict[str, str] = {}  # a prompt read once is not read again (~0.1 s on a CPU)

    @classmethod
    def load(cls, directory: Path) -> Vocabulary | None:
        """The vocabulary in a text encoder folder, or None where the model has none (open vocabulary)."""
        path = directory / VOCABULARY_FILE
        if not path.is_file():
            return None
        spec = json.loads(path.read_text())
        colours = json.loads((directory / COLOUR_NAMES_FILE).read_text())["colours"]
        lexicon = Lexicon.load(directory / WORDNET_FILE) if (directory / WORDNET_FILE).is_file() else None
        return cls(set(spec["known_words"]), list(spec["candidate_words"]), set(spec["texture_words"]),
                   {k: tuple(v) for k, v in spec["palette"].items()}, colours, float(spec["threshold"]),
                   dict(spec.get("phrases", {})), {k: set(v) for k, v in spec.get("before", {}).items()},
                   {k: set(v) for k, v in spec.get("after", {}).items()}, set(spec.get("function_words", ())),
                   float(spec.get("phrase_threshold", 1.0)), float(spec.get("context_threshold", 1.0)),
                   set(spec.get("noun_words", ())), lexicon)  # fmt: skip

    def read(self, prompt: str, embed: Embed) -> str:
        """The prompt with every unknown word replaced as the module docstring says."""
        if prompt not in self._readings:
            text = prompt
            for r in reversed(self.replacements(prompt, embed)):
                text = text[: r.start] + r.new + text[r.end :]
            if text != prompt:  # dropped words leave no doubled spaces or dangling commas
                text = re.sub(r" +,", ",", re.sub(r"\s+", " ", text)).strip(" ,") or prompt
                text = self._frame(self._agree(self._tidy(text)))
            _remember(self._readings, prompt, text)
        return self._readings[prompt]

    @cached_property
    def _noun_forms(self) -> dict[str, tuple[str, str]]:
        """Each form of a training noun -> (singular, plural), from the caption writer's own forms
        ("kitten" and "kittens", "leaf" and "leaves"; `noun_plurals` in wordnet_readings.json)."""
        pairs = {**self.lexicon.plurals, **self.lexicon.noun_plurals}
        return {f: (n, p) for n, p in pairs.items() for f in (n, p)}

    def _frame(self, text: str) -> str:
        """A closing background clause ("an orange background" at the end) needs a preposition: where
        the reading left none, a relation word that stands there is "on" ("over the water, a cat" is on
        the water) and after a noun or a position one is put in: "with" before a background noun, "on"
        before a bare colour ("a tractor having an orange background" -> "a tractor with an orange
        background"). A preposition that was a dropped verb is the caption grammar's to supply. An
        opening colour followed by "with" or by a thing becomes "X background with" ("pink with a
        camera", "a pink background one basketball")."""
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        edits: list[tuple[int, int, str]] = []
        j = 1 if words and words[0][2] in ("a", "an", "the") else 0
        if j < len(words) and words[j][2] in self.colour_words:
            k = j + 1 + (j + 1 < len(words) and words[j + 1][2] == BACKGROUND)
            following = words[k][2] if k < len(words) else END
            thing = following in self._noun_leads or following in self.nouns
            if following == "with" or thing:
                new = ("" if k > j + 1 else " background") + ("" if following == "with" else " with")
                edits.append((words[k - 1][1], words[k - 1][1], new))
        for i in range(len(words)):
            j = i + 1 if words[i][2] in ("a", "an", "the") else i
            if j >= len(words) or words[j][2] not in self.colour_words:
                continue
            k = j + 1 + (j + 1 < len(words) and words[j + 1][2] == BACKGROUND)
            if k < len(words) and words[k][2] != ",":
                continue  # not a clause that ends the prompt or its opening part
            if i > 0 and words[i - 1][2] in ("a", "an", "the"):
                continue  # "the" + colour: the clause starts one word earlier
            before = words[i - 1][2] if i > 0 else START
            if self.phrases.get(before) == "REL":
                edits.append((words[i - 1][0], words[i - 1][1], "on"))
            elif before in self.nouns or self.phrases.get(before) == "POS" or before in self._position_ends:
                edits.append((words[i][0], words[i][0], "with " if k > j + 1 else "on "))
        for start, end, new in reversed(edits):
            text = text[:start] + new + text[end:]
        return text

    def _tidy(self, text: str) -> str:
        """Words read one by one can leave what no phrase of the language has; three such leftovers go:
        a colour word right before a thing ("a gold star" read "a yellow star" is a star), the first
        of two things side by side (English puts the head last: "a cell phone" read "a phone phone",
        "a tree frog", "a house key"), and a relation word right before a position ("over on the
        left" is on the left)."""
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        tokens = [w for _, _, w in words]
        things: dict[int, int] = {}  # first word -> one past the last, of every emoji name (longest first)
        i = 0
        while i < len(tokens):
            form = self._thing_at(tokens, i)
            if form is not None:
                things[i] = i + len(form.split())
            i = things.get(i, i + 1)
        inside = {k for a, b in things.items() for k in range(a, b)}
        drop: set[int] = set()
        for a, b in things.items():
            if b in things:
                drop.update(range(a, b))
            if a > 0 and tokens[a - 1] in self.colour_words and a - 1 not in inside:
                drop.add(a - 1)
        for k, word in enumerate(tokens):
            if self.phrases.get(word) == "REL" and any(
                tokens[k + 1 : k + 1 + len(p)] == p for p in self._position_words
            ):
                drop.add(k)
        if not drop:
            return text
        for k in sorted(drop, reverse=True):
            start, end = words[k][0], words[k + 1][0] if k + 1 < len(words) else words[k][1]
            text = text[:start] + text[end:]
        return text.strip()

    @cached_property
    def _longest_noun(self) -> int:
        return max((len(f.split()) for f in self._noun_forms), default=1)

    @cached_property
    def _position_words(self) -> list[list[str]]:
        return [p.split() for p, kind in self.phrases.items() if kind == "POS"]

    @cached_property
    def _position_ends(self) -> set[str]:
        """The last words of the position phrases ("left" of "on the left", "side", "centre")."""
        return {p.split()[-1] for p, kind in self.phrases.items() if kind == "POS"}

    @cached_property
    def _count_and_noun(self) -> re.Pattern[str]:
        """A count, a size perhaps, and a noun: "three small kitten"."""
        names = "|".join(sorted(map(re.escape, self._noun_forms), key=len, reverse=True))
        sizes = "|".join(sorted(w for w, k in self.phrases.items() if k == "SIZE" and " " not in w))
        return re.compile(rf"\b(a|an|one|two|three)( (?:{sizes}))? ({names})\b", re.IGNORECASE)

    def _agree(self, text: str) -> str:
        """A noun read after a count takes the count's number: "three kitten" is "three kittens", "one
        puppies" is "one puppy" (a count and a noun are often read from different words)."""
        if not self._noun_forms:
            return text

        def inflect(m: re.Match[str]) -> str:
            singular, plural = self._noun_forms[m.group(3).lower()]
            one = m.group(1).lower() in ("a", "an", "one")
            return f"{m.group(1)}{m.group(2) or ''} {singular if one else plural}"

        return self._count_and_noun.sub(inflect, text)

    def replacements(self, prompt: str, embed: Embed) -> list[Replacement]:
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(prompt)]
        stray, own = self._coverage(words)
        if not stray and all(w in self.known or w == "," for _, _, w in words):
            return []
        fixed = self._fixed_spans(words, embed)
        out = self._phrase_replacements(prompt, words, fixed, embed, stray, own)
        taken = {i for r in out for i, (s, e, _) in enumerate(words) if r.start <= s and e <= r.end}
        i = 0
        while i < len(words):
            start, end, word = words[i]
            if i in fixed:
                last, new, why = fixed[i]
                out.append(Replacement(start, words[last][1], prompt[start : words[last][1]], new, why))
                i = last + 1
                continue
            if i in stray and i not in taken and word not in ("a", "an", "the"):  # "of" in "at the centre of"
                out.append(Replacement(start, end, prompt[start:end], "", "stray: dropped"))
                i += 1
                continue
            if i in taken or word in self.known or word == ",":
                i += 1
                continue
            near, similarity = self.nearest_word(word, embed)
            if similarity >= self.threshold and near in self.nouns and not self._noun_may_follow(words, i, out):
                out.append(Replacement(start, end, prompt[start:end], "", "no thing here: dropped"))
            elif similarity >= self.threshold:
                out.append(Replacement(start, end, prompt[start:end], near, f"nearest word {similarity:.2f}"))
            else:  # close to nothing the model knows: dropped
                out.append(Replacement(start, end, prompt[start:end], "", "unread: dropped"))
            i += 1
        return sorted(out, key=lambda r: r.start)

    def _noun_may_follow(self, words: list[tuple[int, int, str]], i: int, out: list[Replacement]) -> bool:
        """Whether a thing's name may stand at word i, given the reading so far: after an article, a
        count or a size ("dead centre" is no die in the centre; "a backpack dead centre" no backpack
        and die), and never for a word that points somewhere ("down" is no drop)."""
        if _directions([words[i][2]]):
            return False
        for k in range(i - 1, -1, -1):
            start, end, word = words[k]
            covering = [r for r in out if r.start <= start and end <= r.end]
            if covering and not covering[0].new:
                continue  # dropped: look further back
            previous = covering[0].new.split()[-1] if covering else word
            return previous in self._noun_leads
        return False

    @cached_property
    def _noun_leads(self) -> set[str]:
        """What stands before a thing's name: an article, a count or a size ("a", "three", "small")."""
        return self.before.get("NOUN", set()) | {"a", "an", "the", "one", "two", "three"}

    def _fixed_spans(self, words: list[tuple[int, int, str]], embed: Embed) -> dict[int, tuple[int, str, str]]:
        """Spans read before the phrases: first word index -> (last index, reading, why).

        A WordNet background word first ("lake" -> water), then colour names ("navy blue" is two
        words, "hot pink" starts with a known one), then WordNet nouns and size adjectives ("barn
        owl" -> owl, "felines" -> cats, "minuscule" -> small)."""
        out: dict[int, tuple[int, str, str]] = {}
        i = 0
        while i < len(words):
            word = words[i][2]
            if word == ",":  # a comma is never read as a word ("racket, hot pink" keeps its comma)
                i += 1
                continue
            pair = f"{word} {words[i + 1][2]}" if i + 1 < len(words) else ""
            following = words[i + 1][2] if i + 1 < len(words) else END
            lexical = self._lexical_span(words, i, out, embed)
            first, span = i, lexical
            if word not in self.known and (count := self._count_slot(words, i, out, embed)) is not None:
                span = (i, count, "count slot")  # "twin polar bears" are two bears
            elif (
                lexical is not None and lexical[1] in self._background_targets and (following not in self.colour_words)
            ):
                pass  # "a lake" is water; "deep red" is a red, not the deep
            elif pair in self.colour_names and following in self.colour_words:
                span = (i + 1, following, "colour name")  # the last word names the hue: "sky blue", "brick red"
            elif pair in self.colour_names:
                span = (i + 1, self.nearest_colour(pair), "colour name")
            elif (
                word in self.colour_names
                and lexical is not None
                and lexical[2] != WORDNET_COUNT
                and self._noun_slot(words, [w for _, _, w in words], i, strict=True)
            ):
                pass  # "above a spruce, ..." is a tree, though "spruce" is a colour name too
            elif word not in self.known and word in self.colour_names and not self._texture_word(word, embed):
                span = (i, self.nearest_colour(word), "colour name")
            elif word not in self.known and following in self.colour_words and _previous(words, i, out)[0] in LEAD:
                span = (i + 1, following, "colour modifier")  # "on pitch black" is on black; "a cat upon red" stays
            elif lexical is not None and lexical[2] == WORDNET_COUNT:
                last, count, why = lexical  # "a trio of" is "three", "a single" is "one"; "on a leash" stays
                after = words[last + 1][2] if last + 1 < len(words) else END
                if after == END or (after != "of" and not self._fits_side(after, self.after.get("COUNT", set()))):
                    i += 1
                    continue
                covered = {k for f, (end, _, _) in out.items() for k in range(f, end + 1)}
                first = i - 1 if i > 0 and words[i - 1][2] in ("a", "an") and i - 1 not in covered else i
                span = (last + 1 if last + 1 < len(words) and words[last + 1][2] == "of" else last, count, why)
            elif lexical is None and word not in self.known and self._background_slot(words, i, out, embed):
                span = (i, BACKGROUND, "background slot")
            elif lexical is None and word not in self.known and self._colour_slot(words, i, out):
                near, similarity = self._nearest_colour_word(word, embed)  # "on a cinderblock scene" is on bricks
                if similarity >= self.context_threshold:
                    span = (i, near, f"colour slot {similarity:.2f}")
            elif lexical is None and word not in self.known and (short := self._short_form(word)) is not None:
                span = (i, short, "short form")  # "dino" is a dinosaur, "froggy" a frog
            elif lexical is None and word not in self.known and following in self.emoji_heads:
                near, similarity = self.nearest_word(word, embed)
                if not (similarity >= self.threshold and self.phrases.get(near) in ("SIZE", "COUNT")):
                    span = (i + 1, following, "modifier of a noun")  # "a door key" is a key; "a mini key" stays
            if span is None:
                i += 1
                continue
            out[first] = span
            i = span[0] + 1
        return dict(sorted(out.items()))

    def _count_slot(
        self, words: list[tuple[int, int, str]], i: int, fixed: dict[int, tuple[int, str, str]], embed: Embed
    ) -> str | None:
        """The count an unknown word stands for where only a count can stand: before a plural noun
        (an unknown word or a size between allowed) that nothing else counts ("twin polar bears").
        The count is "two" or "three", whichever MiniLM puts nearer, if at least COUNT_SLOT_FLOOR."""
        word = words[i][2]
        if word in self.colour_names or _previous(words, i, fixed)[0] in self._noun_leads:
            return None
        tokens = [w for _, _, w in words]
        j = i + 1
        while j <= i + 2 and j < len(tokens) and self._thing_at(tokens, j) is None:
            if tokens[j] in self.known and self.phrases.get(tokens[j]) != "SIZE":
                return None
            j += 1
        form = self._thing_at(tokens, j)
        if form is None or form != self._noun_forms[form][1] or form == self._noun_forms[form][0]:
            return None  # no plural noun there ("sheep" is both)
        if self._count_vectors is None:
            self._count_vectors = embed(["two", "three"])
        two, three = self._count_vectors @ embed([word])[0]
        similarity = {"two": float(two), "three": float(three)}
        count = max(similarity, key=lambda c: similarity[c])
        return count if similarity[count] >= COUNT_SLOT_FLOOR else None

    def _thing_at(self, tokens: list[str], j: int) -> str | None:
        """The emoji name (a form of it) that starts at word j, the longest, or None."""
        for n in range(min(self._longest_noun, len(tokens) - j), 0, -1):
            if (form := " ".join(tokens[j : j + n])) in self._noun_forms:
                return form
        return None

    def _background_slot(
        self, words: list[tuple[int, int, str]], i: int, fixed: dict[int, tuple[int, str, str]], embed: Embed
    ) -> bool:
        """Whether word i stands where the language has only "background": after a colour or texture
        word that follows "a", "an", "on", "against", "with" or the start, and before the end, a
        comma or "with" ("a purple setting", "on a lavender scene, a cat")."""
        previous, start = _previous(words, i, fixed)
        before, _ = _previous(words, start, fixed)
        following = words[i + 1][2] if i + 1 < len(words) else END
        if previous not in self.known and previous not in (START, ","):
            near, similarity = self.nearest_word(previous, embed)  # "a dunes setting": dunes reads as sand
            previous = near if similarity >= self.threshold else previous
        return previous in self.colour_words and before in LEAD and following in BACKGROUND_AFTER

    def _colour_slot(self, words: list[tuple[int, int, str]], i: int, fixed: dict[int, tuple[int, str, str]]) -> bool:
        """Whether word i stands where the language has only a colour or texture word: after "on" or
        "against" (an article between allowed) and before the end, a comma, "with" or a background
        word ("on a pearl scene"), or between an article and a background word ("a cinderblock
        background")."""
        previous, start = _previous(words, i, fixed)
        lead = _previous(words, start, fixed)[0] if previous in ("a", "an", "the") else previous
        following = words[i + 1][2] if i + 1 < len(words) else END
        after = words[i + 2][2] if i + 2 < len(words) else END
        # "background", or an unknown word where only "background" can stand ("a pearl scene, a cat")
        background_next = following == BACKGROUND or (
            following not in self.known and following not in (END, ",") and after in BACKGROUND_AFTER
        )
        if lead in ("on", "against"):
            return following in BACKGROUND_AFTER or background_next
        return previous in ("a", "an") and background_next

    def _nearest_colour_word(self, word: str, embed: Embed) -> tuple[str, float]:
        """The colour or texture word nearest to `word` in MiniLM's space, and its cosine similarity."""
        if not self.colour_words:
            return "", 0.0
        if self._colour_vectors is None:
            self._colour_list = sorted(self.colour_words)
            self._colour_vectors = embed(self._colour_list)
        scores = self._colour_vectors @ embed([word])[0]
        best = int(np.argmax(scores))
        return self._colour_list[best], float(scores[best])

    def _short_form(self, word: str) -> str | None:
        """The emoji a short or pet form names: the one name it begins ("dino", "heli"), or the name with
        a diminutive ending ("froggy", "piglet", "birdie")."""
        names = self.lexicon.single_word_names
        starts = [n for n in names if len(word) >= MIN_SHORT_FORM and n.startswith(word)]
        if len(starts) == 1:
            return starts[0]
        for n in names:
            endings = {n + d for d in DIMINUTIVES} | {n + n[-1] + d for d in DIMINUTIVES}
            if word in endings or word in {e + "s" for e in endings}:
                return self.lexicon.plurals[n] if word.endswith("s") else n
        return None

    def _texture_word(self, word: str, embed: Embed) -> bool:
        """A colour name that MiniLM reads as a texture the model knows ("ocean" -> sea)."""
        near, similarity = self.nearest_word(word, embed)
        return near in self.textures and similarity >= self.threshold

    def _lexical_span(self, words: list[tuple[int, int, str]], i: int, fixed: dict[int, tuple[int, str, str]],
                      embed: Embed) -> tuple[int, str, str] | None:  # fmt: skip
        """The longest span from word i holding an unknown word that WordNet reads, as (last, reading, why)."""
        previous, _ = _previous(words, i, fixed)
        for n in range(MAX_LEXICAL_SPAN, 0, -1):
            span = [w for _, _, w in words[i : i + n]]
            if len(span) < n or "," in span or all(w in self.known for w in span):
                continue
            following = words[i + n][2] if i + n < len(words) else END
            # no emoji beside a colour or background word, right after an emoji or "on": "a blue canvas",
            # "a baseball smack", "on ebony"
            no_emoji = (
                previous in self._no_emoji_after
                or following in self._no_emoji_before
                or (following_reading := self.lexicon.read(following)) is not None
                and set(following_reading[0]) <= self.lexicon.backgrounds  # "an ebony backdrop"
            )
            found = self.lexicon.read(" ".join(span), background_only=no_emoji)
            if found is not None:
                targets, plural, why = found
                if len(targets) > 1:  # WordNet finds them equally near: the nearest in MiniLM's space
                    vectors = embed([" ".join(span), *targets])
                    targets = [targets[int(np.argmax(vectors[1:] @ vectors[0]))]]
                return i + n - 1, self.lexicon.plurals.get(targets[0], targets[0]) if plural else targets[0], why
        return None

    def _coverage(self, words: list[tuple[int, int, str]]) -> tuple[set[int], dict[int, str]]:
        """How the model's phrases cover the words (longest first, left to right): the indices of stray
        words, known words that stand only inside a longer phrase and, where they stand, are in none
        ("top" and "of" in "on top of", "of" in "on the left of"), which the phrase pass reads like
        unknown ones; and the index -> kind of words that are a phrase on their own ("on", "above")."""
        tokens = [w for _, _, w in words]
        stray: set[int] = set()
        own: dict[int, str] = {}
        i = 0
        while i < len(tokens):
            for n in range(min(self._longest_phrase, len(tokens) - i), 0, -1):
                if (kind := self.phrases.get(" ".join(tokens[i : i + n]))) is not None:
                    if n == 1:
                        own[i] = kind
                    i += n
                    break
            else:
                if tokens[i] in self._inner_words:
                    stray.add(i)
                i += 1
        return stray, own

    def _phrase_replacements(self, prompt: str, words: list[tuple[int, int, str]],
                             fixed: dict[int, tuple[int, str, str]], embed: Embed, stray: set[int],
                             own: dict[int, str]) -> list[Replacement]:  # fmt: skip
        """Spans read as one of the model's phrases, best first, not overlapping (module docstring)."""
        if not self.phrases:
            return []
        in_fixed = {j for i, (last, _, _) in fixed.items() for j in range(i, last + 1)}
        unread = [w not in self.known or k in stray for k, (_, _, w) in enumerate(words)]  # what a phrase may read
        spans: list[tuple[int, int]] = []
        for i in range(len(words)):
            for j in range(i + 1, min(i + MAX_SPAN, len(words)) + 1):
                span = [w for _, _, w in words[i:j]]
                if "," in span or any(k in in_fixed for k in range(i, j)):
                    break
                if any(unread[i:j]) and not all(w in self.function_words for w in span):
                    spans.append((i, j))  # a stray "of" alone is no phrase: "on top of" is read whole
        if not spans:
            return []
        if self._phrase_vectors is None:
            self._phrase_vectors = embed(self._phrase_list)
        # what each word reads as on its own, for the neighbours of a span
        alone = [w for _, _, w in words]
        for i, (last, new, _) in fixed.items():
            for k in range(i, last + 1):
                alone[k] = new.split()[0] if k == i else new.split()[-1]
        for i, w in enumerate(alone):
            if i not in in_fixed and w not in self.known and w != ",":
                near, similarity = self.nearest_word(w, embed)
                alone[i] = near if similarity >= self.threshold and not (_directions([w]) and near in self.nouns) else w
        # per word: an unknown word where only a noun can stand is a thing, never part of a structural
        # phrase; one that reads on its own as a structural word ("mini" as small, "further" as beside)
        # is read only into a phrase of that word's kind ("mini watermelon slice" is no noun)
        noun_slot = [self._noun_slot(words, alone, k) for k in range(len(words))]
        structural = [self.phrases.get(alone[k], "NOUN") if words[k][2] not in self.known else "NOUN"
                      for k in range(len(words))]  # fmt: skip
        texts = [" ".join(w for _, _, w in words[i:j]) for i, j in spans]
        scores = embed(texts) @ self._phrase_vectors.T
        options: dict[tuple[int, int], list[tuple[float, str]]] = {}
        for (i, j), row in zip(spans, scores, strict=True):
            span = [w for _, _, w in words[i:j]]
            towards = _directions(span)
            meaning = {w for w in span if w in self.known and w not in self.function_words and not _directions([w])}
            word_level = max((self.nearest_word(w, embed)[1] for w in span if w not in self.known), default=0.0)
            names_a_thing = any(noun_slot[i:j])
            own_kinds = set(structural[i:j]) - {"NOUN"}
            # a word that is a phrase on its own ("on", "against", "below") stays, in a phrase of its kind
            # ("placed on" is on, not "on the left"), unless stray words show a phrase broken ("on top of")
            kept = {words[k][2]: kind for k, kind in own.items() if i <= k < j}
            if any(k in stray for k in range(i, j)):
                kept = {}
            # the span with its unknown words dropped is a phrase ("framed against"): the context threshold
            known_part = " ".join(w for w in span if w in self.known)
            before = alone[i - 1] if i > 0 else START
            after = alone[j] if j < len(words) else END
            only = self._only_kind(before, after)
            for k in np.argsort(-row):
                score, phrase = float(row[k]), self._phrase_list[k]
                kind = self.phrases[phrase]
                if score < self.context_threshold:
                    break
                if phrase == " ".join(span) or not meaning <= set(phrase.split()):
                    continue
                if names_a_thing and kind != "NOUN":
                    continue  # "above a bonfire" is not "near the top"
                if any(k != kind or w not in phrase.split() for w, k in kept.items()):
                    continue
                if own_kinds and own_kinds != {kind} and not (own_kinds <= PLACES and kind in PLACES and towards):
                    continue
                if kind == "REL" and (self._background_follows(alone, j) or not self._thing_follows(alone, j)):
                    continue  # "toward the left with a sky background" is no relation to the sky
                if towards and _directions(phrase.split()) != towards:
                    continue  # "leftward of" is never "right of", "further up than" never "next to"
                if (
                    (score >= word_level and score >= self.phrase_threshold)
                    or (kind == only and (j == i + 1 or kind in ("COUNT", "SIZE")) and kind != "NOUN")
                    or towards  # the direction agrees, and the score reached the context threshold
                    or (kept and phrase == known_part)  # only unknown words dropped: "framed against" -> against
                ):
                    options.setdefault((i, j), []).append((score, phrase))
        # the non-overlapping choice of phrases with the largest total similarity whose every phrase fits
        # its neighbours in the reading (dynamic programming over (position, last word, its kind))
        State = tuple[str, str | None]
        best: list[dict[State, tuple[float, list[tuple[int, int, float, str]]]]] = [{} for _ in words]
        best.append({})
        best[0][(START, None)] = (0.0, [])
        for i in range(len(words)):
            for (prev_word, last_kind), (total, picks) in best[i].items():
                if last_kind is None or self._fits_side(alone[i], self.after.get(last_kind, set())):
                    self._offer(best[i + 1], (alone[i], None), total, picks)
                for (a, j), found in options.items():
                    if a != i:
                        continue
                    for score, phrase in found:
                        new_kind = self.phrases[phrase]
                        first_word, last_word = phrase.split()[0], phrase.split()[-1]
                        if last_kind is not None and not self._fits_side(first_word, self.after.get(last_kind, set())):
                            continue
                        if not self._fits_side(prev_word, self.before.get(new_kind, set())):
                            continue
                        gain = score * self._words_read(words[i:j], unread[i:j], new_kind)
                        self._offer(best[j], (last_word, new_kind), total + gain, [*picks, (i, j, score, phrase)])
        finals = [(total, picks) for (_, last_kind), (total, picks) in best[-1].items()
                  if last_kind is None or self._fits_side(END, self.after.get(last_kind, set()))]  # fmt: skip
        if not finals:
            return []
        out = []
        for i, j, score, phrase in max(finals, key=lambda f: f[0])[1]:
            start, end = words[i][0], words[j - 1][1]
            out.append(Replacement(start, end, prompt[start:end], phrase, f"nearest phrase {score:.2f}"))
        return out

    def _noun_slot(self, words: list[tuple[int, int, str]], alone: list[str], k: int, strict: bool = False) -> bool:
        """Whether unknown word k stands where the language has only a noun: between words seen before
        and after a noun in training ("above a bonfire", "left of a taper,"; not "a group of"). The word
        before must be known ("two jumbos down below": "down" is no noun); the word after may be
        unknown, unless `strict` ("a mustard setting" is no noun slot then)."""
        if words[k][2] in self.known or words[k][2] == "," or _directions([words[k][2]]):
            return False  # "low" points down: no thing's name
        before = alone[k - 1] if k > 0 else START
        after = alone[k + 1] if k + 1 < len(alone) else END
        if before not in self.known or (strict and after not in self.known and after not in (",", END)):
            return False
        return self._fits("NOUN", before, after)

    def _background_follows(self, alone: list[str], j: int) -> bool:
        """Whether the words from j on are a colour or texture word after at most an article, a count
        and a size: a background, where a relation needs a thing."""
        lead = self.before.get("NOUN", set())  # "a", "one", "small"...
        while j < len(alone) and alone[j] in lead:
            j += 1
        return j < len(alone) and alone[j] in self.colour_words

    def _thing_follows(self, alone: list[str], j: int) -> bool:
        """Whether a thing can follow from word j on: an article, a count, a size or a noun, after any
        words the reading will drop (unknown words near nothing). "to the right placed on red" is a
        position: a relation needs a thing after it."""
        while j < len(alone) and alone[j] not in self.known and alone[j] != ",":
            j += 1
        if j == len(alone):
            return False
        word = alone[j]
        return word in self._noun_leads or word in self.nouns

    def _words_read(self, span: list[tuple[int, int, str]], unread: list[bool], kind: str) -> int:
        """How many words a phrase of this kind reads in the span: its unknown words, and its stray words
        where the kind is one they stand in ("of" counts for a relation, not for the count "one")."""
        return sum(
            u and (w not in self.known or kind in self._inner_words.get(w, ()))
            for (_, _, w), u in zip(span, unread, strict=True)
        )

    @staticmethod
    def _offer(table: dict, state: tuple[str, str | None], total: float, picks: list) -> None:
        if state not in table or total > table[state][0]:
            table[state] = (total, picks)

    def _fits(self, kind: str, before: str, after: str) -> bool:
        """Known neighbours must be ones seen beside a phrase of that kind in training; unknown ones may be anything."""
        return self._fits_side(before, self.before.get(kind, set())) and self._fits_side(
            after, self.after.get(kind, set())
        )

    def _fits_side(self, neighbour: str, seen: set[str]) -> bool:
        if neighbour in seen or (neighbour in self.nouns and NOUN in seen):
            return True
        return neighbour not in self.known and neighbour not in (",", START, END)

    def _only_kind(self, before: str, after: str) -> str | None:
        """The one phrase kind that known neighbours on both sides allow, or None."""
        if any(n not in self.known and n not in (",", START, END) for n in (before, after)):
            return None
        kinds = [k for k in self.before if self._fits(k, before, after)]
        return kinds[0] if len(kinds) == 1 else None

    def nearest_word(self, word: str, embed: Embed) -> tuple[str, float]:
        if word not in self._nearest:
            if self._candidate_vectors is None:
                self._candidate_vectors = embed(self.candidates)
            scores = self._candidate_vectors @ embed([word])[0]
            best = int(np.argmax(scores))
            _remember(self._nearest, word, (self.candidates[best], float(scores[best])))
        return self._nearest[word]

    def nearest_colour(self, name: str) -> str:
        """Greys (and tinted whites) by lightness; other colours by hue angle first, lightness (half-weighted)
        second."""
        target = srgb_to_lab(self.colour_names[name])
        # Candidates in the palette's order, never a set's: a tie must not follow the process's hash seed.
        greys = [c for c, lab in self.palette_lab.items() if _chroma(lab) < GREY_CHROMA]
        near_white = target[0] >= NEAR_WHITE[0] and _chroma(target) <= NEAR_WHITE[1]  # eggshell, ivory, cream
        if _chroma(target) < GREY_CHROMA or near_white:
            return min(greys, key=lambda c: abs(self.palette_lab[c][0] - target[0]))

        def distance(c: str) -> float:
            lab = self.palette_lab[c]
            return abs(_hue_difference(lab, target)) + LIGHTNESS_WEIGHT * abs(lab[0] - target[0])

        return min((c for c in self.palette_lab if c not in greys), key=distance)


def _directions(words: list[str]) -> frozenset[str]:
    """The directions a span of words points in: "leftward" and "west" left, "higher" and "on top" up."""
    out = set()
    for word in words:
        for direction, stems in DIRECTIONS.items():
            if any(
                word == stem or (word.startswith(stem) and word[len(stem) :] in DIRECTION_SUFFIXES) for stem in stems
            ):
                out.add(direction)
    return frozenset(out)


def _previous(words: list[tuple[int, int, str]], i: int, fixed: dict[int, tuple[int, str, str]]) -> tuple[str, int]:
    """The word before word i as read so far (the last word of a span read before it), and where it starts."""
    if i <= 0:
        return START, 0
    for start, (last, new, _) in fixed.items():
        if last == i - 1:
            return new.split()[-1], start
    return words[i - 1][2], i - 1


def _remember(cache: dict, key: str, value: object) -> None:
    """Store in a bounded cache: when full, it is emptied (simple, and the words come back cheaply)."""
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _chroma(lab: np.ndarray) -> float:
    return float(np.hypot(lab[1], lab[2]))


def _hue_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Degrees between the hue angles of two CIELAB colours, in [-180, 180)."""
    d = np.degrees(np.arctan2(a[2], a[1]) - np.arctan2(b[2], b[1]))
    return float((d + 180) % 360 - 180)


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def srgb_to_lab(rgb: tuple[int, int, int]) -> np.ndarray:
    """CIELAB (D65) of an 8-bit sRGB colour."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = to_xyz @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])
