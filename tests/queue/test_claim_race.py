"""Concurrent claimers with their own connections never take the same job twice, and take them all."""

from __future__ import annotations

import threading
from collections import Counter

from muralist.queue.db import connect
from muralist.queue.lanes import LaneConfig
from muralist.queue.store import Claim, JobStore
from muralist.queue.tenants import create_tenant
from muralist.types import GenerationParams, Tier

CLAIMERS = 8
JOBS = 160


def test_eight_claimers_never_claim_a_job_twice(db_url: str) -> None:
    config = LaneConfig(tenant_running_cap={Tier.PRO: JOBS, Tier.PAID: JOBS, Tier.FREE: JOBS})
    setup = JobStore.open(db_url)
    tiers = [Tier.PRO, Tier.PAID, Tier.FREE] * 3
    tenants = [create_tenant(setup.engine, f"t{i}", tier) for i, tier in enumerate(tiers)]
    for k in range(JOBS):
        params = GenerationParams(prompt="race", model="tiny", seed=k, width=64, height=64, steps=10)
        setup.enqueue(tenants[k % len(tenants)], params, 50, None)

    claims: list[list[Claim]] = [[] for _ in range(CLAIMERS)]
    start = threading.Barrier(CLAIMERS)
    errors: list[BaseException] = []

    def claimer(k: int) -> None:
        store = JobStore(connect(db_url), lane_config=config)  # its own connections
        try:
            start.wait(timeout=30)
            idle = 0
            while idle < 3:  # SKIP LOCKED may hide jobs another claimer holds for a moment
                claim = store.claim(f"claimer-{k}")
                if claim is None:
                    idle += 1
                else:
                    idle = 0
                    claims[k].append(claim)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            store.engine.dispose()

    threads = [threading.Thread(target=claimer, args=(k,)) for k in range(CLAIMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    taken = Counter(claim.job_id for mine in claims for claim in mine)
    assert [job for job, times in taken.items() if times > 1] == []
    assert len(taken) == JOBS
    if setup.postgres:  # SKIP LOCKED lets claimers work side by side (SQLite takes them one at a time)
        assert sum(1 for mine in claims if mine) > 1
    assert setup.counts() == {"running": JOBS}
