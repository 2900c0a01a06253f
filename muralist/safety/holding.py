"""Where a screened image goes in the object store: delivered, held for a moderator, or nowhere.

    allow  → images/<sha256>.png    the delivery key; signed URLs point here
    review → held/<sha256>.png      never served; `approve` moves it to images/, `reject` deletes it
    block  → not stored at all      the caller records the verdict and shows verdict.user_message()

Only images/ is deliverable, so an image that was held or blocked cannot leak through a guessed URL.
The job's state (review, blocked) and the moderator's decision are the queue's to record; this
module only moves bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from muralist.safety.image_filter import Route, route
from muralist.safety.verdict import Verdict
from muralist.storage.objects import ObjectStore, content_key

DELIVERY_PREFIX = "images"
HELD_PREFIX = "held"


@dataclass(frozen=True)
class Kept:
    route: Route
    key: str | None  # where the bytes are now; None when withheld
    message: str  # for the person who asked; empty when delivered


def keep_screened(png: bytes, verdict: Verdict, store: ObjectStore) -> Kept:
    """Store `png` according to its image verdict."""
    where = route(verdict)
    if where is Route.WITHHOLD:
        return Kept(where, None, verdict.user_message())
    key = content_key(png, folder=DELIVERY_PREFIX if where is Route.DELIVER else HELD_PREFIX)
    store.put(key, png)
    return Kept(where, key, verdict.user_message())


def held(store: ObjectStore) -> list[str]:
    """Keys of the images waiting for a moderator."""
    return sorted(store.list(f"{HELD_PREFIX}/"))


def approve(store: ObjectStore, held_key: str) -> str:
    """Release a held image for delivery; returns its delivery key."""
    name = _held_name(held_key)
    key = f"{DELIVERY_PREFIX}/{name}"
    store.put(key, store.get(held_key))
    store.delete(held_key)
    return key


def reject(store: ObjectStore, held_key: str) -> None:
    """Drop a held image for good."""
    _held_name(held_key)
    store.delete(held_key)


def _held_name(held_key: str) -> str:
    prefix, _, name = held_key.partition("/")
    if prefix != HELD_PREFIX or not name:
        raise ValueError(f"expected a key under {HELD_PREFIX}/ (from held()), got {held_key!r}")
    return name
