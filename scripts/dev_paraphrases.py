"""Development paraphrases for the built-in model's reading of unknown words (muralist/models/vocabulary.py).

    python scripts/dev_paraphrases.py --read-only      # read-backs and how many parse back (seconds)
    python scripts/dev_paraphrases.py --json dev.json  # generate and judge too (~2.5 min, quiet 2-core CPU)
    python scripts/dev_paraphrases.py --dev2           # read back the second list on all 500 scenes
    python scripts/dev_paraphrases.py --dev2 --json dev2.json  # ... and generate and judge them (~3.5 min)
    python scripts/dev_paraphrases.py --model DIR ...  # another copy of the built-in model (a candidate UNet)

The reading is tuned on THIS list only. Its words and phrasings are our own: none is a held-out
paraphrase of muralist/train/captions.py (the second tuples of its word tables and the atlas
`paraphrases`), which stay for the one held-out reading (`muralist eval quality --paraphrase`).

Each dev prompt is a canonical suite prompt (the same 150 evenly spaced scenes and seeds as
`muralist eval quality --limit 150`) with its phrases swapped for ours: every emoji name and
background colour with a dev synonym where we have one, and each structural phrase (count, size,
position, relation, background frame and noun) with probability 0.5, as the held-out twins are
written. Images are judged against the CANONICAL prompt's spec. The read-back of every prompt goes
to --readbacks so the mistakes can be read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from muralist.train import captions
from muralist.train.captions import Token
from muralist.train.splits import heldout_suite

LIMIT = 150
RATE = 0.5  # structural phrases, as captions.STRUCTURE_RATE

NOUNS = {  # emoji -> (singular, plural)
    "cat": ("feline", "felines"),
    "dog": ("hound", "hounds"),
    "rabbit": ("cottontail", "cottontails"),
    "bear": ("bruin", "bruins"),
    "tiger": ("tigger", "tiggers"),
    "cow": ("cattle", "cattle"),
    "pig": ("swine", "swine"),
    "monkey": ("chimp", "chimps"),
    "bird": ("sparrow", "sparrows"),
    "owl": ("barn owl", "barn owls"),
    "bee": ("wasp", "wasps"),
    "snake": ("viper", "vipers"),
    "fish": ("guppy", "guppies"),
    "whale": ("orca", "orcas"),
    "dinosaur": ("dino", "dinos"),
    "octopus": ("squid", "squids"),
    "turtle": ("box turtle", "box turtles"),
    "frog": ("froggy", "froggies"),
    "banana": ("bananna", "banannas"),
    "carrot": ("veggie stick", "veggie sticks"),
    "hamburger": ("beefburger", "beefburgers"),
    "hot dog": ("wiener", "wieners"),
    "doughnut": ("cruller", "crullers"),
    "cookie": ("cracker", "crackers"),
    "cake": ("torte", "tortes"),
    "coffee": ("latte", "lattes"),
    "tree": ("elm", "elms"),
    "pine tree": ("spruce", "spruces"),
    "sun": ("sunshine", "sunshines"),
    "moon": ("new moon", "new moons"),
    "star": ("starlet", "starlets"),
    "car": ("sedan", "sedans"),
    "taxi": ("minicab", "minicabs"),
    "bus": ("minibus", "minibuses"),
    "bicycle": ("pushbike", "pushbikes"),
    "rocket": ("space rocket", "space rockets"),
    "airplane": ("airliner", "airliners"),
    "helicopter": ("heli", "helis"),
    "ship": ("cruise liner", "cruise liners"),
    "sailboat": ("dinghy", "dinghies"),
    "phone": ("handset", "handsets"),
    "clock": ("wall clock", "wall clocks"),
    "book": ("paperback", "paperbacks"),
    "hammer": ("sledgehammer", "sledgehammers"),
    "gem": ("birthstone", "birthstones"),
    "crown": ("diadem", "diadems"),
    "gift": ("giftbox", "giftboxes"),
    "balloon": ("party balloon", "party balloons"),
    "umbrella": ("brolly", "brollies"),
    "fire": ("bonfire", "bonfires"),
    "tornado": ("cyclone", "cyclones"),
    "snowman": ("snow figure", "snow figures"),
    "mushroom": ("fungus", "fungi"),
    "rose": ("rosebud", "rosebuds"),
    "pizza": ("pizza pie", "pizza pies"),
    "apple": ("granny smith", "granny smiths"),
    "laptop": ("ultrabook", "ultrabooks"),
    "key": ("door key", "door keys"),
    "padlock": ("combination lock", "combination locks"),
    "candle": ("taper", "tapers"),
    "elephant": ("jumbo", "jumbos"),
    "lion": ("king of beasts", "kings of beasts"),
    "penguin": ("emperor penguin", "emperor penguins"),
}
COLOURS = {
    "red": ("ruby", "cherry"), "orange": ("apricot", "burnt orange"), "yellow": ("mustard", "canary yellow"),
    "green": ("jade", "forest green"), "blue": ("navy", "sapphire", "royal blue"), "purple": ("plum", "lavender"),
    "pink": ("hot pink", "blush"), "brown": ("umber", "mocha"), "black": ("charcoal", "pitch black"),
    "white": ("pearl", "eggshell"), "gray": ("slate", "ash grey"), "cyan": ("aqua", "aquamarine"),
    "sky": ("skies", "heavens"), "grass": ("turf", "pasture"), "sand": ("dunes", "sandbank"),
    "water": ("lake", "river"), "brick": ("masonry", "cinderblock"),
}  # fmt: skip
BACKGROUND_NOUNS = ("setting", "canvas", "scene")
POSITIONS = {
    "left": ("on the far left", "toward the left", "at the left edge"),
    "right": ("on the far right", "toward the right", "at the right edge"),
    "top": ("at the very top", "in the top part", "along the top edge"),
    "bottom": ("at the very bottom", "in the bottom part", "along the bottom edge"),
    "centre": ("in the dead centre", "at the midpoint", "smack in the middle"),
}
RELATIONS = {
    "above": ("on top of", "up above", "further up than"),
    "below": ("down below", "further down than", "at the foot of"),
    "left of": ("further left than", "leftward of", "west of"),
    "right of": ("further right than", "rightward of", "east of"),
    "next to": ("close to", "adjacent to"),
}
COUNTS = {1: ("just one", "a lone", "only one"), 2: ("a duo of", "a twosome of", "a group of two"),
          3: ("a threesome of", "a group of three", "a triad of")}  # fmt: skip
SIZES = {"small": ("mini", "teeny", "minuscule"), "large": ("enormous", "massive", "oversized")}
FRAMES = {"on": ("upon", "placed on", "set on"), "against": ("set against", "framed against"), "with": ("with",)}


DEV1 = {  # this list's tables in the shape of dev2_phrases.json
    "nouns": {k: [v] for k, v in NOUNS.items()},
    "colours": COLOURS,
    "background_nouns": BACKGROUND_NOUNS,
    "positions": POSITIONS,
    "relations": RELATIONS,
    "counts": {str(k): v for k, v in COUNTS.items()},
    "sizes": SIZES,
    "frames": FRAMES,
}
DEV2_FILE = Path(__file__).with_name("dev2_phrases.json")


def dev2_tables() -> dict:
    """The second list (see dev2_phrases.json): more phrasings, read back only, on all 500 scenes."""
    tables = json.loads(DEV2_FILE.read_text(encoding="utf-8"))
    tables.pop("_about")
    return tables


def _pick(rng: np.random.Generator, options: Sequence[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def dev_prompt(prompt: str, rng: np.random.Generator, tables: dict = DEV1) -> str:
    """The canonical prompt with our dev phrases swapped in (see the module docstring)."""
    tokens = captions.tokenize(prompt)
    words: list[str] = []
    count = 1
    for i, t in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.kind == "COUNT":
            count = int(str(t.value))
        elif t.kind == "ART":
            count = 1
        words += _swap(t, following, count, rng, tables).split()
    return " ".join(captions._fit_articles(["a" if w == "an" else w for w in words])).replace(" ,", ",")


def _swap(t: Token, following: Token | None, count: int, rng: np.random.Generator, tables: dict) -> str:
    structure = rng.random() < RATE  # drawn for every token, so one choice does not shift the rest
    value = str(t.value)
    if t.kind == "NOUN" and value in tables["nouns"]:
        pairs = tables["nouns"][value]  # one pair is taken as it is: the first list's draws stay as they were
        singular, plural = _pick(rng, pairs) if len(pairs) > 1 else pairs[0]
        return singular if count == 1 else plural
    if t.kind == "BG" and value in tables["colours"]:
        return _pick(rng, tables["colours"][value])
    if not structure:
        return t.text
    table = {"BGNOUN": tables["background_nouns"], "POS": tables["positions"].get(value),
             "REL": tables["relations"].get(value), "SIZE": tables["sizes"].get(value),
             "COUNT": tables["counts"].get(value)}.get(t.kind)  # fmt: skip
    if t.kind == "PREP" and following is not None and following.kind in ("ART", "BG"):
        table = tables["frames"].get(value)
    if t.kind == "ART" and following is not None and following.kind in ("SIZE", "NOUN"):
        table = tables["counts"]["1"]
    return _pick(rng, table) if table else t.text


def dev_items() -> tuple[list[int], list[str], list[str]]:
    """(seed offsets, canonical prompts, dev prompts) of the 150 evenly spaced suite scenes."""
    suite = heldout_suite()
    offsets = sorted({int(i) for i in np.linspace(0, len(suite) - 1, LIMIT).round()})
    canonical = [suite[i].prompt for i in offsets]
    dev = [dev_prompt(p, np.random.default_rng(1000 + i)) for i, p in zip(offsets, canonical, strict=True)]
    return offsets, canonical, dev


def dev2_readbacks(path: Path, model_name: str | None, out: Path | None) -> int:
    """Read back the second list's prompts of all 500 suite scenes (tunes nothing held out); with
    `out`, also generate them and judge the images against the canonical scenes."""
    from muralist.cli import _load_named_model

    model = _load_named_model(model_name)
    encoder = model.text_encoder
    tables = dev2_tables()
    suite = heldout_suite()
    prompts = [dev_prompt(item.prompt, np.random.default_rng(5000 + i), tables) for i, item in enumerate(suite)]
    good = 0
    with path.open("w") as f:
        for prompt, item in zip(prompts, suite, strict=True):
            read = encoder.read(prompt)
            try:
                ok = captions.parse_prompt(read) == captions.explain_prompt(item.prompt)
            except captions.CaptionParseError:
                ok = False
            good += ok
            f.write(f"{'OK ' if ok else 'BAD'} {prompt}\n    read {read}\n    want {item.prompt}\n")
    print(f"dev2: read back to the canonical spec: {good} / {len(suite)}; read-backs in {path}")
    if out is not None:
        judge(model, list(range(len(suite))), [item.prompt for item in suite], prompts, out, parsed_back=good)
    return 0


def judge(model: Any, offsets: list[int], canonical: list[str], prompts: list[str], out: Path | None,
          parsed_back: int) -> dict:  # fmt: skip
    """Generate `prompts` (seed 0 + offset, as the suite) and judge the images against the canonical specs."""
    from muralist.eval.oracle import load_oracle
    from muralist.eval.quality import PromptItem, evaluate_images, reference_images
    from muralist.eval.run_quality import generate_for
    from muralist.types import Sampler

    specs = [captions.explain_prompt(p) for p in canonical]
    items = [PromptItem(d, s) for d, s in zip(prompts, specs, strict=True)]
    started = time.monotonic()
    images = generate_for(model, prompts, 30, 5.0, Sampler.DDIM, 0, seed_offsets=offsets)
    report = evaluate_images(load_oracle(None), items, images, reference_images(items))
    report.update(generation_seconds=round(time.monotonic() - started, 1), parsed_back=parsed_back)
    keys = ("object", "count", "position", "relation", "background")
    print(" ".join(f"{k} {100 * report[f'{k}_accuracy']:.1f} %" for k in keys), f"FOD {report['fod']:.2f}")
    if out is not None:
        out.write_text(json.dumps(report, indent=2) + "\n")
    return report


def heldout_readbacks(model_name: str | None) -> int:
    from muralist.cli import _load_named_model

    encoder = _load_named_model(model_name).text_encoder
    vocabulary = encoder.vocabulary

    def exact(item_paraphrase: str, item_prompt: str) -> bool:
        read = encoder.read(item_paraphrase)
        try:
            same = captions.parse_prompt(read) == captions.parse_prompt(item_prompt)
        except captions.CaptionParseError:
            return False
        return same and not captions.uses_paraphrase(read)

    suite = heldout_suite()
    phrases = vocabulary.phrases if vocabulary is not None else {}
    for label, phrase_table in (("all passes", phrases), ("without the phrase pass", {})):
        if vocabulary is not None:
            vocabulary.phrases = phrase_table
            vocabulary._readings.clear()  # readings are remembered: the second pass must read again
        print(f"held-out twins read back exactly, {label}: {sum(exact(i.paraphrase, i.prompt) for i in suite)} / 500")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--read-only", action="store_true", help="read back and parse; no generation")
    parser.add_argument("--raw", action="store_true", help="generate from the dev prompts without the reading")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--readbacks", type=Path, default=Path("/tmp/dev_readbacks.txt"))
    parser.add_argument("--heldout", action="store_true",
                        help="only count the held-out twins read back into exactly their canonical scene, in "
                             "training words (a reading diagnostic: generates nothing, tunes nothing)")  # fmt: skip
    parser.add_argument("--dev2", action="store_true",
                        help="the second list (dev2_phrases.json) on all 500 scenes (judged with --json)")  # fmt: skip
    parser.add_argument("--model", default=None, help="model name or directory (default: the built-in model)")
    args = parser.parse_args(argv)
    if args.dev2:
        return dev2_readbacks(args.readbacks, args.model, args.json)
    if args.heldout:
        return heldout_readbacks(args.model)

    from muralist.cli import _load_named_model

    offsets, canonical, dev = dev_items()
    specs = [captions.explain_prompt(p) for p in canonical]
    model = _load_named_model(args.model)
    encoder = model.text_encoder
    if args.raw:
        encoder.vocabulary = None
    reads = [encoder.read(p) for p in dev]
    parsed = [captions.parse_prompt(r) == s for r, s in zip(reads, specs, strict=True)]
    with args.readbacks.open("w") as f:
        for c, d, r, ok in zip(canonical, dev, reads, parsed, strict=True):
            f.write(f"{'OK ' if ok else 'BAD'} {d}\n    read {r}\n    want {c}\n")
    unchanged = sum(encoder.read(item.prompt) == item.prompt for item in heldout_suite())
    print(f"read back to the canonical spec: {sum(parsed)} / {len(parsed)}; canonical suite prompts "
          f"unchanged: {unchanged} / 500; read-backs in {args.readbacks}")  # fmt: skip
    if args.read_only:
        return 0
    judge(model, offsets, canonical, dev, args.json, parsed_back=sum(parsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
