"""The image post-filter: decoded image → Verdict, before anything is stored where it can be delivered.

Every decoded image goes through NudeNet's detector (the `nudenet` package ships its ONNX model,
320 px, 18 body-part labels). The policy maps the labels that matter to a category with a review
and a block threshold on the detector's confidence (policy.toml, [image.labels.*]); other labels
(faces, covered parts, feet) are not judged, but they corroborate: an exposed breast or buttocks
counts only when the detector finds a second body part (another box, of any label), because on the
built-in model's pictures NudeNet reads lone round shapes (a skull emoji, a billiard ball) as
breasts at up to 0.86, while a person in a photograph brings more than one box.
What happens next is `route(verdict)`:

    allow  → deliver    store the image under its delivery key
    review → hold       keep it out of delivery until a moderator approves it
    block  → withhold   never store it where it can be delivered; show the user verdict.user_message()
"""

from __future__ import annotations

import enum
import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from muralist.safety.policy import Policy, load_policy
from muralist.safety.verdict import Category, Decision, Stage, Verdict, strictest


@dataclass(frozen=True)
class Detection:
    label: str  # NudeNet's label, e.g. "FEMALE_BREAST_EXPOSED"
    score: float
    box: tuple[int, int, int, int]  # x, y, width, height in the image's pixels


class Route(enum.StrEnum):
    DELIVER = "deliver"
    HOLD = "hold"
    WITHHOLD = "withhold"


def route(verdict: Verdict) -> Route:
    """Where an image with this verdict may go."""
    return {Decision.ALLOW: Route.DELIVER, Decision.REVIEW: Route.HOLD, Decision.BLOCK: Route.WITHHOLD}[
        verdict.decision
    ]


class ImageFilter:
    def __init__(self, policy: Policy, detector: Any = None):
        """`detector`: anything with NudeNet's `detect(array) -> [{"class", "score", "box"}]`; default NudeNet."""
        self.policy = policy
        if detector is None:
            from nudenet import NudeDetector

            detector = NudeDetector()
        self.detector = detector

    @classmethod
    def load(cls, policy_dir: Path | None = None) -> ImageFilter:
        return cls(load_policy(policy_dir))

    def detect(self, image: Image.Image) -> list[Detection]:
        if not isinstance(image, Image.Image):
            raise TypeError(f"screen_image expects a PIL.Image.Image, got {type(image).__name__}")
        # NudeNet converts its input with OpenCV's RGBA→BGR (and back to RGB for the network), so an
        # RGBA array keeps the colours right whatever mode the image came in.
        pixels = np.asarray(image.convert("RGBA"))
        return [
            Detection(str(d["class"]), float(d["score"]), tuple(int(v) for v in d["box"]))  # type: ignore[arg-type]
            for d in self.detector.detect(pixels)
        ]

    def screen(self, image: Image.Image) -> Verdict:
        p = self.policy
        detections = self.detect(image)
        scores: dict[str, float] = {}
        for d in detections:
            scores[d.label] = max(scores.get(d.label, 0.0), d.score)
        verdicts = []
        for label, score in scores.items():
            rule = p.image_labels.get(label)
            if rule is None:
                continue
            if rule.corroborate and sum(d.score >= p.image_corroboration_min for d in detections) < 2:
                continue  # a lone "breast" on a skull emoji or a billiard ball: no second body part
            decision = Decision.BLOCK if score >= rule.block else Decision.REVIEW if score >= rule.review else None
            if decision is not None:
                reason = f"nudenet:{label}>={decision.value}"
                verdicts.append(Verdict(decision, rule.category, score, Stage.IMAGE, p.version, (reason,), scores))
        if not verdicts:
            return Verdict(Decision.ALLOW, Category.NONE, 0.0, Stage.IMAGE, p.version, (), scores)
        top = strictest(verdicts)
        reasons = tuple(r for v in verdicts if v.decision == top.decision for r in v.reasons)
        return Verdict(top.decision, top.category, top.score, Stage.IMAGE, p.version, reasons, scores)


_lock = threading.Lock()


@functools.cache
def default_image_filter() -> ImageFilter:
    """The shipped policy with NudeNet; built once per process."""
    with _lock:
        return ImageFilter.load()


def screen_image(image: Image.Image) -> Verdict:
    """Screen one decoded image with the shipped policy."""
    return default_image_filter().screen(image)
