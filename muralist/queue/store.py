"""The job store: the only code that changes a job's state. I/O lives here; the policy in lanes.py.

    store = JobStore.open("sqlite:///data/muralist.db")
    job_id = store.enqueue(tenant_id, params, step_budget=30, daily_images=25)
    claim = store.claim("worker-a")                # a lease of `lease_s`, fencing token claim.fence
    store.heartbeat(claim); store.progress(claim, 10, 30, checkpoint_ref)
    store.complete(claim, images, device_seconds)  # False: the lease was lost, nothing was written

A claim is a lease: the worker must heartbeat before it expires. A claim that expires is rescued by
the next claimer (the job goes back to its lane at its old place and resumes from its newest step
checkpoint) until `max_attempts` claims, then the job fails with the reason. Every write a worker
makes is fenced: it names the token it was claimed with and changes nothing unless that token is
still the job's and its lease has not expired, so a worker paused past its lease (GC, SIGSTOP, a
network partition) can never overwrite the work of the worker that took over.

Claims are atomic: on SQLite the transaction holds the write lock from its first statement
(`BEGIN IMMEDIATE`, see db.py); on PostgreSQL the candidates are locked `FOR UPDATE SKIP LOCKED`, so
concurrent claimers take different jobs without waiting on each other, and the final `UPDATE … WHERE
state = 'queued'` is the last word either way. Lease times come from the database clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, case, func, insert, literal, select, text, update
from sqlalchemy.engine import Connection

from muralist.errors import UserError
from muralist.observability import metrics
from muralist.queue import lanes
from muralist.queue.db import connect, migrate
from muralist.queue.events import CHANNEL, JobEvent, LocalBus
from muralist.queue.tables import Image, Job, ReviewItem, Tenant, db_now
from muralist.queue.tenants import add_usage
from muralist.types import GenerationParams, JobStatus, Lane, Tier

LIVE = (JobStatus.RUNNING, JobStatus.FINISHING)
HELD_PREFIX = "held/"  # safety/holding.py keeps images waiting for a moderator here
DAY_S = 86_400  # POSIX days are exactly this long, so UTC midnight is `now - now % DAY_S`


class QuotaExceededError(UserError):
    """A tenant asked for more images than its daily quota has left."""

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class IdempotencyConflictError(UserError):
    """An Idempotency-Key was used again with a different request."""


@dataclass(frozen=True)
class Intake:
    """What the gateway records with a job besides its parameters (all optional)."""

    prompt_verdict: dict[str, Any] | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None  # a replay under the same key must carry the same request
    webhook_url: str | None = None


@dataclass(frozen=True)
class Claim:
    """A worker's hold on a job: valid while `fence` is the job's token and the lease is fresh."""

    job_id: str
    worker: str
    fence: int
    attempt: int
    lane: Lane
    params: GenerationParams
    step_budget: int
    checkpoint_ref: str | None
    prompt_verdict: dict[str, Any] | None = None  # the pre-filter's verdict; `review` holds the images


@dataclass(frozen=True)
class NewImage:
    index: int
    content_hash: str  # SHA-256 of the PNG bytes
    object_key: str
    params: dict[str, Any]
    verdict: dict[str, Any] | None = None
    parent_image_id: str | None = None
    id: str | None = None  # None: a new random id (finishing names the image before it is stored)


@dataclass(frozen=True)
class JobView:
    id: str
    tenant_id: str
    state: JobStatus
    tier: Tier
    lane: Lane
    step_budget: int
    attempts: int
    fence: int
    lease_owner: str | None
    progress_step: int
    progress_total: int
    checkpoint_ref: str | None
    error: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None


class JobStore:
    def __init__(
        self,
        engine: Engine,
        lane_config: lanes.LaneConfig | None = None,
        lease_s: float = 30.0,
        max_attempts: int = 3,
    ):
        if lease_s <= 0 or max_attempts < 1:
            raise ValueError(f"need lease_s > 0 and max_attempts >= 1, got {lease_s} and {max_attempts}")
        self.engine = engine
        self.lane_config = lane_config or lanes.LaneConfig()
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self.lane_state = lanes.LaneState()  # this claimer's stride state (each claimer keeps 4:2:1)
        self.events = LocalBus()
        self.postgres = engine.dialect.name == "postgresql"

    @classmethod
    def open(cls, url: str, **kwargs: Any) -> JobStore:
        """Connect and bring the schema to the newest migration."""
        engine = connect(url)
        migrate(engine)
        return cls(engine, **kwargs)

    def now(self) -> float:
        with self.engine.connect() as connection:
            return float(connection.scalar(select(db_now())) or 0.0)

    # ---------------------------------------------------------------------------------- intake

    def enqueue(
        self,
        tenant_id: str,
        params: GenerationParams,
        step_budget: int,
        daily_images: int | None,
        intake: Intake | None = None,
    ) -> str:
        """Accept a job, checking the tenant's daily image quota in the same transaction.

        With an idempotency key that this tenant has used before, nothing is enqueued: the earlier
        job's id comes back (or IdempotencyConflictError, if the earlier request was different).
        """
        if step_budget < 1:
            raise UserError(f"a job needs a step budget of at least 1, got {step_budget}")
        if params.steps > step_budget:
            raise UserError(f"the request asks for {params.steps} steps but its tier allows {step_budget}")
        intake = intake or Intake()
        job_id = uuid.uuid4().hex
        with self.engine.begin() as c:
            tenant_query = select(Tenant.name, Tenant.tier).where(Tenant.id == tenant_id)
            tenant = c.execute(tenant_query.with_for_update() if self.postgres else tenant_query).first()
            if tenant is None:
                raise UserError(f"no tenant with id {tenant_id!r}")
            if intake.idempotency_key is not None:
                earlier = c.execute(
                    select(Job.id, Job.request_hash).where(
                        Job.tenant_id == tenant_id, Job.idempotency_key == intake.idempotency_key
                    )
                ).first()
                if earlier is not None:
                    if earlier.request_hash != intake.request_hash:
                        raise IdempotencyConflictError(
                            f"Idempotency-Key {intake.idempotency_key!r} was already used for a different request "
                            f"(job {earlier.id}); use a new key for a new request"
                        )
                    return str(earlier.id)
            now = _now(c)
            if daily_images is not None:
                used = c.scalar(
                    select(func.coalesce(func.sum(Job.images), 0)).where(
                        Job.tenant_id == tenant_id,
                        Job.created_at >= now - now % DAY_S,
                        Job.state.not_in([JobStatus.FAILED.value, JobStatus.CANCELLED.value]),
                    )
                )
                if int(used or 0) + params.n > daily_images:
                    raise QuotaExceededError(
                        f"tenant {tenant.name!r} ({tenant.tier}) has used {used} of its {daily_images} images today "
                        f"and this request asks for {params.n} more; the quota resets at 00:00 UTC",
                        retry_after_s=max(1, int(DAY_S - now % DAY_S) + 1),
                    )
            tier = Tier(tenant.tier)
            c.execute(
                insert(Job).values(
                    id=job_id,
                    tenant_id=tenant_id,
                    params=params.to_dict(),
                    images=params.n,
                    tier=tier.value,
                    lane=lanes.TIER_LANE[tier].value,
                    step_budget=step_budget,
                    state=JobStatus.QUEUED.value,
                    created_at=now,
                    enqueued_at=now,
                    attempts=0,
                    fence=0,
                    progress_step=0,
                    progress_total=0,
                    device_seconds=0.0,
                    prompt_verdict=intake.prompt_verdict,
                    idempotency_key=intake.idempotency_key,
                    request_hash=intake.request_hash,
                    webhook_url=intake.webhook_url,
                )
            )
            events = [JobEvent(job_id, "state", JobStatus.QUEUED.value)]
            self._notify(c, events)
        self._publish(events)
        metrics.count_job_submitted(tier)
        return job_id

    # ---------------------------------------------------------------------------------- claims

    def claim(self, worker: str) -> Claim | None:
        """Lease the job the lane policy picks next, or None when nothing may start now."""
        for _ in range(8):  # another claimer may win the row between our read and our write
            with self.engine.begin() as c:
                now = _now(c)
                events = self._rescue(c, now)
                chosen = self._pick(c, now)
                claim = None if chosen is None else self._take(c, chosen, worker, now)
                if claim is not None:
                    events.append(JobEvent(claim.job_id, "state", JobStatus.RUNNING.value))
                self._notify(c, events)
            self._publish(events)
            if chosen is None or claim is not None:
                return claim
        return None

    def _pick(self, c: Connection, now: float) -> lanes.Pick | None:
        # Only a tenant's oldest queued job in each lane can start (FIFO per tenant and lane): read those.
        after = self.lane_config.promote_free_after_s
        promoted = (
            case((and_(Job.tier == Tier.FREE.value, Job.enqueued_at <= now - after), 1), else_=0)
            if after is not None
            else literal(0)
        )
        order = (Job.enqueued_at, Job.id)
        rank = func.row_number().over(partition_by=(Job.tenant_id, promoted), order_by=order).label("rank")
        ranked = select(Job.id, rank).where(Job.state == JobStatus.QUEUED.value).subquery()
        heads = select(Job.id, Job.tenant_id, Job.tier, Job.enqueued_at).where(
            Job.id.in_(select(ranked.c.id).where(ranked.c.rank == 1)), Job.state == JobStatus.QUEUED.value
        )
        if self.postgres:
            heads = heads.with_for_update(skip_locked=True, of=Job)
        waiting = [lanes.Waiting(r.id, r.tenant_id, Tier(r.tier), r.enqueued_at) for r in c.execute(heads)]
        if not waiting:
            return None
        running_query = (
            select(Job.tenant_id, func.count()).where(Job.state.in_([s.value for s in LIVE])).group_by(Job.tenant_id)
        )
        running = {tenant: int(n) for tenant, n in c.execute(running_query)}
        return lanes.pick(waiting, running, now, self.lane_state, self.lane_config)

    def _take(self, c: Connection, chosen: lanes.Pick, worker: str, now: float) -> Claim | None:
        waited = c.execute(select(Job.tier, Job.enqueued_at, Job.started_at).where(Job.id == chosen.id)).first()
        row = c.execute(
            update(Job)
            .where(Job.id == chosen.id, Job.state == JobStatus.QUEUED.value)
            .values(
                state=JobStatus.RUNNING.value,
                lane=chosen.lane.value,
                lease_owner=worker,
                lease_expires_at=now + self.lease_s,
                fence=Job.fence + 1,
                attempts=Job.attempts + 1,
                started_at=func.coalesce(Job.started_at, now),
            )
            .returning(Job.fence, Job.attempts, Job.params, Job.step_budget, Job.checkpoint_ref, Job.prompt_verdict)
        ).first()
        if row is None:
            return None
        if waited is not None and waited.started_at is None:  # queue wait: enqueue -> first start
            metrics.observe_queue_wait(chosen.lane, waited.tier, now - waited.enqueued_at)
        self.lane_state = lanes.advance(self.lane_state, chosen, self.lane_config)
        params = GenerationParams.from_dict(row.params)
        return Claim(
            chosen.id,
            worker,
            row.fence,
            row.attempts,
            chosen.lane,
            params,
            row.step_budget,
            row.checkpoint_ref,
            row.prompt_verdict,
        )

    def rescue(self) -> list[str]:
        """Put jobs whose lease expired back in their lane (or fail them after max_attempts)."""
        with self.engine.begin() as c:
            events = self._rescue(c, _now(c))
            self._notify(c, events)
        self._publish(events)
        return [e.job_id for e in events]

    def _rescue(self, c: Connection, now: float) -> list[JobEvent]:
        expired = and_(Job.state.in_([s.value for s in LIVE]), Job.lease_expires_at < now)
        failed = c.execute(
            update(Job)
            .where(expired, Job.attempts >= self.max_attempts)
            .values(
                state=JobStatus.FAILED.value,
                finished_at=now,
                lease_expires_at=None,
                error=f"gave up after {self.max_attempts} attempts: the last worker stopped renewing "
                "its lease (it crashed, hung or was cut off)",
            )
            .returning(Job.id, Job.error, Job.tier)
        ).all()
        requeued = c.execute(
            update(Job)
            .where(expired)
            .values(
                state=JobStatus.QUEUED.value, lease_owner=None, lease_expires_at=None, lane=Job.tier
            )  # back to its own lane; promotion is re-derived
            .returning(Job.id)
        ).all()
        metrics.count_lease_rescues(len(failed) + len(requeued))
        for r in failed:
            metrics.count_job_outcome(JobStatus.FAILED, r.tier)
        return [JobEvent(r.id, "state", JobStatus.FAILED.value, error=r.error) for r in failed] + [
            JobEvent(r.id, "state", JobStatus.QUEUED.value) for r in requeued
        ]

    # ---------------------------------------------------------------------------------- fenced writes

    def _fenced(self, claim: Claim, now: Any) -> Any:
        return and_(
            Job.id == claim.job_id,
            Job.fence == claim.fence,
            Job.state.in_([s.value for s in LIVE]),
            Job.lease_expires_at > now,
        )

    def heartbeat(self, claim: Claim) -> bool:
        """Renew the lease; False: the job is no longer this worker's (stop working on it)."""
        with self.engine.begin() as c:
            now = _now(c)
            return (
                c.execute(
                    update(Job).where(self._fenced(claim, now)).values(lease_expires_at=now + self.lease_s)
                ).rowcount
                == 1
            )

    def progress(
        self, claim: Claim, step: int, total: int, checkpoint_ref: str | None = None, preview: str | None = None
    ) -> bool:
        """Record progress (and the newest checkpoint); renews the lease too. False: lease lost.

        `preview` (a small data URL) travels with the event only; it is not stored."""
        values: dict[str, Any] = {"progress_step": step, "progress_total": total}
        if checkpoint_ref is not None:
            values["checkpoint_ref"] = checkpoint_ref
        with self.engine.begin() as c:
            now = _now(c)
            ok = (
                c.execute(
                    update(Job).where(self._fenced(claim, now)).values(lease_expires_at=now + self.lease_s, **values)
                ).rowcount
                == 1
            )
            event = JobEvent(claim.job_id, "progress", JobStatus.RUNNING.value, step, total, preview=preview)
            events = [event] if ok else []
            self._notify(c, events)
        self._publish(events)
        return ok

    def finishing(self, claim: Claim) -> bool:
        """Denoising is done; decoding, screening and storing the images has begun."""
        return self._transition(claim, JobStatus.FINISHING, {})

    def complete(self, claim: Claim, images: Sequence[NewImage], device_seconds: float = 0.0) -> bool:
        """Record the images and `succeeded`, with the usage; False (and nothing written) if the lease was lost.

        Images stored under held/ (a `review` verdict) each get a review item, and the job waits in
        `review` until a moderator has decided them all (`decide`)."""
        held = [im for im in images if im.object_key.startswith(HELD_PREFIX)]
        state = JobStatus.REVIEW if held else JobStatus.SUCCEEDED
        with self.engine.begin() as c:
            now = _now(c)
            row = c.execute(
                update(Job)
                .where(self._fenced(claim, now))
                .values(
                    state=state.value,
                    finished_at=now,
                    lease_expires_at=None,
                    device_seconds=Job.device_seconds + device_seconds,
                    progress_step=Job.progress_total,
                    checkpoint_ref=None,  # the engine deletes a finished job's checkpoints
                )
                .returning(Job.tenant_id, Job.tier, Job.created_at)
            ).first()
            if row is None:
                return False
            ids = [im.id or uuid.uuid4().hex for im in images]
            if images:
                c.execute(
                    insert(Image),
                    [
                        {
                            "id": image_id,
                            "job_id": claim.job_id,
                            "index": im.index,
                            "content_hash": im.content_hash,
                            "object_key": im.object_key,
                            "params": im.params,
                            "verdict": im.verdict,
                            "parent_image_id": im.parent_image_id,
                            "created_at": now,
                        }
                        for image_id, im in zip(ids, images, strict=True)
                    ],
                )
            for image_id, im in zip(ids, images, strict=True):
                if im in held:
                    c.execute(
                        insert(ReviewItem).values(
                            id=uuid.uuid4().hex,
                            image_id=image_id,
                            job_id=claim.job_id,
                            verdict=im.verdict or {},
                            state="open",
                            created_at=now,
                        )
                    )
            add_usage(c, row.tenant_id, now, len(images), device_seconds)
            events = [JobEvent(claim.job_id, "state", state.value)]
            self._notify(c, events)
        self._publish(events)
        metrics.count_job_outcome(events[0].state, row.tier)
        if events[0].state == JobStatus.SUCCEEDED:
            metrics.observe_end_to_end(row.tier, now - row.created_at)
        return True

    def fail(self, claim: Claim, error: str, retry: bool = False) -> JobStatus | None:
        """A failed attempt: back to the lane if `retry` and attempts remain, else `failed`. None: lease lost."""
        again = retry and claim.attempt < self.max_attempts
        state = JobStatus.QUEUED if again else JobStatus.FAILED
        values: dict[str, Any] = {"error": error}
        if again:
            values.update(lease_owner=None, lease_expires_at=None, lane=Job.tier)
        return state if self._transition(claim, state, values) else None

    def block(self, claim: Claim, message: str) -> bool:
        """The safety post-filter withheld every image: `blocked`, with the message for the user."""
        return self._transition(claim, JobStatus.BLOCKED, {"error": message})

    def decide(self, item_id: str, approve: bool, moderator: str, delivery_key: str | None) -> JobStatus | None:
        """A moderator's decision on one held image; the job's state once none is left open (None: not open)."""
        with self.engine.begin() as c:
            now = _now(c)
            item = c.execute(
                update(ReviewItem)
                .where(ReviewItem.id == item_id, ReviewItem.state == "open")
                .values(state="approved" if approve else "rejected", decided_at=now, moderator=moderator)
                .returning(ReviewItem.job_id, ReviewItem.image_id)
            ).first()
            if item is None:
                return None
            if approve and delivery_key is not None:
                c.execute(update(Image).where(Image.id == item.image_id).values(object_key=delivery_key))
            states = [s for (s,) in c.execute(select(ReviewItem.state).where(ReviewItem.job_id == item.job_id))]
            job_images = c.scalar(select(func.count()).select_from(Image).where(Image.job_id == item.job_id)) or 0
            if "open" in states:
                return JobStatus.REVIEW
            delivered = int(job_images) - states.count("rejected")
            state = JobStatus.SUCCEEDED if delivered > 0 else JobStatus.BLOCKED
            values: dict[str, Any] = {"state": state.value}
            if state == JobStatus.BLOCKED:
                values["error"] = "a moderator withheld every image of this job"
            c.execute(update(Job).where(Job.id == item.job_id, Job.state == JobStatus.REVIEW.value).values(**values))
            events = [JobEvent(item.job_id, "state", state.value, error=values.get("error"))]
            self._notify(c, events)
        self._publish(events)
        return state

    def release(self, claim: Claim) -> bool:
        """Hand a job back unfinished (its worker is shutting down): it waits again at its old place."""
        values = {"lease_owner": None, "lease_expires_at": None, "lane": Job.tier, "attempts": Job.attempts - 1}
        return self._transition(claim, JobStatus.QUEUED, values)

    def _transition(self, claim: Claim, state: JobStatus, values: dict[str, Any]) -> bool:
        with self.engine.begin() as c:
            now = _now(c)
            if state.terminal:
                values = {**values, "finished_at": now, "lease_expires_at": None}
            done = c.execute(
                update(Job).where(self._fenced(claim, now)).values(state=state.value, **values).returning(Job.tier)
            ).first()
            ok = int(done is not None)
            events = [JobEvent(claim.job_id, "state", state.value, error=values.get("error"))] if ok else []
            self._notify(c, events)
        self._publish(events)
        if done is not None and state.terminal:
            metrics.count_job_outcome(state, done.tier)
        return ok == 1

    def cancel(self, job_id: str) -> bool:
        """Cancel a job that has not ended; its worker learns at its next heartbeat and stops."""
        with self.engine.begin() as c:
            now = _now(c)
            done = c.execute(
                update(Job)
                .where(Job.id == job_id, Job.state.in_([JobStatus.QUEUED.value, *(s.value for s in LIVE)]))
                .values(state=JobStatus.CANCELLED.value, finished_at=now, lease_expires_at=None)
                .returning(Job.tier)
            ).first()
            events = [JobEvent(job_id, "state", JobStatus.CANCELLED.value)] if done is not None else []
            self._notify(c, events)
        self._publish(events)
        if done is not None:
            metrics.count_job_outcome(JobStatus.CANCELLED, done.tier)
        return done is not None

    # ---------------------------------------------------------------------------------- reads

    def job(self, job_id: str) -> JobView:
        with self.engine.connect() as c:
            row = c.execute(select(Job.__table__).where(Job.id == job_id)).first()
        if row is None:
            raise KeyError(f"no job {job_id}")
        values = {name: row._mapping[name] for name in JobView.__dataclass_fields__}
        return JobView(**{**values, "state": JobStatus(row.state), "tier": Tier(row.tier), "lane": Lane(row.lane)})

    def images(self, job_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(select(Image.__table__).where(Image.job_id == job_id).order_by(Image.index))
            return [dict(r._mapping) for r in rows]

    def image_id_for_hash(self, content_hash: str) -> str | None:
        """The first image stored with these bytes (the parent of an upscale or a variation)."""
        with self.engine.connect() as c:
            query = select(Image.id).where(Image.content_hash == content_hash).order_by(Image.created_at).limit(1)
            found = c.scalar(query)
        return None if found is None else str(found)

    def depths(self) -> dict[str, int]:
        """Queued jobs in each lane, every lane named (the `queue_depth` metric reads this at scrape time)."""
        with self.engine.connect() as c:
            rows = c.execute(
                select(Job.lane, func.count()).where(Job.state == JobStatus.QUEUED.value).group_by(Job.lane)
            )
            return {**{lane.value: 0 for lane in Lane}, **{str(lane): int(n) for lane, n in rows}}

    def counts(self) -> dict[JobStatus, int]:
        """Jobs by state (what `worker --until-idle` and a dashboard watch)."""
        with self.engine.connect() as c:
            rows = c.execute(select(Job.state, func.count()).group_by(Job.state))
            return {JobStatus(state): int(n) for state, n in rows}

    def estimate(self, job_id: str, slots: int, job_s: float) -> lanes.Estimate:
        """A waiting job's place in line and time until it starts, by the lane policy."""
        with self.engine.connect() as c:
            now = _now(c)
            rows = c.execute(
                select(Job.id, Job.tenant_id, Job.tier, Job.enqueued_at).where(Job.state == JobStatus.QUEUED.value)
            ).all()
        waiting = [lanes.Waiting(r.id, r.tenant_id, Tier(r.tier), r.enqueued_at) for r in rows]
        return lanes.estimate(job_id, waiting, now, self.lane_state, self.lane_config, slots, job_s)

    # ---------------------------------------------------------------------------------- helpers

    def _notify(self, c: Connection, events: list[JobEvent]) -> None:
        """On PostgreSQL: queue the events in this transaction; they are delivered only if it commits."""
        if self.postgres:
            for event in events:
                c.execute(
                    text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": event.to_json()}
                )

    def _publish(self, events: list[JobEvent]) -> None:
        """On SQLite: tell this process's listeners, after the commit."""
        if not self.postgres:
            for event in events:
                self.events.publish(event)


def _now(c: Connection) -> float:
    return float(c.scalar(select(db_now())) or 0.0)
