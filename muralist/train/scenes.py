"""Emoji scenes for the built-in model: a pure description, its layout, and a deterministic renderer.

A Scene is 1-3 groups of emoji (each group: one emoji drawn `count` times at a `size`) on a named
background colour or procedural texture. Where things go is stated by the scene, never by chance:

  * one group:    `position` in POSITIONS (its half of the canvas, or near the centre), or None
                  (anywhere);
  * two groups:   `relation` in RELATIONS ("above": group 0 in the top half, group 1 in the bottom
                  half; "left of": left/right halves; "next to": left/right halves in an order the
                  seed picks), or None (opposite halves, axis and order picked by the seed);
  * three groups: three of the four quadrants, picked by the seed.

`below` and `right of` are not stored: they are "above"/"left of" with the groups swapped (the
caption writer says them; see captions.py). Anything random (exact offsets, texture phases, shade
jitter) comes from `scene.seed`, so rendering is a pure function of the scene.

Rendering happens once, at NATIVE = 256 px. The 64 px image (and any size dividing 256) is the
exact box downsample of it: each output pixel is the mean of its f x f block, rounded half up, in
integer arithmetic. So the 64 and 256 px images of one scene always agree, and an upscaler's
training pair is (box(x), x).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from muralist.train import atlas

NATIVE = 256

# Plain backgrounds. Far apart in RGB so that a background is never mistaken for another, and
# each gets a small per-scene shade jitter so that "red" is a region of colour, not one value.
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (214, 40, 40),
    "orange": (245, 135, 30),
    "yellow": (245, 215, 55),
    "green": (60, 165, 70),
    "blue": (45, 95, 215),
    "purple": (125, 55, 175),
    "pink": (240, 135, 185),
    "brown": (125, 80, 45),
    "black": (22, 22, 22),
    "white": (242, 242, 242),
    "gray": (128, 128, 128),
    "cyan": (40, 200, 215),
}
TEXTURES: tuple[str, ...] = ("sky", "grass", "sand", "water", "brick")
BACKGROUNDS: tuple[str, ...] = (*COLOURS, *TEXTURES)

POSITIONS: tuple[str, ...] = ("left", "right", "top", "bottom", "centre")
RELATIONS: tuple[str, ...] = ("above", "left of", "next to")  # canonical; see module docstring
SIZES: dict[str, float] = {"small": 0.25, "medium": 0.34, "large": 0.46}  # sprite side / canvas side
MAX_COUNT = 3

# Layout constants, as fractions of the canvas side.
EDGE = 0.03  # free border at the canvas edge
MIDLINE = 0.015  # half the free gap between two halves
GAP = 0.02  # between copies in a group
CENTRE_JITTER = 0.05  # how far a "centre" group may stray from the exact centre

_LEFT = (EDGE, EDGE, 0.5 - MIDLINE, 1 - EDGE)
_RIGHT = (0.5 + MIDLINE, EDGE, 1 - EDGE, 1 - EDGE)
_TOP = (EDGE, EDGE, 1 - EDGE, 0.5 - MIDLINE)
_BOTTOM = (EDGE, 0.5 + MIDLINE, 1 - EDGE, 1 - EDGE)
_FULL = (EDGE, EDGE, 1 - EDGE, 1 - EDGE)
# Group boxes and the axis the copies line up along: halves that are tall stack copies vertically.
POSITION_BOXES: dict[str, tuple[tuple[float, float, float, float], str]] = {
    "left": (_LEFT, "v"),
    "right": (_RIGHT, "v"),
    "top": (_TOP, "h"),
    "bottom": (_BOTTOM, "h"),
    "centre": (_FULL, "h"),
}
_QUADRANTS = (
    (EDGE, EDGE, 0.5 - MIDLINE, 0.5 - MIDLINE),
    (0.5 + MIDLINE, EDGE, 1 - EDGE, 0.5 - MIDLINE),
    (EDGE, 0.5 + MIDLINE, 0.5 - MIDLINE, 1 - EDGE),
    (0.5 + MIDLINE, 0.5 + MIDLINE, 1 - EDGE, 1 - EDGE),
)


@dataclass(frozen=True, order=True)
class SceneObject:
    """One group: `count` copies of one emoji (its caption noun, see atlas.emoji_names())."""

    emoji: str
    count: int = 1
    size: str = "medium"  # "medium" is the size a caption leaves unsaid
    position: str | None = None  # only for a scene with one group


@dataclass(frozen=True)
class PromptSpec:
    """What a caption states: the attributes a prompt asks for, in canonical form.

    Canonical: relations are only RELATIONS (a "below" b is b "above" a), and where order carries no
    meaning (relation None or "next to") objects are sorted. `background` is None when a prompt
    does not name one.
    """

    objects: tuple[SceneObject, ...]
    background: str | None
    relation: str | None = None

    def __post_init__(self) -> None:
        _validate(self.objects, self.background, self.relation, background_required=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "objects": [asdict(o) for o in self.objects],
            "background": self.background,
            "relation": self.relation,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PromptSpec:
        return cls(tuple(SceneObject(**o) for o in d["objects"]), d["background"], d["relation"])


@dataclass(frozen=True)
class Scene:
    """A full scene: what a caption states plus the seed that fixes everything left unsaid."""

    background: str
    objects: tuple[SceneObject, ...]
    relation: str | None = None
    seed: int = field(default=0)

    def __post_init__(self) -> None:
        _validate(self.objects, self.background, self.relation, background_required=True)
        if not 0 <= self.seed < 2**63:
            raise ValueError(f"scene seed must be a non-negative 64-bit int, got {self.seed}")

    def spec(self) -> PromptSpec:
        return canonical_spec(self.objects, self.background, self.relation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "background": self.background,
            "objects": [asdict(o) for o in self.objects],
            "relation": self.relation,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scene:
        objects = tuple(SceneObject(**o) for o in d["objects"])
        return cls(d["background"], objects, d["relation"], int(d["seed"]))


def _validate(
    objects: tuple[SceneObject, ...],
    background: str | None,
    relation: str | None,
    *,
    background_required: bool,
) -> None:
    if background is None and background_required:
        raise ValueError("a scene needs a background")
    if background is not None and background not in BACKGROUNDS:
        raise ValueError(f"unknown background {background!r}; one of {BACKGROUNDS}")
    if not 1 <= len(objects) <= 3:
        raise ValueError(f"a scene holds 1 to 3 groups of emoji, got {len(objects)}")
    if len({o.emoji for o in objects}) != len(objects):
        raise ValueError("each emoji may appear in one group only (use count for copies)")
    for o in objects:
        atlas.info(o.emoji)  # raises KeyError naming the unknown emoji
        if not 1 <= o.count <= MAX_COUNT:
            raise ValueError(f"count must be 1..{MAX_COUNT}, got {o.count}")
        if o.size not in SIZES:
            raise ValueError(f"unknown size {o.size!r}; one of {tuple(SIZES)}")
        if o.position is not None and (o.position not in POSITIONS or len(objects) != 1):
            raise ValueError(f"position {o.position!r}: one of {POSITIONS}, and only for a lone group")
    if relation is not None and (relation not in RELATIONS or len(objects) != 2):
        raise ValueError(f"relation {relation!r}: one of {RELATIONS}, and only between two groups")


_INVERSE = {"below": "above", "right of": "left of"}


def canonical_spec(objects: tuple[SceneObject, ...], background: str | None, relation: str | None) -> PromptSpec:
    """The PromptSpec for objects in the order a caption names them, with any surface relation."""
    if relation in _INVERSE:
        objects, relation = (objects[1], objects[0]), _INVERSE[relation]
    if relation is None or relation == "next to":
        objects = tuple(sorted(objects))
    return PromptSpec(tuple(objects), background, relation)


# ---- layout -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One drawn sprite: the px x px square at (x, y) of the NATIVE canvas, for scene group `group`."""

    emoji: str
    group: int
    x: int
    y: int
    px: int

    def box(self, size: int = NATIVE) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the sprite's square on a size x size rendering."""
        k = size / NATIVE
        return (self.x * k, self.y * k, (self.x + self.px) * k, (self.y + self.px) * k)


def _place_group(
    rng: np.random.Generator,
    box: tuple[float, float, float, float],
    count: int,
    side: float,
    axis: str,
    centred: bool,
) -> list[tuple[float, float, float]]:
    """Top-left corners and side of `count` copies lined up along `axis` inside box (fractions).

    A size that does not fit the box shrinks until it does (so "three large cats on the left" is
    three cats as large as fit). A centred group sits within CENTRE_JITTER of the box centre;
    otherwise the group goes anywhere in the box, each copy with its own offset across the axis.
    """
    x0, y0, x1, y1 = box
    along, across = (x1 - x0, y1 - y0) if axis == "h" else (y1 - y0, x1 - x0)
    side = min(side, (along - (count - 1) * GAP) / count, across)
    length = count * side + (count - 1) * GAP
    free_along, free_across = along - length, across - side
    if centred:
        j_along, j_across = min(CENTRE_JITTER, free_along / 2), min(CENTRE_JITTER, free_across / 2)
        start = free_along / 2 + rng.uniform(-j_along, j_along)
        offset = free_across / 2 + rng.uniform(-j_across, j_across)
        offsets = [offset] * count
    else:
        start = rng.uniform(0, free_along)
        offsets = [rng.uniform(0, free_across) for _ in range(count)]
    out = []
    for i, off in enumerate(offsets):
        a = start + i * (side + GAP)
        x, y = (x0 + a, y0 + off) if axis == "h" else (x0 + off, y0 + a)
        out.append((x, y, side))
    return out


def layout(scene: Scene) -> list[Placement]:
    """Where every sprite of the scene goes; a pure function of the scene (seeded by scene.seed)."""
    rng = np.random.default_rng([scene.seed, 1])  # stream 1: geometry (stream 2: background)
    objs = scene.objects
    # (box, axis, centred) for each group, in scene order.
    slots: list[tuple[tuple[float, float, float, float], str, bool]]
    if len(objs) == 1:
        pos = objs[0].position
        if pos is None:
            slots = [(_FULL, "h" if rng.random() < 0.5 else "v", False)]
        else:
            box, axis = POSITION_BOXES[pos]
            slots = [(box, axis, pos == "centre")]
    elif len(objs) == 2:
        horizontal = [(_LEFT, "v", False), (_RIGHT, "v", False)]
        vertical = [(_TOP, "h", False), (_BOTTOM, "h", False)]
        if scene.relation == "above":
            slots = vertical
        elif scene.relation == "left of":
            slots = horizontal
        else:  # "next to" is side by side in either order; no relation may be either axis too
            pair = horizontal if scene.relation == "next to" or rng.random() < 0.5 else vertical
            slots = pair if rng.random() < 0.5 else pair[::-1]
    else:
        quadrants = rng.permutation(4)[:3]
        slots = [(_QUADRANTS[q], "h", False) for q in quadrants]

    placements = []
    for group, (obj, (box, axis, centred)) in enumerate(zip(objs, slots, strict=True)):
        for x, y, side in _place_group(rng, box, obj.count, SIZES[obj.size], axis, centred):
            px = max(1, round(side * NATIVE))
            # Round the corner, then keep the square on the canvas (rounding may push it 1 px out).
            xi = min(max(round(x * NATIVE), 0), NATIVE - px)
            yi = min(max(round(y * NATIVE), 0), NATIVE - px)
            placements.append(Placement(obj.emoji, group, xi, yi, px))
    return placements


# ---- backgrounds --------------------------------------------------------------------------------


@cache
def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates of the native canvas, as floats (read-only, shared)."""
    yy, xx = np.mgrid[0:NATIVE, 0:NATIVE].astype(np.float64)
    yy.flags.writeable = xx.flags.writeable = False
    return yy, xx


def background_array(name: str, seed: int) -> np.ndarray:
    """The NATIVE x NATIVE x 3 uint8 background; textures get their phases from the seed."""
    rng = np.random.default_rng([seed, 2])
    n = NATIVE
    if name in COLOURS:
        shade = np.clip(np.asarray(COLOURS[name]) + rng.integers(-6, 7, size=3), 0, 255)
        return np.broadcast_to(shade.astype(np.uint8), (n, n, 3)).copy()
    yy, xx = _grid()
    img: np.ndarray
    if name == "sky":
        # Light-to-deeper blue gradient with two or three faint soft clouds.
        t = yy[..., None] / (n - 1)
        img = np.array([95.0, 160, 232]) * (1 - t) + np.array([178.0, 216, 246]) * t
        for _ in range(int(rng.integers(2, 4))):
            cx, cy = rng.uniform(0, n), rng.uniform(0, n * 0.8)
            rx = rng.uniform(28, 60)
            ry = rx * rng.uniform(0.3, 0.5)
            cloud = 0.5 * np.exp(-(((xx - cx) / rx) ** 2) - ((yy - cy) / ry) ** 2)[..., None]
            img = img * (1 - cloud) + 250.0 * cloud
    elif name == "grass":
        # Vertical blade streaks (noise stretched 8x vertically) over fine noise.
        streaks = np.repeat(rng.normal(size=(n // 8 + 1, n)), 8, axis=0)[:n]
        v = 0.7 * streaks + 0.5 * rng.normal(size=(n, n))
        img = np.array([72.0, 148, 56]) + v[..., None] * np.array([16.0, 30, 12])
    elif name == "sand":
        # Warm beige with diagonal ripples and speckle.
        ripple = np.sin(2 * np.pi * (0.6 * xx + yy) / 24 + rng.uniform(0, 2 * np.pi))
        v = 7 * ripple + 9 * rng.normal(size=(n, n))
        img = np.array([226.0, 198, 142]) + v[..., None]
    elif name == "water":
        # Deep blue with light wavy crests.
        phase = rng.uniform(0, 2 * np.pi, size=2)
        w = np.sin(2 * np.pi * yy / 22 + 1.6 * np.sin(2 * np.pi * xx / 70 + phase[0]) + phase[1])
        crest = np.clip(w, 0, 1) ** 3
        img = np.array([32.0, 100, 182]) + crest[..., None] * np.array([75.0, 85, 62])
        img += 4 * rng.normal(size=(n, n))[..., None]
    elif name == "brick":
        # Running-bond bricks 64 x 32 px (16 x 8 at 64 px) with light mortar; each brick's shade varies.
        dx, dy = rng.integers(0, 64), rng.integers(0, 32)
        yi, xi = yy.astype(np.int64) + dy, xx.astype(np.int64) + dx
        row = yi // 32
        xs = xi + (row % 2) * 32
        col = xs // 64
        shades = rng.integers(-20, 21, size=(int(row.max()) + 1, int(col.max()) + 1))
        img = np.array([168.0, 66, 46]) + shades[row, col][..., None]
        mortar = (yi % 32 < 4) | (xs % 64 < 4)
        img[mortar] = (206.0, 200, 190)
    else:
        raise ValueError(f"unknown background {name!r}; one of {BACKGROUNDS}")
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


# ---- rendering ----------------------------------------------------------------------------------


def box_downsample(native: np.ndarray, size: int) -> np.ndarray:
    """Exact f x f block mean (f = NATIVE // size) of an (N, N, C) uint8 array, rounded half up."""
    n = native.shape[0]
    if n % size:
        raise ValueError(f"size {size} must divide {n}")
    f = n // size
    c = native.shape[2]
    total = native.reshape(size, f, size, f, c).astype(np.uint32).sum(axis=(1, 3))
    return ((total + (f * f) // 2) // (f * f)).astype(np.uint8)


def render_native(scene: Scene) -> np.ndarray:
    """The scene at NATIVE x NATIVE as an RGB uint8 array."""
    canvas = Image.fromarray(background_array(scene.background, scene.seed), "RGB").convert("RGBA")
    for p in layout(scene):
        canvas.alpha_composite(atlas.sprite_at(p.emoji, p.px), (p.x, p.y))
    return np.asarray(canvas.convert("RGB"))


def render(scene: Scene, size: int = 64) -> Image.Image:
    """The scene as an RGB image, size x size; size must divide NATIVE (64 and 256 are the ones used)."""
    native = render_native(scene)
    if size == NATIVE:
        return Image.fromarray(native, "RGB")
    return Image.fromarray(box_downsample(native, size), "RGB")


def render_pair(scene: Scene, low: int = 64) -> tuple[Image.Image, Image.Image]:
    """(low x low, NATIVE x NATIVE) renders of one scene from a single native render."""
    native = render_native(scene)
    return Image.fromarray(box_downsample(native, low), "RGB"), Image.fromarray(native, "RGB")


# ---- sampling -----------------------------------------------------------------------------------

# Sizes a count may take when sampling: copies of a large emoji do not fit a half of the canvas.
SAMPLE_SIZES_FOR_COUNT: dict[int, tuple[str, ...]] = {
    1: ("small", "medium", "large"),
    2: ("small", "medium"),
    3: ("small",),
}


def _sample_object(
    rng: np.random.Generator, emoji: str, counts: tuple[int, ...], count_p: tuple[float, ...]
) -> SceneObject:
    count = int(rng.choice(counts, p=count_p))
    sizes = SAMPLE_SIZES_FOR_COUNT[count]
    return SceneObject(emoji, count, str(sizes[rng.integers(len(sizes))]))


def sample_any_scene(rng: np.random.Generator) -> Scene:
    """A random scene from the full distribution (held-out compositions included)."""
    names = atlas.emoji_names()
    background = BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
    seed = int(rng.integers(0, 2**31))
    kind = rng.choice(3, p=(0.5, 0.4, 0.1))  # one group, two groups, three groups
    picks = [names[i] for i in rng.choice(len(names), size=int(kind) + 1, replace=False)]
    if kind == 0:
        obj = _sample_object(rng, picks[0], (1, 2, 3), (0.6, 0.25, 0.15))
        positions = (*POSITIONS, None)
        position = positions[rng.integers(len(positions))]
        return Scene(background, (SceneObject(obj.emoji, obj.count, obj.size, position),), None, seed)
    if kind == 1:
        objects = tuple(_sample_object(rng, e, (1, 2), (0.8, 0.2)) for e in picks)
        relations = (*RELATIONS, None)
        relation = relations[rng.choice(len(relations), p=(0.3, 0.3, 0.2, 0.2))]
        return Scene(background, objects, relation, seed)
    objects = tuple(_sample_object(rng, e, (1,), (1.0,)) for e in picks)
    return Scene(background, objects, None, seed)


def sample_scene(rng: np.random.Generator, split: str = "train") -> Scene:
    """A random scene from a split: "train" never yields a held-out composition (splits.py),
    "heldout" always contains one, "all" is the unfiltered distribution."""
    # Imported here: splits builds on this module's vocabulary, so it cannot be imported at the top.
    from muralist.train import splits

    if split == "all":
        return sample_any_scene(rng)
    if split == "train":
        while True:  # held-out compositions are a few percent of scenes, so this ends quickly
            scene = sample_any_scene(rng)
            if not splits.is_heldout(scene):
                return scene
    if split == "heldout":
        return splits.sample_heldout_scene(rng)
    raise ValueError(f"unknown split {split!r}; one of 'train', 'heldout', 'all'")
