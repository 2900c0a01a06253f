"""From verdict to object store: only allowed images land where delivery can find them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from muralist.safety.holding import approve, held, keep_screened, reject
from muralist.safety.image_filter import ImageFilter, Route
from muralist.safety.verdict import Category, Decision, Stage, Verdict
from muralist.storage.objects import LocalStore

TRIGGER = Path(__file__).parent / "data" / "crafted_nudenet_trigger.png"


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_blocked_image_is_never_stored_and_the_user_is_told(tmp_path: Path, image_filter: ImageFilter) -> None:
    store = LocalStore(tmp_path)
    image = Image.open(TRIGGER)
    kept = keep_screened(png(image), image_filter.screen(image), store)
    assert kept.route == Route.WITHHOLD and kept.key is None
    assert "withheld by the content policy" in kept.message
    assert store.list("images/") == [] and held(store) == []


def test_allowed_image_is_delivered(tmp_path: Path, image_filter: ImageFilter) -> None:
    store = LocalStore(tmp_path)
    image = Image.new("RGB", (64, 64), (20, 120, 200))
    data = png(image)
    kept = keep_screened(data, image_filter.screen(image), store)
    assert kept.route == Route.DELIVER and kept.message == ""
    assert kept.key is not None and kept.key.startswith("images/")
    assert store.get(kept.key) == data


def held_verdict(image_filter: ImageFilter) -> Verdict:
    return Verdict(Decision.REVIEW, Category.SEXUAL, 0.5, Stage.IMAGE, image_filter.policy.version)


def test_held_image_waits_for_a_moderator(tmp_path: Path, image_filter: ImageFilter) -> None:
    store = LocalStore(tmp_path)
    data = png(Image.new("RGB", (32, 32), (200, 150, 120)))
    kept = keep_screened(data, held_verdict(image_filter), store)
    assert kept.route == Route.HOLD
    assert held(store) == [kept.key] and store.list("images/") == []  # not deliverable while held

    delivered = approve(store, held(store)[0])
    assert delivered.startswith("images/") and store.get(delivered) == data
    assert held(store) == []


def test_rejected_image_is_gone(tmp_path: Path, image_filter: ImageFilter) -> None:
    store = LocalStore(tmp_path)
    keep_screened(png(Image.new("RGB", (32, 32), (10, 10, 10))), held_verdict(image_filter), store)
    reject(store, held(store)[0])
    assert held(store) == [] and store.list("images/") == []
    with pytest.raises(ValueError, match="expected a key under held/"):
        approve(store, "images/abc.png")
