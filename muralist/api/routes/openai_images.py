"""The OpenAI Images API: /v1/images/generations, /edits, /variations, answered in OpenAI's shape.

These routes wait for the job (up to `openai_wait_s`) and answer with URLs or base64 PNGs, so the
official SDKs work unchanged with `base_url="http://host:8000/v1"` and a Muralist key as `api_key`.
Sizes are `WIDTHxHEIGHT` in the model's sizes (the built-in model draws 64x64); an edit's mask marks
the area to repaint with alpha 0, as OpenAI's does (without a mask, the image's own alpha does).
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from PIL import Image

from muralist.api.deps import AppState, Caller, State
from muralist.api.problems import ProblemError
from muralist.api.routes.generations import random_seed
from muralist.api.schemas import MAX_PROMPT_CHARS, OpenAIGenerationRequest, OpenAIImage, OpenAIImagesResponse, Problem
from muralist.api.uploads import read_upload, store_input
from muralist.gateway import records
from muralist.gateway.auth import Principal
from muralist.gateway.models import ModelInfo
from muralist.gateway.policy import policy_for
from muralist.storage.delivery import signed_url
from muralist.types import MAX_IMAGES, GenerationParams, JobStatus, Kind

router = APIRouter(prefix="/v1/images", tags=["openai"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 401, 403, 413, 415, 422, 429, 504)
}
SIZE = re.compile(r"^(\d{1,4})x(\d{1,4})$")
DEFAULT_STEPS = 30  # OpenAI requests name no steps: this, or the tier's budget if smaller
VARIATION_STRENGTH = 0.35


def _size(text: str | None, model: ModelInfo) -> tuple[int, int]:
    if text is None or text == "auto":
        return model.base_size, model.base_size
    match = SIZE.match(text)
    if match is None:
        side = model.base_size
        raise ProblemError(422, f"size: expected WIDTHxHEIGHT such as {side}x{side}, got {text!r}", field="size")
    return int(match.group(1)), int(match.group(2))


def _steps(state: AppState, who: Principal) -> int:
    return min(DEFAULT_STEPS, policy_for(state.settings.tiers, who.tier).steps)


async def _answer(
    state: AppState, who: Principal, request: Request, job_id: str, fmt: str | None
) -> OpenAIImagesResponse:
    deadline = time.monotonic() + state.settings.openai_wait_s
    while True:
        job = await to_thread.run_sync(records.job_row, state.store.engine, who.tenant_id, job_id)
        assert job is not None  # admitted for this tenant a moment ago
        status = JobStatus(job.state)
        if status.terminal or status == JobStatus.REVIEW:
            break
        if time.monotonic() > deadline:
            raise ProblemError(504, f"job {job_id} did not finish within {state.settings.openai_wait_s:g} s; "
                               f"follow it at /api/v1/generations/{job_id}")  # fmt: skip
        await asyncio.sleep(0.2)
    if status == JobStatus.BLOCKED:
        raise ProblemError(400, job.error or "blocked by the content policy", type="/problems/content-policy",
                           code="content_policy_violation")  # fmt: skip
    if status == JobStatus.REVIEW:
        raise ProblemError(400, "the images are held for review by a moderator; follow the job at "
                           f"/api/v1/generations/{job_id}", code="held_for_review")  # fmt: skip
    if status != JobStatus.SUCCEEDED:
        raise ProblemError(
            422 if status == JobStatus.FAILED else 409, f"job {job_id} {status.value}: {job.error or ''}"
        )
    images = await to_thread.run_sync(records.job_images, state.store.engine, job_id)
    data = []
    base = (state.settings.public_url or str(request.base_url)).rstrip("/")
    for image in (im for im in images if im.delivered):
        if fmt == "b64_json":
            png = await to_thread.run_sync(state.objects.get, image.object_key)
            data.append(OpenAIImage(b64_json=base64.b64encode(png).decode()))
        else:
            expires = int(time.time()) + state.settings.url_ttl_s
            data.append(OpenAIImage(url=base + signed_url(image.object_key, who.tenant_id, expires, state.url_secret)))
    return OpenAIImagesResponse(created=int(job.created_at), data=data)


@router.post("/generations", response_model=OpenAIImagesResponse, response_model_exclude_none=True,
             responses=RESPONSES)  # fmt: skip
async def generations(
    body: OpenAIGenerationRequest, state: State, who: Caller, request: Request
) -> OpenAIImagesResponse:
    model = state.catalog.get(body.model if body.model and not body.model.startswith(("dall-e", "gpt-")) else None)
    width, height = _size(body.size, model)
    params = GenerationParams(prompt=body.prompt, model=model.name, seed=random_seed(), width=width, height=height,
                              n=body.n or 1, steps=_steps(state, who))  # fmt: skip
    job_id = await to_thread.run_sync(state.gateway.admit, who, params)
    return await _answer(state, who, request, job_id, body.response_format)


def _repaint_mask(image: Image.Image, mask: Image.Image | None) -> Image.Image:
    """OpenAI's mask (alpha 0 = repaint) → ours (white = repaint), at the image's size."""
    source = mask if mask is not None else image
    if "A" not in source.getbands() and not (source.mode == "P" and "transparency" in source.info):
        what = "the mask" if mask is not None else "the image (no mask was sent)"
        raise ProblemError(422, f"{what} has no alpha channel; alpha 0 marks the area to repaint", field="mask")
    alpha = source.convert("RGBA").getchannel("A")
    if alpha.size != image.size:
        raise ProblemError(422, f"mask is {alpha.size[0]}x{alpha.size[1]} but image is {image.size[0]}x{image.size[1]}",
                           field="mask")  # fmt: skip
    return alpha.point(lambda a: 255 if a == 0 else 0)


Prompt = Annotated[str, Form(min_length=1, max_length=MAX_PROMPT_CHARS)]
Count = Annotated[int, Form(ge=1, le=MAX_IMAGES)]
Format = Annotated[str, Form(pattern="^(url|b64_json)$")]
Text = Annotated[str | None, Form(max_length=200)]


@router.post("/edits", response_model=OpenAIImagesResponse, response_model_exclude_none=True, responses=RESPONSES)
async def edits(
    state: State,
    who: Caller,
    request: Request,
    image: Annotated[UploadFile, File(description="PNG, JPEG or WebP, at most 10 MB")],
    prompt: Prompt,
    mask: Annotated[UploadFile | None, File(description="alpha 0 marks the area to repaint")] = None,
    n: Count = 1,
    size: Text = None,
    response_format: Format = "url",
    model: Text = None,
) -> OpenAIImagesResponse:
    info = state.catalog.get(model if model and not model.startswith(("dall-e", "gpt-")) else None)
    picture = await read_upload(image, "image")
    cover = _repaint_mask(picture, await read_upload(mask, "mask") if mask is not None else None)
    width, height = _size(size, info) if size else picture.size
    init_ref = await to_thread.run_sync(store_input, state.objects, picture.convert("RGB"))
    mask_ref = await to_thread.run_sync(store_input, state.objects, cover)
    params = GenerationParams(prompt=prompt, model=info.name, seed=random_seed(), width=width, height=height, n=n,
                              steps=_steps(state, who), kind=Kind.INPAINT, init_image=init_ref, mask=mask_ref,
                              strength=1.0)  # fmt: skip
    job_id = await to_thread.run_sync(state.gateway.admit, who, params)
    return await _answer(state, who, request, job_id, response_format)


@router.post("/variations", response_model=OpenAIImagesResponse, response_model_exclude_none=True, responses=RESPONSES)
async def variations(
    state: State,
    who: Caller,
    request: Request,
    image: Annotated[UploadFile, File(description="PNG, JPEG or WebP, at most 10 MB")],
    n: Count = 1,
    size: Text = None,
    response_format: Format = "url",
    model: Text = None,
) -> OpenAIImagesResponse:
    """Variations of an uploaded image. It carries no prompt, so the prompt is a neutral description."""
    info = state.catalog.get(model if model and not model.startswith(("dall-e", "gpt-")) else None)
    picture = await read_upload(image, "image")
    width, height = _size(size, info) if size else picture.size
    init_ref = await to_thread.run_sync(store_input, state.objects, picture.convert("RGB"))
    params = GenerationParams(prompt="a variation of this image", model=info.name, seed=random_seed(), width=width,
                              height=height, n=n, steps=_steps(state, who), guidance_scale=1.0, kind=Kind.VARIATION,
                              init_image=init_ref, strength=VARIATION_STRENGTH)  # fmt: skip
    job_id = await to_thread.run_sync(state.gateway.admit, who, params)
    return await _answer(state, who, request, job_id, response_format)
