"""Step-level checkpoints: a request's whole sampler state, every N steps, in the object store.

An object `checkpoints/<request>/<step>` holds a SHA-256 digest line and then the torch-saved state
of every sample of the request (latents, step, RNG state, multistep history) with the digest of
the request's parameters. On start a request resumes from its newest checkpoint that verifies and
was made for the same parameters; one that fails is skipped for the previous one (or step 0),
counted, and logged. A finished request's checkpoints are deleted.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field

import torch

from muralist.engine.samplers import SamplerState
from muralist.observability import metrics
from muralist.storage.objects import ObjectStore

log = logging.getLogger(__name__)


@dataclass
class CheckpointStats:
    """Counters an operator watches (digest failures mean a disk or a store is lying)."""

    written: int = 0
    resumed: int = 0
    digest_failures: int = 0
    write_seconds: list[float] = field(default_factory=list)


def key(request_id: str, step: int) -> str:
    return f"checkpoints/{request_id}/{step:06d}"


def encode(params_digest: str, step: int, states: list[SamplerState]) -> bytes:
    buffer = io.BytesIO()
    torch.save({"params": params_digest, "step": step, "samples": [s.to_dict() for s in states]}, buffer)
    payload = buffer.getvalue()
    return hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def decode(blob: bytes, params_digest: str) -> tuple[int, list[SamplerState]]:
    """Verify and unpack a checkpoint; ValueError says what is wrong with it."""
    digest, _, payload = blob.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise ValueError("SHA-256 digest does not match")
    data = torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    if data["params"] != params_digest:
        raise ValueError("made for other parameters")
    return int(data["step"]), [SamplerState.from_dict(s) for s in data["samples"]]


def save(store: ObjectStore, request_id: str, params_digest: str, states: list[SamplerState]) -> str:
    step = states[0].step
    name = key(request_id, step)
    with metrics.time_checkpoint_write():  # encode + put: what a step waits for
        store.put(name, encode(params_digest, step, states))
    return name


def load_newest(
    store: ObjectStore, request_id: str, params_digest: str, stats: CheckpointStats | None = None
) -> tuple[int, list[SamplerState]] | None:
    """The newest valid checkpoint of a request, or None (start at step 0)."""
    for name in reversed(store.list(f"checkpoints/{request_id}")):
        try:
            step, states = decode(store.get(name), params_digest)
        except (ValueError, RuntimeError, KeyError, EOFError) as exc:
            metrics.count_checkpoint_digest_failure()
            if stats is not None:
                stats.digest_failures += 1
            log.warning("skipping checkpoint %s: %s", name, exc)
            continue
        if stats is not None:
            stats.resumed += 1
        return step, states
    return None


def clear(store: ObjectStore, request_id: str) -> None:
    for name in store.list(f"checkpoints/{request_id}"):
        store.delete(name)
