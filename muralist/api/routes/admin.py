"""Moderation: images held by a `review` verdict wait here for an admin to approve or reject them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from muralist.api.deps import Admin, State
from muralist.api.problems import ProblemError, not_found
from muralist.api.render import base_url
from muralist.api.routes.generations import ERRORS
from muralist.api.schemas import Problem, ReviewDecision, ReviewItemOut
from muralist.gateway import records
from muralist.safety import holding
from muralist.types import JobStatus

router = APIRouter(prefix="/api/v1/admin/reviews", tags=["admin"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": Problem, "description": "the key is not an admin's"},
}


@router.get("", response_model=list[ReviewItemOut], responses=RESPONSES)
def list_reviews(state: State, who: Admin, request: Request) -> list[ReviewItemOut]:
    """Held images waiting for a decision, oldest first."""
    base = base_url(state, request)
    return [
        ReviewItemOut(
            id=r.id,
            job_id=r.job_id,
            image_id=r.image_id,
            tenant_id=r.tenant_id,
            verdict=r.verdict,
            state=r.state,
            created_at=r.created_at,
            preview_url=f"{base}/api/v1/admin/reviews/{r.id}/image",
        )
        for r in records.review_items(state.store.engine)
    ]


@router.get("/{item_id}/image", responses={**RESPONSES, 200: {"content": {"image/png": {}}}})
def held_image(item_id: str, state: State, who: Admin) -> Response:
    item = records.review_item(state.store.engine, item_id)
    if item is None:
        raise not_found("review item", item_id)
    return Response(state.objects.get(item.object_key), media_type="image/png", headers={"Cache-Control": "no-store"})


def _decide(state: State, who: Admin, item_id: str, approve: bool) -> ReviewDecision:
    item = records.review_item(state.store.engine, item_id)
    if item is None:
        raise not_found("review item", item_id)
    if item.state != "open":
        raise ProblemError(409, f"review item {item_id} was already {item.state}")
    key = None
    if approve:
        key = holding.approve(state.objects, item.object_key)
    else:
        holding.reject(state.objects, item.object_key)
    job_status = state.store.decide(item_id, approve, who.name, key)
    if job_status is None:
        raise ProblemError(409, f"review item {item_id} was decided by someone else meanwhile")
    return ReviewDecision(id=item_id, state="approved" if approve else "rejected", job_status=JobStatus(job_status))


@router.post("/{item_id}/approve", response_model=ReviewDecision, responses=RESPONSES)
def approve(item_id: str, state: State, who: Admin) -> ReviewDecision:
    """Deliver the held image; the job succeeds once every held image is decided."""
    return _decide(state, who, item_id, True)


@router.post("/{item_id}/reject", response_model=ReviewDecision, responses=RESPONSES)
def reject(item_id: str, state: State, who: Admin) -> ReviewDecision:
    """Delete the held image for good."""
    return _decide(state, who, item_id, False)
