"""Images: the tenant's gallery, one image, its download, and the jobs made from it (upscale, variations)."""

from __future__ import annotations

import base64
import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from muralist.api.deps import AppState, Caller, State
from muralist.api.problems import ProblemError, not_found
from muralist.api.render import base_url, image_out
from muralist.api.routes.generations import ERRORS, IdempotencyKey, accepted, random_seed, request_hash
from muralist.api.schemas import GalleryPage, ImageOut, JobOut, Problem, UpscaleRequest, VariationRequest
from muralist.gateway import records
from muralist.gateway.auth import Principal
from muralist.gateway.records import ImageRow
from muralist.queue.store import Intake
from muralist.types import GenerationParams, Kind

router = APIRouter(prefix="/api/v1/images", tags=["images"])
JOB_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": Problem, "description": "beyond the tier's budget"},
    409: {"model": Problem, "description": "the image is held for review"},
    429: {"model": Problem, "description": "daily quota or rate limit; see Retry-After"},
}
UPSCALE = 4


def _image(state: AppState, who: Principal, image_id: str) -> ImageRow:
    image = records.image_row(state.store.engine, who.tenant_id, image_id)
    if image is None:
        raise not_found("image", image_id)
    return image


def _delivered(state: AppState, who: Principal, image_id: str) -> ImageRow:
    image = _image(state, who, image_id)
    if not image.delivered:
        raise ProblemError(409, f"image {image_id} is held for review by a moderator; it cannot be used yet")
    return image


def _cursor(text: str | None) -> tuple[float, str] | None:
    if not text:
        return None
    try:
        at, _, last_id = base64.urlsafe_b64decode(text.encode()).decode().partition(" ")
        return float(at), last_id
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(
            422, "cursor: pass back the next_cursor of the previous page unchanged", field="cursor"
        ) from None


@router.get("", response_model=GalleryPage, responses=ERRORS)
def gallery(
    state: State,
    who: Caller,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> GalleryPage:
    """The tenant's delivered images, newest first."""
    rows = records.gallery(state.store.engine, who.tenant_id, limit + 1, _cursor(cursor))
    page, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more:
        last = page[-1]
        next_cursor = base64.urlsafe_b64encode(f"{last.created_at!r} {last.id}".encode()).decode()
    base = base_url(state, request)
    return GalleryPage(data=[image_out(state, base, who.tenant_id, im) for im in page], next_cursor=next_cursor)


@router.get("/{image_id}", response_model=ImageOut, responses=ERRORS)
def get_image(image_id: str, state: State, who: Caller, request: Request) -> ImageOut:
    return image_out(state, base_url(state, request), who.tenant_id, _image(state, who, image_id))


@router.get(
    "/{image_id}/download",
    responses={**ERRORS, 200: {"content": {"image/png": {}}, "description": "the PNG"}, 409: {"model": Problem}},
)
def download_image(image_id: str, state: State, who: Caller) -> Response:
    image = _delivered(state, who, image_id)
    headers = {
        "Content-Disposition": f'attachment; filename="muralist-{image.id}.png"',
        "ETag": f'"{image.content_hash}"',
        "Cache-Control": "private, max-age=31536000, immutable",
    }
    return Response(state.objects.get(image.object_key), media_type="image/png", headers=headers)


def _from(image: ImageRow) -> GenerationParams:
    return GenerationParams.from_dict(image.params)


@router.post("/{image_id}/upscale", status_code=202, response_model=JobOut, responses=JOB_ERRORS)
def upscale(
    image_id: str,
    state: State,
    who: Caller,
    request: Request,
    response: Response,
    body: UpscaleRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> JobOut:
    """Queue a 4x upscale of one image: the model's own upscaler if it ships one (the image's `upscaler`
    says network-x4), else Lanczos (lanczos-x4)."""
    image = _delivered(state, who, image_id)
    parent = _from(image)
    if parent.kind == Kind.UPSCALE:
        raise ProblemError(422, f"image {image_id} is already an upscale; upscale its parent instead", field="id")
    params = dataclasses.replace(
        parent,
        kind=Kind.UPSCALE,
        init_image="sha256:" + image.content_hash,
        mask=None,
        strength=None,
        width=parent.width * UPSCALE,
        height=parent.height * UPSCALE,
        n=1,
    )
    body = body or UpscaleRequest.model_validate({})
    intake = Intake(
        idempotency_key=idempotency_key, request_hash=request_hash(["upscale", image_id]), webhook_url=body.webhook_url
    )
    return accepted(state, request, response, who, state.gateway.admit(who, params, intake))


@router.post("/{image_id}/variations", status_code=202, response_model=JobOut, responses=JOB_ERRORS)
def variations(
    image_id: str,
    state: State,
    who: Caller,
    request: Request,
    response: Response,
    body: VariationRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> JobOut:
    """Queue subtle variations of one image: its prompt and settings, redrawn from the image at low strength."""
    image = _delivered(state, who, image_id)
    parent = _from(image)
    if parent.kind == Kind.UPSCALE:
        raise ProblemError(422, f"image {image_id} is an upscale; ask for variations of its parent", field="id")
    body = body or VariationRequest.model_validate({})
    params = dataclasses.replace(
        parent,
        kind=Kind.VARIATION,
        init_image="sha256:" + image.content_hash,
        mask=None,
        strength=body.strength,
        n=body.n,
        seed=body.seed if body.seed is not None else random_seed(),
    )
    digest = request_hash(["variations", image_id, body.model_dump()])
    intake = Intake(idempotency_key=idempotency_key, request_hash=digest, webhook_url=body.webhook_url)
    return accepted(state, request, response, who, state.gateway.admit(who, params, intake))
