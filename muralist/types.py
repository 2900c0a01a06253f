"""Shared vocabulary: the parameters of a generation and the names of things.

`GenerationParams` is a contract (DESIGN.md §4): every delivered image records all of it, so that
any image can be regenerated bit for bit. Validation here checks only what can be checked without a
model; `engine.pipeline` checks sizes against the model's VAE factor.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from muralist.errors import UserError


class Sampler(enum.StrEnum):
    DDIM = "ddim"
    EULER = "euler"
    EULER_A = "euler_a"
    DPMPP_2M = "dpmpp_2m"
    DPMPP_2M_KARRAS = "dpmpp_2m_karras"


class Kind(enum.StrEnum):
    TXT2IMG = "txt2img"
    IMG2IMG = "img2img"
    INPAINT = "inpaint"
    UPSCALE = "upscale"
    VARIATION = "variation"


class Tier(enum.StrEnum):
    """What a tenant pays for (DESIGN.md §6): it sets the step budget, quota and queue lane."""

    FREE = "free"
    PAID = "paid"
    PRO = "pro"


class Lane(enum.StrEnum):
    """A queue lane; lanes share the workers by weight (4:2:1 by default)."""

    PRO = "pro"
    PAID = "paid"
    FREE = "free"


class JobStatus(enum.StrEnum):
    """A job's state (DESIGN.md §4); only the queue store changes it."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHING = "finishing"
    SUCCEEDED = "succeeded"
    BLOCKED = "blocked"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REVIEW = "review"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.BLOCKED, JobStatus.FAILED, JobStatus.CANCELLED)


MAX_SEED = 2**63 - 1
MAX_IMAGES = 4


@dataclass(frozen=True)
class GenerationParams:
    """Everything that decides the pixels of a generation.

    Image i of a request uses seed `seed + i`; `for_image(i)` gives the parameters that regenerate
    that image alone. `init_image` and `mask` are recorded as the SHA-256 of their file bytes.
    """

    prompt: str
    model: str
    seed: int
    width: int
    height: int
    steps: int = 30
    sampler: Sampler = Sampler.DDIM
    guidance_scale: float = 7.5
    negative_prompt: str = ""
    n: int = 1
    eta: float = 0.0
    kind: Kind = Kind.TXT2IMG
    init_image: str | None = None
    mask: str | None = None
    strength: float | None = None

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise UserError("invalid generation parameters: " + "; ".join(problems))

    def for_image(self, index: int) -> GenerationParams:
        """The parameters that regenerate image `index` of this request on its own."""
        if not 0 <= index < self.n:
            raise ValueError(f"image index {index} is outside 0..{self.n - 1}")
        return dataclasses.replace(self, seed=self.seed + index, n=1)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationParams:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UserError(f"unknown generation parameters {unknown}; known: {sorted(known)}")
        values = dict(data)
        if "sampler" in values:
            values["sampler"] = parse_sampler(values["sampler"])
        if "kind" in values:
            values["kind"] = Kind(values["kind"])
        return cls(**values)

    def digest(self) -> str:
        """A stable SHA-256 of every parameter: equal digests mean equal images."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


def parse_sampler(name: str | Sampler) -> Sampler:
    try:
        return Sampler(name)
    except ValueError:
        choices = ", ".join(s.value for s in Sampler)
        raise UserError(f"unsupported sampler {name!r}; choose one of: {choices}") from None


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _problems(p: GenerationParams) -> Iterator[str]:
    if not p.prompt.strip():
        yield "prompt is empty"
    if not 1 <= p.n <= MAX_IMAGES:
        yield f"n must be 1..{MAX_IMAGES}, got {p.n}"
    if p.steps < 1:
        yield f"steps must be at least 1, got {p.steps}"
    if p.width < 1 or p.height < 1:
        yield f"size must be positive, got {p.width}x{p.height}"
    if not 0 <= p.seed <= MAX_SEED - MAX_IMAGES:
        yield f"seed must be 0..{MAX_SEED - MAX_IMAGES}, got {p.seed}"
    if not 0.0 <= p.guidance_scale <= 50.0:
        yield f"guidance_scale must be 0..50, got {p.guidance_scale}"
    if not 0.0 <= p.eta <= 1.0:
        yield f"eta must be 0..1, got {p.eta}"
    if p.eta and p.sampler != Sampler.DDIM:
        yield f"eta applies to the ddim sampler only, got eta={p.eta} with {p.sampler.value}"
    if p.kind in (Kind.IMG2IMG, Kind.INPAINT) and p.init_image is None:
        yield f"kind {p.kind.value} needs an init image"
    if p.kind == Kind.INPAINT and p.mask is None:
        yield "kind inpaint needs a mask"
    if p.kind == Kind.TXT2IMG and (p.init_image is not None or p.mask is not None):
        yield "txt2img takes no init image or mask"
    if p.kind == Kind.IMG2IMG and p.mask is not None:
        yield "a mask makes the request an inpaint, not img2img"
    if p.kind in (Kind.IMG2IMG, Kind.INPAINT):
        if p.strength is None or not 0.0 < p.strength <= 1.0:
            yield f"strength must be in (0, 1] for {p.kind.value}, got {p.strength}"
    elif p.strength is not None and p.kind == Kind.TXT2IMG:
        yield "strength applies to img2img and inpaint only"
