"""The native jobs API: create a generation (202), read it, follow it (SSE), cancel it."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse

from muralist.api.deps import AppState, Caller, State
from muralist.api.events import follow
from muralist.api.problems import ProblemError, not_found
from muralist.api.render import base_url, job_out
from muralist.api.schemas import GenerationRequest, JobOut, Problem
from muralist.gateway import records
from muralist.gateway.auth import Principal
from muralist.queue.store import Intake
from muralist.types import MAX_IMAGES, MAX_SEED, GenerationParams, JobStatus

router = APIRouter(prefix="/api/v1/generations", tags=["generations"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no or unknown API key"},
    404: {"model": Problem, "description": "no such job for this key"},
}
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="replaying a key returns the first job"),
]


def random_seed() -> int:
    return secrets.randbelow(MAX_SEED - MAX_IMAGES)


def request_hash(body: object) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def accepted(state: AppState, request: Request, response: Response, who: Principal, job_id: str) -> JobOut:
    job = records.job_row(state.store.engine, who.tenant_id, job_id)
    assert job is not None  # we just made it (or found it by its idempotency key)
    out = job_out(state, base_url(state, request), job)
    response.headers["Location"] = f"/api/v1/generations/{job_id}"
    return out


@router.post(
    "",
    status_code=202,
    response_model=JobOut,
    responses={
        **ERRORS,
        400: {"model": Problem, "description": "the prompt was blocked by the content policy"},
        403: {"model": Problem, "description": "more steps or a larger size than the tier allows"},
        409: {"model": Problem, "description": "Idempotency-Key reused for a different request"},
        422: {"model": Problem, "description": "invalid parameters"},
        429: {"model": Problem, "description": "daily quota or rate limit; see Retry-After"},
    },
)
def create_generation(
    body: GenerationRequest,
    state: State,
    who: Caller,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> JobOut:
    """Queue a text-to-image job; follow it at `events_url`."""
    model = state.catalog.get(body.model)
    params = GenerationParams(
        prompt=body.prompt,
        negative_prompt=body.negative_prompt,
        model=model.name,
        seed=body.seed if body.seed is not None else random_seed(),
        n=body.n,
        width=body.width or model.base_size,
        height=body.height or model.base_size,
        steps=body.steps,
        sampler=body.sampler,
        guidance_scale=body.guidance_scale,
    )
    intake = Intake(
        idempotency_key=idempotency_key,
        request_hash=request_hash(body.model_dump(mode="json")),
        webhook_url=body.webhook_url,
    )
    return accepted(state, request, response, who, state.gateway.admit(who, params, intake))


def _job(state: AppState, who: Principal, job_id: str) -> Any:
    job = records.job_row(state.store.engine, who.tenant_id, job_id)
    if job is None:
        raise not_found("job", job_id)
    return job


@router.get("/{job_id}", response_model=JobOut, responses=ERRORS)
def get_generation(job_id: str, state: State, who: Caller, request: Request) -> JobOut:
    return job_out(state, base_url(state, request), _job(state, who, job_id))


@router.get(
    "/{job_id}/events",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}},
)
def generation_events(job_id: str, state: State, who: Caller, request: Request) -> StreamingResponse:
    """queued (position, eta_s) → started → progress (step, total, preview) → completed | review | blocked |
    failed | cancelled; the stream ends with the job."""
    _job(state, who, job_id)
    stream = follow(state, who.tenant_id, job_id, base_url(state, request))
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


@router.delete(
    "/{job_id}",
    response_model=JobOut,
    responses={**ERRORS, 409: {"model": Problem, "description": "the job has already ended"}},
)
def cancel_generation(job_id: str, state: State, who: Caller, request: Request) -> JobOut:
    """Cancel a queued or running job; its worker stops at its next heartbeat."""
    job = _job(state, who, job_id)
    if not state.store.cancel(job_id):
        status = JobStatus(_job(state, who, job_id).state)
        raise ProblemError(409, f"job {job_id} has already ended ({status.value}); only queued or running jobs cancel")
    job = _job(state, who, job_id)
    return job_out(state, base_url(state, request), job)
