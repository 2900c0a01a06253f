"""Read a prompt in the words a closed-vocabulary model knows (the built-in model's only, so far).

The built-in model's UNet saw only the words of its caption language (docs/caption-language.md).
MiniLM's token embeddings of a synonym it never saw ("kitty", "crimson") are too far from those of
the word it did see ("cat", "red") for the UNet to draw the right thing, so before encoding, each
unknown word is replaced by what it most likely means in the model's own words:

- a colour name (one or two words, from the xkcd colour survey's 949 names) becomes the model's
  background colour nearest in CIELAB hue (a grey, the grey nearest in lightness), since names
  follow hue more than brightness or saturation: navy is a blue, crimson a red;
- any other word becomes the known word nearest to it in MiniLM's sentence-embedding space (the
  space MiniLM was trained to make similar for paraphrases), if the cosine similarity reaches the
  model's threshold; a colour name that is also, by that measure, a texture the model knows
  ("ocean" → "sea") is read as the texture;
- a word close to nothing is left as it is.

Known words, their candidates, the palette and the threshold come from `vocabulary.json` in the
model's text encoder folder (written by `muralist.train.vocabulary`); the colour names ship beside it
(`colour_names.json`). A prompt with no unknown word is returned unchanged, character for character.
The reading is a pure function of the prompt and those files, so the same prompt gives the same image.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VOCABULARY_FILE = "vocabulary.json"
COLOUR_NAMES_FILE = "colour_names.json"
LIGHTNESS_WEIGHT = 0.5  # degrees of hue per unit of CIELAB lightness
GREY_CHROMA = 12.0
SPAN_TOLERANCE = 0.05  # below this CIELAB chroma a colour is a grey (black, gray, white)

# word vectors: a list of words → unit vectors [len(words), dim] (MiniLM mean-pooled, normalised)
Embed = Callable[[list[str]], np.ndarray]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Replacement:
    start: int  # character span in the prompt
    end: int
    text: str
    new: str
    why: str  # "colour", "nearest word 0.71", ...


class Vocabulary:
    """The known words of a model and how to read an unknown one in them."""

    def __init__(self, known: set[str], candidates: list[str], textures: set[str],
                 palette: dict[str, tuple[int, int, int]], colour_names: dict[str, str],
                 threshold: float):  # fmt: skip
        self.known = known
        self.candidates = candidates
        self.textures = textures
        self.threshold = threshold
        self.palette_lab = {name: srgb_to_lab(rgb) for name, rgb in palette.items()}
        self.colour_names = {name: hex_to_rgb(value) for name, value in colour_names.items()}
        self._candidate_vectors: np.ndarray | None = None
        self._nearest: dict[str, tuple[str, float]] = {}

    @classmethod
    def load(cls, directory: Path) -> Vocabulary | None:
        """The vocabulary in a text encoder folder, or None where the model has none (open vocabulary)."""
        path = directory / VOCABULARY_FILE
        if not path.is_file():
            return None
        spec = json.loads(path.read_text())
        colours = json.loads((directory / COLOUR_NAMES_FILE).read_text())["colours"]
        return cls(set(spec["known_words"]), list(spec["candidate_words"]), set(spec["texture_words"]),
                   {k: tuple(v) for k, v in spec["palette"].items()}, colours, float(spec["threshold"]))  # fmt: skip

    def read(self, prompt: str, embed: Embed) -> str:
        """The prompt with every unknown word replaced as the module docstring says."""
        text = prompt
        for r in reversed(self.replacements(prompt, embed)):
            text = text[: r.start] + r.new + text[r.end :]
        return text

    def replacements(self, prompt: str, embed: Embed) -> list[Replacement]:
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(prompt)]
        out: list[Replacement] = []
        i = 0
        while i < len(words):
            start, end, word = words[i]
            if word in self.known:
                i += 1
                continue
            if i + 1 < len(words):  # a two-word colour name: "navy blue", "burnt orange"
                pair = f"{word} {words[i + 1][2]}"
                if pair in self.colour_names:
                    out.append(Replacement(start, words[i + 1][1], prompt[start : words[i + 1][1]],
                                           self.nearest_colour(pair), "colour name"))  # fmt: skip
                    i += 2
                    continue
            near, similarity = self.nearest_word(word, embed)
            if word in self.colour_names and not (near in self.textures and similarity >= self.threshold):
                out.append(Replacement(start, end, prompt[start:end], self.nearest_colour(word), "colour name"))
                i += 1
                continue
            if similarity >= self.threshold:
                out.append(Replacement(start, end, prompt[start:end], near, f"nearest word {similarity:.2f}"))
            i += 1
        return out

    def nearest_word(self, word: str, embed: Embed) -> tuple[str, float]:
        if word not in self._nearest:
            if self._candidate_vectors is None:
                self._candidate_vectors = embed(self.candidates)
            scores = self._candidate_vectors @ embed([word])[0]
            best = int(np.argmax(scores))
            self._nearest[word] = (self.candidates[best], float(scores[best]))
        return self._nearest[word]

    def nearest_colour(self, name: str) -> str:
        """Greys by lightness; other colours by hue angle first, lightness (half-weighted) second."""
        target = srgb_to_lab(self.colour_names[name])
        greys = {c for c, lab in self.palette_lab.items() if _chroma(lab) < GREY_CHROMA}
        if _chroma(target) < GREY_CHROMA:
            return min(greys, key=lambda c: abs(self.palette_lab[c][0] - target[0]))

        def distance(c: str) -> float:
            lab = self.palette_lab[c]
            return abs(_hue_difference(lab, target)) + LIGHTNESS_WEIGHT * abs(lab[0] - target[0])

        return min(set(self.palette_lab) - greys, key=distance)


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
