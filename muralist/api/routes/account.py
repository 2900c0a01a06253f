"""What the web page shows around the prompt: the caller's tier, budget and today's usage; for admins,
the queue per lane and the running jobs.

    GET /api/v1/account       tier, step budget, sizes, images used today, remaining, when it resets
    GET /api/v1/admin/queue   per lane: jobs waiting and the oldest wait; the jobs running now (admin key)
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from muralist.api.deps import Admin, Caller, State
from muralist.api.routes.admin import RESPONSES
from muralist.api.routes.generations import ERRORS
from muralist.gateway.policy import policy_for
from muralist.queue.store import DAY_S
from muralist.queue.tables import Job
from muralist.types import JobStatus, Lane, Sampler

router = APIRouter(tags=["account"])


class AccountOut(BaseModel):
    tenant: str
    tier: str
    admin: bool
    step_budget: int = Field(description="steps per image the tier allows; more is refused, not clamped")
    model: str
    base_size: int
    max_size: int = Field(description="the largest side a txt2img request may ask for")
    samplers: list[str]
    images_per_day: int | None = Field(description="None: unlimited")
    used_today: int = Field(description="images asked for since 00:00 UTC (failed and cancelled jobs not counted)")
    remaining_today: int | None
    resets_at: float = Field(description="the next 00:00 UTC, as a Unix time")


class LaneOut(BaseModel):
    lane: str
    waiting: int
    oldest_wait_s: float = Field(description="how long the lane's oldest waiting job has waited; 0 when empty")


class RunningJob(BaseModel):
    id: str
    tenant_id: str
    tier: str
    kind: str
    step: int
    total: int
    images: int
    running_s: float


class QueueOut(BaseModel):
    lanes: list[LaneOut]
    running: list[RunningJob]


@router.get("/api/v1/account", response_model=AccountOut, responses=ERRORS)
def account(state: State, who: Caller) -> AccountOut:
    """The caller's tier and what it allows, and how much of today's quota is left."""
    policy = policy_for(state.settings.tiers, who.tier)
    model = state.catalog.get(None)
    now = state.store.now()
    midnight = now - now % DAY_S
    with state.store.engine.connect() as c:
        used = c.scalar(
            select(func.coalesce(func.sum(Job.images), 0)).where(
                Job.tenant_id == who.tenant_id,
                Job.created_at >= midnight,
                Job.state.not_in([JobStatus.FAILED.value, JobStatus.CANCELLED.value]),
            )
        )
    used = int(used or 0)
    limit = policy.images_per_day
    return AccountOut(
        tenant=who.name,
        tier=who.tier.value,
        admin=who.admin,
        step_budget=policy.steps,
        model=model.name,
        base_size=model.base_size,
        max_size=model.base_size * policy.max_size_factor,
        samplers=[s.value for s in Sampler],
        images_per_day=limit,
        used_today=used,
        remaining_today=None if limit is None else max(0, limit - used),
        resets_at=midnight + DAY_S,
    )


@router.get("/api/v1/admin/queue", response_model=QueueOut, responses=RESPONSES)
def queue(state: State, who: Admin) -> QueueOut:
    """Jobs waiting in each lane and the oldest wait; the jobs running (or finishing) now."""
    now = state.store.now()
    with state.store.engine.connect() as c:
        waiting = {
            str(r.lane): (int(r.n), float(r.oldest))
            for r in c.execute(
                select(Job.lane, func.count().label("n"), func.min(Job.enqueued_at).label("oldest"))
                .where(Job.state == JobStatus.QUEUED.value)
                .group_by(Job.lane)
            )
        }
        columns = (Job.id, Job.tenant_id, Job.tier, Job.params, Job.progress_step, Job.progress_total, Job.images)
        running = c.execute(
            select(*columns, Job.started_at)
            .where(Job.state.in_([JobStatus.RUNNING.value, JobStatus.FINISHING.value]))
            .order_by(Job.started_at)
        ).all()
        jobs = [
            RunningJob(
                id=j.id,
                tenant_id=j.tenant_id,
                tier=j.tier,
                kind=str(j.params.get("kind", "txt2img")),
                step=j.progress_step,
                total=j.progress_total or int(j.params.get("steps", 0)),
                images=j.images,
                running_s=round(max(0.0, now - (j.started_at or now)), 1),
            )
            for j in running
        ]
    lanes = []
    for lane in Lane:
        n, oldest = waiting.get(lane.value, (0, now))
        lanes.append(LaneOut(lane=lane.value, waiting=n, oldest_wait_s=round(max(0.0, now - oldest), 1)))
    return QueueOut(lanes=lanes, running=jobs)
