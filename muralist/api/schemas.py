"""Wire schemas: what clients send and receive. Separate from the tables (queue/tables.py) on purpose:
the database can change without breaking a client, and no column leaks by accident."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from muralist.types import MAX_IMAGES, MAX_SEED, JobStatus, Sampler

MAX_PROMPT_CHARS = 2000
MAX_SIDE = 4096


class Problem(BaseModel):
    """RFC 9457 problem details; `field` names the part of the request that was wrong."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


class GenerationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, description="what to draw")
    negative_prompt: str = Field("", max_length=MAX_PROMPT_CHARS, description="what to steer away from")
    n: int = Field(4, ge=1, le=MAX_IMAGES, description="images, each with seed + i")
    width: int | None = Field(None, ge=8, le=MAX_SIDE, description="default: the model's base size")
    height: int | None = Field(None, ge=8, le=MAX_SIDE)
    steps: int = Field(30, ge=1, le=1000, description="more than the tier's step budget is refused (403)")
    sampler: Sampler = Sampler.DDIM
    guidance_scale: float = Field(7.5, ge=0, le=50)
    seed: int | None = Field(None, ge=0, le=MAX_SEED - MAX_IMAGES, description="default: random, recorded")
    model: str | None = Field(None, min_length=1, max_length=200, description="default: the server's model")
    webhook_url: str | None = Field(
        None, max_length=2000, pattern=r"^https?://[^\s]+$", description="POSTed the finished job, HMAC-signed"
    )


class VariationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int = Field(4, ge=1, le=MAX_IMAGES)
    strength: float = Field(0.35, gt=0, le=1, description="how much of the image to redraw; small is subtle")
    seed: int | None = Field(None, ge=0, le=MAX_SEED - MAX_IMAGES)
    webhook_url: str | None = Field(None, max_length=2000, pattern=r"^https?://[^\s]+$")


class UpscaleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_url: str | None = Field(None, max_length=2000, pattern=r"^https?://[^\s]+$")


class ImageOut(BaseModel):
    id: str
    job_id: str
    index: int
    status: Literal["delivered", "held"]
    url: str | None = Field(description="signed, expiring, cacheable forever; None while held for review")
    download_url: str = Field(description="the PNG through the API (bearer key), as an attachment")
    width: int
    height: int
    seed: int
    kind: str
    parent_image_id: str | None
    upscaler: str | None = Field(None, description="upscales: network-x4 (the model's own) or lanczos-x4")
    created_at: float


class Progress(BaseModel):
    step: int
    total: int


class JobOut(BaseModel):
    id: str
    status: JobStatus
    kind: str
    tier: str
    step_budget: int = Field(description="steps per image the engine may run, from the tier")
    progress: Progress
    params: dict[str, Any]
    images: list[ImageOut]
    error: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    events_url: str


class GalleryPage(BaseModel):
    data: list[ImageOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; None on the last")


class ReviewItemOut(BaseModel):
    id: str
    job_id: str
    image_id: str
    tenant_id: str
    verdict: dict[str, Any]
    state: str
    created_at: float
    preview_url: str = Field(description="the held image (admin key)")


class ReviewDecision(BaseModel):
    id: str
    state: Literal["approved", "rejected"]
    job_status: JobStatus


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str]


# --- OpenAI Images API (https://platform.openai.com/docs/api-reference/images) ---


class OpenAIGenerationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # quality, style, user, …: accepted, meaningless here

    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    model: str | None = Field(None, max_length=200)
    n: int | None = Field(1, ge=1, le=MAX_IMAGES)
    size: str | None = Field(None, max_length=20, description="WIDTHxHEIGHT, e.g. 64x64; default the model's")
    response_format: Literal["url", "b64_json"] | None = "url"


class OpenAIImage(BaseModel):
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class OpenAIImagesResponse(BaseModel):
    created: int
    data: list[OpenAIImage]
