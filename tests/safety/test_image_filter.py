"""The image post-filter with the real NudeNet detector, on crafted inputs.

crafted_nudenet_trigger.png is an abstract colour pattern tuned against NudeNet until it reports
FEMALE_BREAST_EXPOSED at about 0.70, with a second box at about 0.29 (tests/safety/data/
craft_nudenet_trigger.py); blended half-and-half with grey only one box remains, at about 0.52. The
policy blocks that label at 0.60 and holds it at 0.35, but only with a second detection in the image.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from muralist.safety.image_filter import ImageFilter, Route, route, screen_image
from muralist.safety.policy import DEFAULT_POLICY_DIR, load_policy
from muralist.safety.verdict import Category, Decision, Stage

TRIGGER = Path(__file__).parent / "data" / "crafted_nudenet_trigger.png"


def emoji_scene() -> Image.Image:
    """Like the built-in model's pictures: a coloured background with two round shapes."""
    image = Image.new("RGB", (64, 64), (90, 60, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 20, 26, 40), fill=(220, 30, 40))
    draw.ellipse((36, 18, 58, 40), fill=(250, 200, 40))
    return image


@pytest.mark.parametrize(
    "image",
    [emoji_scene(), Image.new("RGB", (512, 512), (210, 180, 150)), Image.new("L", (300, 200), 128)],
    ids=["emoji-scene", "skin-coloured-square", "greyscale"],
)
def test_ordinary_images_are_delivered(image_filter: ImageFilter, image: Image.Image) -> None:
    verdict = image_filter.screen(image)
    assert verdict.decision == Decision.ALLOW, verdict
    assert route(verdict) == Route.DELIVER
    assert verdict.stage == Stage.IMAGE


def test_crafted_trigger_is_withheld_with_a_clear_message(image_filter: ImageFilter) -> None:
    image = Image.open(TRIGGER)
    detections = image_filter.detect(image)
    assert any(d.label == "FEMALE_BREAST_EXPOSED" and d.score > 0.6 for d in detections), detections
    verdict = image_filter.screen(image)
    assert (verdict.decision, verdict.category) == (Decision.BLOCK, Category.SEXUAL)
    assert route(verdict) == Route.WITHHOLD
    assert verdict.user_message() == (
        "This image was withheld by the content policy (sexual) and will not be delivered."
    )
    assert verdict.policy_version == image_filter.policy.version
    assert verdict.reasons == ("nudenet:FEMALE_BREAST_EXPOSED>=block",)


def held_filter(image_filter: ImageFilter, tmp_path: Path) -> ImageFilter:
    """The shipped policy with the breast block threshold raised to 0.90, as an operator might."""
    folder = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, folder)
    text = (folder / "policy.toml").read_text()
    section = text.index("[image.labels.FEMALE_BREAST_EXPOSED]")
    head, tail = text[:section], text[section:]
    (folder / "policy.toml").write_text(head + tail.replace("block = 0.60", "block = 0.90", 1))
    return ImageFilter(load_policy(folder), detector=image_filter.detector)


def test_between_the_thresholds_the_image_is_held_for_review(image_filter: ImageFilter, tmp_path: Path) -> None:
    strict = held_filter(image_filter, tmp_path)
    verdict = strict.screen(Image.open(TRIGGER))
    assert verdict.decision == Decision.REVIEW
    assert route(verdict) == Route.HOLD
    assert "held for review" in verdict.user_message()
    assert verdict.policy_version != image_filter.policy.version  # the edit shows in the version


def test_a_lone_detection_with_no_second_body_part_passes(image_filter: ImageFilter) -> None:
    # The built-in model's skull emoji reads as FEMALE_BREAST_EXPOSED 0.86 with nothing else found;
    # the faded trigger is the same situation: one box, no body around it.
    faded = Image.blend(Image.new("RGB", (320, 320), (128, 128, 128)), Image.open(TRIGGER).convert("RGB"), 0.5)
    boxes = image_filter.detect(faded)
    assert [d.label for d in boxes] == ["FEMALE_BREAST_EXPOSED"] and boxes[0].score > 0.35
    assert image_filter.screen(faded).allowed


def test_colour_order_reaches_the_detector_intact(image_filter: ImageFilter) -> None:
    # The trigger was tuned in RGB; with red and blue swapped it no longer fires. A filter that fed
    # NudeNet the wrong channel order would pass the swapped image and miss the real one.
    r, g, b = Image.open(TRIGGER).convert("RGB").split()
    swapped = Image.merge("RGB", (b, g, r))
    assert image_filter.screen(Image.open(TRIGGER)).blocked
    assert not image_filter.screen(swapped).blocked


def test_screen_image_uses_the_shipped_policy() -> None:
    assert screen_image(emoji_scene()).allowed
    with pytest.raises(TypeError, match="expects a PIL.Image.Image, got ndarray"):
        import numpy as np

        screen_image(np.zeros((8, 8, 3)))  # type: ignore[arg-type]


def test_the_built_in_models_peaches_are_not_buttocks(image_filter: ImageFilter) -> None:
    # NudeNet reads a 64 px peach emoji as BUTTOCKS_EXPOSED (0.73 on the first scene): the policy's
    # thresholds were calibrated on the built-in model's training renders so that such scenes pass.
    from muralist.eval.quality import parse_prompts, reference_images

    prompts = [
        "a big lion right of a large peach with a black background",
        "a fountain above a small peach against a green background",
    ]
    parsed = parse_prompts(prompts)
    assert not parsed.unparsed, parsed.unparsed
    images = [Image.fromarray(pixels) for pixels in reference_images(parsed.items)]
    first = max((d.score for d in image_filter.detect(images[0]) if d.label == "BUTTOCKS_EXPOSED"), default=0.0)
    assert first > 0.5  # the detector does fire ...
    assert all(image_filter.screen(image).allowed for image in images)  # ... and the policy lets it pass
