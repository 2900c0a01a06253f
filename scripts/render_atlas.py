"""Render the emoji sprite atlas for the built-in model, once, from the Noto Color Emoji font.

    apt-get install -y fonts-noto-color-emoji
    .venv/bin/python scripts/render_atlas.py            # writes muralist/models/builtin/atlas/

Outputs (committed, so training and evaluation never need the font):
  emoji_atlas.png   RGBA sprites in a grid of SPRITE x SPRITE cells, COLUMNS per row, in table order;
                    each glyph is the font's own bitmap trimmed to its alpha bounding box and centred.
  emoji_names.json  one entry per sprite: grid index, codepoints, CLDR short name, caption noun and
                    plural, category, training synonyms and held-out paraphrases (singular -> plural),
                    and bbox, the trimmed glyph's box [x0, y0, x1, y1] inside its cell.

The table below is the whole vocabulary of the built-in model. Rules it keeps (checked at the end):
  * caption nouns never contain a background colour, texture, size, count, position or relation word,
    so a prompt's colour word can only mean the background (the exceptions "red apple"/"red heart"
    are whole nouns naming the emoji's own colour, matched as one phrase);
  * every surface form (noun, synonym, paraphrase, singular or plural) names exactly one emoji;
  * the emoji are visually distinct at 16 px (near-duplicates such as cupcake/cake were left out).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
# CBDT fonts hold fixed bitmap strikes; 109 ppem is the one Noto ships (136x128 px bitmaps).
FONT_SIZE = 109
SPRITE = 128  # cell size: the 256 px scene draws its largest sprites at ~118 px; glyphs are <= 128 px
COLUMNS = 16
OUT_DIR = Path(__file__).resolve().parents[1] / "muralist" / "models" / "builtin" / "atlas"

# (emoji, CLDR short name, caption noun, category, training synonyms, held-out paraphrases)
# Nouns and synonyms are "singular" or "singular/plural" (regular English plural when omitted).
# Paraphrases are NEVER used by the training caption templates: evaluation uses them to test
# whether the model generalises through the frozen text encoder ("a kitty on crimson").
Row = tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]
EMOJI: list[Row] = [
    # animals
    ("🐱", "cat face", "cat", "animals", ("kitten",), ("kitty",)),
    ("🐶", "dog face", "dog", "animals", ("puppy",), ("pooch",)),
    ("🐰", "rabbit face", "rabbit", "animals", ("bunny",), ("hare",)),
    ("🦊", "fox", "fox", "animals", (), ("vixen",)),
    ("🐻", "bear", "bear", "animals", (), ("grizzly",)),
    ("🐼", "panda", "panda", "animals", ("panda bear",), ()),
    ("🐯", "tiger face", "tiger", "animals", (), ("tigress",)),
    ("🦁", "lion", "lion", "animals", (), ("lioness",)),
    ("🐮", "cow face", "cow", "animals", (), ("heifer",)),
    ("🐷", "pig face", "pig", "animals", ("piglet",), ("hog",)),
    ("🐸", "frog", "frog", "animals", (), ("toad",)),
    ("🐵", "monkey face", "monkey", "animals", (), ("ape",)),
    ("🐧", "penguin", "penguin", "animals", (), ()),
    ("🐦", "bird", "bird", "animals", (), ("songbird",)),
    ("🦉", "owl", "owl", "animals", (), ()),
    ("🦄", "unicorn", "unicorn", "animals", (), ()),
    ("🐝", "honeybee", "bee", "animals", ("honeybee",), ("bumblebee",)),
    ("🦋", "butterfly", "butterfly", "animals", (), ("moth",)),
    ("🐌", "snail", "snail", "animals", (), ()),
    ("🐞", "lady beetle", "ladybug", "animals", ("ladybird",), ("beetle",)),
    ("🐢", "turtle", "turtle", "animals", ("tortoise",), ("terrapin",)),
    ("🐍", "snake", "snake", "animals", (), ("serpent",)),
    ("🐙", "octopus", "octopus", "animals", (), ()),
    ("🦀", "crab", "crab", "animals", (), ()),
    ("🐠", "tropical fish", "fish/fish", "animals", ("tropical fish/tropical fish",), ("goldfish/goldfish",)),
    ("🐳", "spouting whale", "whale", "animals", (), ("humpback",)),
    ("🐘", "elephant", "elephant", "animals", (), ("pachyderm",)),
    ("🦖", "T-Rex", "dinosaur", "animals", ("t-rex/t-rexes",), ("tyrannosaurus/tyrannosauruses",)),
    # food
    ("🍎", "red apple", "apple", "food", ("red apple",), ()),
    ("🍌", "banana", "banana", "food", (), ("plantain",)),
    ("🍇", "grapes", "bunch of grapes/bunches of grapes", "food", ("grape bunch/grape bunches",), ()),
    ("🍉", "watermelon", "watermelon", "food", ("watermelon slice",), ("melon",)),
    ("🍊", "tangerine", "tangerine", "food", ("mandarin",), ("clementine",)),
    ("🍋", "lemon", "lemon", "food", (), ()),
    ("🍍", "pineapple", "pineapple", "food", (), ()),
    ("🍓", "strawberry", "strawberry", "food", (), ()),
    ("🍑", "peach", "peach", "food", (), ("nectarine",)),
    ("🥑", "avocado", "avocado", "food", (), ()),
    ("🍆", "eggplant", "eggplant", "food", ("aubergine",), ("brinjal",)),
    ("🥕", "carrot", "carrot", "food", (), ()),
    ("🌽", "ear of corn", "corn cob", "food", ("ear of corn/ears of corn",), ("corncob",)),
    ("🥦", "broccoli", "broccoli/broccoli", "food", (), ()),
    ("🍞", "bread", "loaf of bread/loaves of bread", "food", ("loaf/loaves",), ()),
    ("🧀", "cheese wedge", "cheese", "food", ("cheese wedge",), ("cheddar",)),
    ("🍔", "hamburger", "hamburger", "food", ("burger",), ("cheeseburger",)),
    ("🍕", "pizza", "pizza", "food", ("pizza slice",), ()),
    ("🌭", "hot dog", "hot dog", "food", (), ("frankfurter",)),
    ("🍩", "doughnut", "doughnut", "food", ("donut",), ()),
    ("🍪", "cookie", "cookie", "food", (), ("biscuit",)),
    ("🎂", "birthday cake", "cake", "food", ("birthday cake",), ("gateau/gateaux",)),
    ("🍦", "soft ice cream", "ice cream", "food", ("ice cream cone",), ("gelato/gelatos",)),
    ("☕", "hot beverage", "coffee", "food", ("cup of coffee/cups of coffee",), ("espresso",)),
    # plants
    ("🌵", "cactus", "cactus/cacti", "plants", (), ("succulent",)),
    ("🌲", "evergreen tree", "pine tree", "plants", ("fir tree",), ("conifer",)),
    ("🌳", "deciduous tree", "tree", "plants", (), ("oak",)),
    ("🌴", "palm tree", "palm tree", "plants", ("palm",), ()),
    ("🌻", "sunflower", "sunflower", "plants", (), ()),
    ("🌷", "tulip", "tulip", "plants", (), ()),
    ("🌹", "rose", "rose", "plants", (), ()),
    ("🍀", "four leaf clover", "clover", "plants", ("four-leaf clover",), ("shamrock",)),
    ("🍁", "maple leaf", "maple leaf/maple leaves", "plants", ("leaf/leaves",), ()),
    ("🍄", "mushroom", "mushroom", "plants", (), ("toadstool",)),
    # weather and sky
    ("☀", "sun", "sun", "weather", (), ()),
    ("🌙", "crescent moon", "moon", "weather", ("crescent moon",), ()),
    ("⭐", "star", "star", "weather", (), ()),
    ("☁", "cloud", "cloud", "weather", (), ()),
    ("🌧", "cloud with rain", "rain cloud", "weather", ("raincloud",), ()),
    ("⚡", "high voltage", "lightning bolt", "weather", ("bolt",), ("thunderbolt",)),
    ("❄", "snowflake", "snowflake", "weather", (), ("ice crystal",)),
    ("⛄", "snowman without snow", "snowman/snowmen", "weather", (), ()),
    ("🌈", "rainbow", "rainbow", "weather", (), ()),
    ("🌪", "tornado", "tornado/tornadoes", "weather", ("twister",), ("whirlwind",)),
    ("💧", "droplet", "droplet", "weather", ("drop", "raindrop"), ("teardrop",)),
    ("🌊", "water wave", "wave", "weather", (), ("breaker",)),
    ("🔥", "fire", "fire", "weather", ("flame",), ("blaze",)),
    ("🪐", "ringed planet", "planet", "weather", (), ("saturn",)),
    ("☂", "umbrella", "umbrella", "weather", (), ("parasol",)),
    # vehicles
    ("🚗", "automobile", "car", "vehicles", (), ("automobile",)),
    ("🚕", "taxi", "taxi", "vehicles", ("cab",), ("taxicab",)),
    ("🚌", "bus", "bus", "vehicles", (), ("coach/coaches",)),
    ("🚓", "police car", "police car", "vehicles", (), ("squad car",)),
    ("🚑", "ambulance", "ambulance", "vehicles", (), ()),
    ("🚒", "fire engine", "fire truck", "vehicles", ("fire engine",), ("firetruck",)),
    ("🚜", "tractor", "tractor", "vehicles", (), ()),
    ("🏎", "racing car", "race car", "vehicles", ("racing car",), ("racecar",)),
    ("🏍", "motorcycle", "motorcycle", "vehicles", ("motorbike",), ()),
    ("🚲", "bicycle", "bicycle", "vehicles", ("bike",), ("cycle",)),
    ("🚂", "locomotive", "locomotive", "vehicles", ("steam train",), ()),
    ("🚀", "rocket", "rocket", "vehicles", ("spaceship",), ("rocketship",)),
    ("✈", "airplane", "airplane", "vehicles", ("plane",), ("aeroplane", "jet")),
    ("🚁", "helicopter", "helicopter", "vehicles", (), ("chopper",)),
    ("⛵", "sailboat", "sailboat", "vehicles", ("sailing boat",), ("yacht",)),
    ("🚢", "ship", "ship", "vehicles", (), ("steamship",)),
    ("🛸", "flying saucer", "flying saucer", "vehicles", ("ufo",), ("spacecraft/spacecraft",)),
    # objects
    ("🔑", "key", "key", "objects", (), ()),
    ("🔒", "locked", "padlock", "objects", ("lock",), ()),
    ("🔔", "bell", "bell", "objects", (), ()),
    ("💡", "light bulb", "light bulb", "objects", ("lightbulb",), ()),
    ("📱", "mobile phone", "phone", "objects", ("smartphone", "mobile phone"), ("cellphone",)),
    ("💻", "laptop", "laptop", "objects", (), ("notebook computer",)),
    ("⏰", "alarm clock", "clock", "objects", ("alarm clock",), ("timepiece",)),
    ("📷", "camera", "camera", "objects", (), ()),
    ("📕", "closed book", "book", "objects", (), ("novel",)),
    ("✏", "pencil", "pencil", "objects", (), ()),
    ("🔨", "hammer", "hammer", "objects", (), ("mallet",)),
    ("🔧", "wrench", "wrench", "objects", ("spanner",), ()),
    ("🧲", "magnet", "magnet", "objects", (), ()),
    ("👑", "crown", "crown", "objects", (), ("tiara",)),
    ("💎", "gem stone", "gem", "objects", ("diamond", "jewel"), ("gemstone",)),
    ("🕯", "candle", "candle", "objects", (), ()),
    ("⚓", "anchor", "anchor", "objects", (), ()),
    ("🎒", "backpack", "backpack", "objects", ("rucksack",), ("schoolbag",)),
    # toys and celebrations
    ("🎈", "balloon", "balloon", "toys", (), ()),
    ("🎁", "wrapped gift", "gift", "toys", ("present",), ("parcel",)),
    ("🧸", "teddy bear", "teddy bear", "toys", (), ("plushie",)),
    ("🪁", "kite", "kite", "toys", (), ()),
    ("🎃", "jack-o-lantern", "pumpkin", "toys", ("jack-o-lantern",), ("gourd",)),
    ("🎄", "Christmas tree", "christmas tree", "toys", (), ("xmas tree",)),
    ("🎲", "game die", "dice/dice", "toys", ("die/dice",), ()),
    ("🎯", "direct hit", "dartboard", "toys", ("target",), ("bullseye",)),
    ("🏆", "trophy", "trophy", "toys", (), ("award",)),
    # music
    ("🎸", "guitar", "guitar", "music", (), ()),
    ("🎺", "trumpet", "trumpet", "music", (), ("bugle",)),
    ("🥁", "drum", "drum", "music", (), ()),
    ("🎻", "violin", "violin", "music", ("fiddle",), ()),
    ("🎷", "saxophone", "saxophone", "music", ("sax/saxes",), ()),
    ("🎤", "microphone", "microphone", "music", ("mic",), ()),
    # sports
    ("⚽", "soccer ball", "soccer ball", "sports", ("football",), ()),
    ("🏀", "basketball", "basketball", "sports", (), ()),
    ("⚾", "baseball", "baseball", "sports", (), ()),
    ("🎾", "tennis", "tennis racket", "sports", ("tennis racquet",), ()),
    ("🏉", "rugby football", "rugby ball", "sports", (), ()),
    ("🎱", "pool 8 ball", "billiard ball", "sports", ("eight ball",), ("snooker ball",)),
    ("🥊", "boxing glove", "boxing glove", "sports", (), ()),
    ("🛹", "skateboard", "skateboard", "sports", (), ()),
    ("🥇", "1st place medal", "medal", "sports", (), ()),
    # faces
    ("😀", "grinning face", "grinning face", "faces", ("smiley",), ("happy face",)),
    ("😍", "smiling face with heart-eyes", "heart-eyes face", "faces", (), ("lovestruck face",)),
    ("😎", "smiling face with sunglasses", "cool face", "faces", ("sunglasses face",), ()),
    ("😡", "enraged face", "angry face", "faces", ("furious face",), ("mad face",)),
    ("😱", "face screaming in fear", "screaming face", "faces", ("scared face",), ("terrified face",)),
    ("😭", "loudly crying face", "crying face", "faces", ("sobbing face",), ("weeping face",)),
    ("😈", "smiling face with horns", "devil", "faces", (), ("imp",)),
    ("🤡", "clown face", "clown", "faces", (), ("jester",)),
    ("👻", "ghost", "ghost", "faces", (), ("phantom",)),
    ("💀", "skull", "skull", "faces", (), ("cranium",)),
    ("👽", "alien", "alien", "faces", (), ("extraterrestrial",)),
    ("🤖", "robot", "robot", "faces", (), ("android",)),
    # symbols
    ("❤", "red heart", "heart", "symbols", ("red heart",), ("love heart",)),
    ("⚠", "warning", "warning sign", "symbols", ("caution sign",), ("hazard sign",)),
    ("⛔", "no entry", "no entry sign", "symbols", (), ("do not enter sign",)),
    ("♻", "recycling symbol", "recycling symbol", "symbols", ("recycling sign",), ()),
    ("✅", "check mark button", "check mark", "symbols", ("tick",), ("checkmark",)),
    ("❌", "cross mark", "cross mark", "symbols", (), ("x mark",)),
    ("❓", "red question mark", "question mark", "symbols", (), ()),
    ("❗", "red exclamation mark", "exclamation mark", "symbols", ("exclamation point",), ()),
    ("💬", "speech balloon", "speech bubble", "symbols", ("speech balloon",), ("chat bubble",)),
    ("🎵", "musical note", "music note", "symbols", ("musical note",), ()),
    # buildings and places
    ("🏠", "house", "house", "buildings", (), ("cottage",)),
    ("🏰", "castle", "castle", "buildings", (), ("fortress",)),
    ("⛪", "church", "church", "buildings", (), ("chapel",)),
    ("🏭", "factory", "factory", "buildings", (), ()),
    ("⛺", "tent", "tent", "buildings", (), ()),
    ("🎪", "circus tent", "circus tent", "buildings", (), ()),
    ("🎡", "ferris wheel", "ferris wheel", "buildings", (), ()),
    ("⛲", "fountain", "fountain", "buildings", (), ()),
    ("🌋", "volcano", "volcano/volcanoes", "buildings", (), ()),
    ("🗻", "mount fuji", "mountain", "buildings", ("mount fuji/mount fujis",), ("peak",)),
]

# Words that carry another meaning in the caption language (muralist/train/captions.py); a noun may
# not consist of them. Kept here, not imported, so the script runs without the package installed.
RESERVED = {
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
    "black",
    "white",
    "gray",
    "grey",
    "cyan",
    "sky",
    "grass",
    "sand",
    "water",
    "brick",
    "sea",
    "lawn",
    "ocean",
    "meadow",
    "beach",
    "desert",
    "bricks",
    "background",
    "backdrop",
    "small",
    "little",
    "large",
    "big",
    "tiny",
    "huge",
    "giant",
    "left",
    "right",
    "top",
    "bottom",
    "centre",
    "center",
    "middle",
    "above",
    "below",
    "under",
    "over",
    "beneath",
    "beside",
    "next",
    "a",
    "an",
    "the",
    "one",
    "two",
    "three",
    "and",
    "on",
    "in",
    "with",
    "against",
    "of",
    "to",
}


def plural(word: str) -> str:
    """Regular English plural of the last word (irregular ones are spelt out in the table)."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def forms(spec: str) -> tuple[str, str]:
    singular, _, pl = spec.partition("/")
    return singular, pl or plural(singular)


def names_entries() -> list[dict]:
    entries = []
    for index, (char, cldr, noun, category, synonyms, paraphrases) in enumerate(EMOJI):
        singular, pl = forms(noun)
        entries.append(
            {
                "index": index,
                "emoji": char,
                "codepoints": [f"U+{ord(c):04X}" for c in char],
                "cldr_name": cldr,
                "name": singular,
                "plural": pl,
                "category": category,
                "synonyms": dict(forms(s) for s in synonyms),
                "paraphrases": dict(forms(s) for s in paraphrases),
            }
        )
    check(entries)
    return entries


def check(entries: list[dict]) -> None:
    """Fail loudly on a table that would make the caption language ambiguous."""
    owner: dict[str, str] = {}
    for e in entries:
        surface = [e["name"], e["plural"], *e["synonyms"].items(), *e["paraphrases"].items()]
        for form in (w for s in surface for w in (s if isinstance(s, tuple) else (s,))):
            if form != form.lower() or not form.strip():
                raise ValueError(f"{e['name']}: surface form {form!r} must be lower case")
            if set(form.split()) <= RESERVED:
                raise ValueError(f"{e['name']}: {form!r} consists of reserved caption words")
            if owner.setdefault(form, e["name"]) != e["name"]:
                raise ValueError(f"{form!r} names both {owner[form]} and {e['name']}")
    if len({e["emoji"] for e in entries}) != len(entries):
        raise ValueError("an emoji appears twice in the table")


def render_glyph(font: ImageFont.FreeTypeFont, char: str, size: int) -> Image.Image:
    """The glyph's colour bitmap trimmed to its alpha bounding box, at most size x size.

    The font's own pixels are kept unresampled (its 109 ppem strike already fits a 128 px cell), which
    keeps the atlas sharp and its PNG small; only a glyph larger than the cell is scaled down.
    """
    canvas = Image.new("RGBA", (FONT_SIZE * 2, FONT_SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((8, 8), char, font=font, embedded_color=True)
    bbox = canvas.getchannel("A").getbbox()
    if bbox is None:
        raise ValueError(f"the font has no colour glyph for {char!r} (U+{ord(char):04X})")
    glyph = canvas.crop(bbox)
    scale = size / max(glyph.size)
    if scale < 1:
        new = (max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale)))
        # Premultiplied alpha, so transparent pixels' colour does not bleed into the edges.
        glyph = glyph.convert("RGBa").resize(new, Image.Resampling.LANCZOS).convert("RGBA")
    return glyph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--font", type=Path, default=FONT)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--sprite-size", type=int, default=SPRITE)
    args = parser.parse_args()

    entries = names_entries()
    font = ImageFont.truetype(str(args.font), size=FONT_SIZE, layout_engine=ImageFont.Layout.BASIC)
    size = args.sprite_size
    rows = -(-len(entries) // COLUMNS)
    atlas = Image.new("RGBA", (COLUMNS * size, rows * size), (0, 0, 0, 0))
    for e in entries:
        row, col = divmod(e["index"], COLUMNS)
        glyph = render_glyph(font, e["emoji"], size)
        # Centred in its cell; the box (cell coordinates) lets readers crop the sprite back out.
        x0, y0 = (size - glyph.width) // 2, (size - glyph.height) // 2
        atlas.paste(glyph, (col * size + x0, row * size + y0))
        e["bbox"] = [x0, y0, x0 + glyph.width, y0 + glyph.height]

    args.out.mkdir(parents=True, exist_ok=True)
    atlas.save(args.out / "emoji_atlas.png", optimize=True)
    meta = {
        "source": "Noto Color Emoji (Debian fonts-noto-color-emoji), Apache-2.0; see LICENSE-noto-emoji.txt",
        "sprite_size": size,
        "columns": COLUMNS,
        "count": len(entries),
        "categories": sorted({e["category"] for e in entries}),
        "emoji": entries,
    }
    text = json.dumps(meta, ensure_ascii=False, indent=1)
    (args.out / "emoji_names.json").write_text(text + "\n", encoding="utf-8")
    print(f"{len(entries)} emoji, {len(meta['categories'])} categories -> {args.out}")


if __name__ == "__main__":
    main()
