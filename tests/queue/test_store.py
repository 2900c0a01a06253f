"""The job store on real SQLite and PostgreSQL: intake with quota, leases, fencing, rescue, events."""

from __future__ import annotations

import threading
import time

import pytest

from muralist.errors import UserError
from muralist.queue.events import JobEvent, LocalBus, PostgresListener, psycopg_conninfo
from muralist.queue.lanes import LaneConfig, LaneState
from muralist.queue.store import JobStore, NewImage, QuotaExceededError
from muralist.queue.tenants import add_api_key, create_tenant, tenant_for_key, usage
from muralist.types import GenerationParams, JobStatus, Lane, Tier


def params(seed: int = 1, n: int = 1, steps: int = 20) -> GenerationParams:
    return GenerationParams(prompt="a red apple", model="tiny", seed=seed, width=64, height=64, steps=steps, n=n)


def image(index: int) -> NewImage:
    digest = f"{index:064x}"
    return NewImage(index, digest, f"images/{digest}.png", {"seed": index})


@pytest.fixture
def store(db_url: str) -> JobStore:
    return JobStore.open(db_url, lease_s=30.0)


def test_a_job_goes_from_queued_to_succeeded_with_its_images_and_usage(store: JobStore) -> None:
    tenant = create_tenant(store.engine, "acme", Tier.PAID)
    job_id = store.enqueue(tenant, params(n=2), step_budget=50, daily_images=500)
    assert store.job(job_id).state == JobStatus.QUEUED

    claim = store.claim("worker-a")
    assert claim is not None and claim.job_id == job_id and claim.fence == 1 and claim.lane == Lane.PAID
    assert claim.params == params(n=2) and claim.step_budget == 50
    assert store.claim("worker-b") is None  # nothing else waiting
    assert store.progress(claim, 10, 20, "checkpoints/x/000010")
    assert store.job(job_id).checkpoint_ref == "checkpoints/x/000010"
    assert store.finishing(claim)
    assert store.complete(claim, [image(0), image(1)], device_seconds=2.5)

    job = store.job(job_id)
    assert (job.state, job.lease_owner, job.attempts, job.progress_step) == (JobStatus.SUCCEEDED, "worker-a", 1, 20)
    assert [im["index"] for im in store.images(job_id)] == [0, 1]
    ((_, images, seconds),) = usage(store.engine, tenant)
    assert (images, seconds) == (2, pytest.approx(2.5))
    assert not store.complete(claim, [image(0)])  # a job completes once


def test_the_daily_quota_is_checked_when_the_job_is_accepted(store: JobStore) -> None:
    tenant = create_tenant(store.engine, "freebie", Tier.FREE)
    store.enqueue(tenant, params(n=4), step_budget=30, daily_images=6)
    with pytest.raises(QuotaExceededError, match=r"used 4 of its 6 images today .* asks for 4 more; .*00:00 UTC"):
        store.enqueue(tenant, params(n=4), step_budget=30, daily_images=6)
    store.enqueue(tenant, params(n=2), step_budget=30, daily_images=6)  # exactly the rest is fine
    assert store.counts() == {JobStatus.QUEUED: 2}


def test_intake_rejects_what_it_cannot_run_instead_of_clamping(store: JobStore) -> None:
    tenant = create_tenant(store.engine, "acme", Tier.FREE)
    with pytest.raises(UserError, match="asks for 50 steps but its tier allows 30"):
        store.enqueue(tenant, params(steps=50), step_budget=30, daily_images=None)
    with pytest.raises(UserError, match="no tenant with id 'nobody'"):
        store.enqueue("nobody", params(), step_budget=30, daily_images=None)


def test_api_keys_are_stored_as_hashes(store: JobStore) -> None:
    tenant = create_tenant(store.engine, "acme", Tier.PRO)
    key = add_api_key(store.engine, tenant)
    assert tenant_for_key(store.engine, key) == (tenant, Tier.PRO)
    assert tenant_for_key(store.engine, key + "x") is None
    with store.engine.connect() as c:
        stored = c.exec_driver_sql("SELECT key_hash FROM api_keys").scalar_one()
    assert key not in stored and len(stored) == 64


def test_a_worker_whose_lease_expired_cannot_overwrite_the_one_that_took_over(db_url: str) -> None:
    store = JobStore.open(db_url, lease_s=0.3)
    job_id = store.enqueue(create_tenant(store.engine, "acme", Tier.PAID), params(n=1), 50, None)
    first = store.claim("worker-a")
    assert first is not None
    time.sleep(0.4)  # worker-a is paused past its lease
    second = store.claim("worker-b")  # rescues the job and takes it
    assert second is not None and second.job_id == job_id and second.fence == first.fence + 1
    assert second.attempt == 2
    assert store.complete(second, [image(0)])
    finished = store.job(job_id)

    assert not store.heartbeat(first)
    assert not store.progress(first, 20, 20)
    assert not store.complete(first, [image(1)])
    assert store.fail(first, "late error") is None
    job = store.job(job_id)
    assert (job.state, job.lease_owner, job.finished_at, job.error) == (
        JobStatus.SUCCEEDED, "worker-b", finished.finished_at, None)  # fmt: skip
    assert [im["index"] for im in store.images(job_id)] == [0]


def test_rescue_puts_the_job_back_at_its_place_then_gives_up_with_the_reason(db_url: str) -> None:
    store = JobStore.open(db_url, lease_s=0.2, max_attempts=2)
    tenant = create_tenant(store.engine, "acme", Tier.PAID)
    first = store.enqueue(tenant, params(seed=1), 50, None)
    store.enqueue(tenant, params(seed=2), 50, None)
    claim = store.claim("worker-a")
    assert claim is not None and claim.job_id == first
    time.sleep(0.3)
    assert store.rescue() == [first]
    assert store.job(first).state == JobStatus.QUEUED
    again = store.claim("worker-b")
    assert again is not None and again.job_id == first  # it kept its place ahead of the younger job
    time.sleep(0.3)
    assert store.rescue() == [first]
    job = store.job(first)
    assert job.state == JobStatus.FAILED and job.attempts == 2
    assert job.error is not None and "gave up after 2 attempts" in job.error


def test_fail_retries_while_attempts_remain_and_release_costs_no_attempt(store: JobStore) -> None:
    job_id = store.enqueue(create_tenant(store.engine, "acme", Tier.PAID), params(), 50, None)
    claim = store.claim("w")
    assert claim is not None and store.release(claim)
    assert store.job(job_id).attempts == 0 and store.job(job_id).state == JobStatus.QUEUED
    claim = store.claim("w")
    assert claim is not None and store.fail(claim, "CUDA out of memory", retry=True) == JobStatus.QUEUED
    claim = store.claim("w")
    assert claim is not None and store.fail(claim, "latents became non-finite", retry=False) == JobStatus.FAILED
    job = store.job(job_id)
    assert (job.state, job.error, job.attempts) == (JobStatus.FAILED, "latents became non-finite", 2)


def test_cancel_stops_a_running_job_at_its_next_heartbeat(store: JobStore) -> None:
    tenant = create_tenant(store.engine, "acme", Tier.PAID)
    queued = store.enqueue(tenant, params(seed=1), 50, None)
    assert store.cancel(queued)
    running = store.enqueue(tenant, params(seed=2), 50, None)
    claim = store.claim("w")
    assert claim is not None and claim.job_id == running
    assert store.cancel(running)
    assert not store.heartbeat(claim) and not store.complete(claim, [image(0)])
    assert not store.cancel(running)  # already ended
    assert store.counts() == {JobStatus.CANCELLED: 2}


def test_claims_follow_the_lanes_and_the_tenant_cap(db_url: str) -> None:
    config = LaneConfig(tenant_running_cap={Tier.PRO: 1, Tier.PAID: 4, Tier.FREE: 4})
    store = JobStore.open(db_url, lane_config=config)
    named = (("p", Tier.PRO), ("a", Tier.PAID), ("f", Tier.FREE))
    pro, paid, free = (create_tenant(store.engine, name, tier) for name, tier in named)
    for tenant in (free, paid, pro):  # the free job was first in
        for seed in range(2):
            store.enqueue(tenant, params(seed=seed), 50, None)
    lanes_taken = []
    while (claim := store.claim("w")) is not None:
        lanes_taken.append(claim.lane)
    # Pro first, but its tenant may run one job at a time; the other lanes make progress meanwhile.
    assert lanes_taken == [Lane.PRO, Lane.PAID, Lane.FREE, Lane.PAID, Lane.FREE]


def test_a_free_tenants_young_job_waits_in_the_free_lane_while_its_old_one_is_promoted(db_url: str) -> None:
    config = LaneConfig(promote_free_after_s=0.2)
    store = JobStore.open(db_url, lane_config=config)
    tenant = create_tenant(store.engine, "f", Tier.FREE)
    old = store.enqueue(tenant, params(seed=1), 30, None)
    time.sleep(0.3)
    young = store.enqueue(tenant, params(seed=2), 30, None)
    store.lane_state = LaneState(passes={Lane.PRO: 0.0, Lane.PAID: 5.0, Lane.FREE: 0.0})  # the free lane's turn
    first, second = store.claim("w"), store.claim("w")
    assert first is not None and (first.job_id, first.lane) == (young, Lane.FREE)
    assert second is not None and (second.job_id, second.lane) == (old, Lane.PAID)


def test_estimate_names_the_position_in_line(store: JobStore) -> None:
    free = create_tenant(store.engine, "f", Tier.FREE)
    pro = create_tenant(store.engine, "p", Tier.PRO)
    late_free = store.enqueue(free, params(seed=1), 30, None)
    store.enqueue(pro, params(seed=2), 50, None)
    store.enqueue(pro, params(seed=3), 50, None)
    estimate = store.estimate(late_free, slots=1, job_s=10.0)
    assert (estimate.position, estimate.eta_s) == (1, 10.0)  # one Pro job, then the free lane's turn


def test_events_reach_listeners(db_url: str) -> None:
    store = JobStore.open(db_url)
    heard: list[JobEvent] = []
    got_success = threading.Event()

    def listen(event: JobEvent) -> None:
        heard.append(event)
        if event.state == JobStatus.SUCCEEDED:
            got_success.set()

    bus = store.events
    listener = None
    if store.postgres:  # another process's view: a separate connection, LISTEN/NOTIFY
        bus = LocalBus()
        listener = PostgresListener(psycopg_conninfo(store.engine.url), bus).start()
    bus.subscribe(listen)
    try:
        job_id = store.enqueue(create_tenant(store.engine, "acme", Tier.PAID), params(), 50, None)
        claim = store.claim("w")
        assert claim is not None
        store.progress(claim, 5, 20)
        store.complete(claim, [image(0)])
        assert got_success.wait(5)
    finally:
        if listener is not None:
            listener.stop()
    assert [(e.job_id, e.kind, e.state, e.step) for e in heard] == [
        (job_id, "state", "queued", 0), (job_id, "state", "running", 0), (job_id, "progress", "running", 5),
        (job_id, "state", "succeeded", 0)]  # fmt: skip
