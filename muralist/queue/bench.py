"""`muralist bench queue`: a discrete-event simulation of the workers over the real lane policy.

Eight workers take jobs of 6-10 s (uniform, the same for every tier, so a share of jobs is a share
of device time); arrivals are Poisson per tenant. Three scenarios, each from an empty queue:

- backlogged: every lane is offered 120 % of its 4:2:1 share, so all three stay backlogged;
  the figure is each lane's share of the jobs started while all three had work.
- paid_spike: steady traffic of all tiers at 120 % of capacity (Pro under its share) for an hour,
  then ten times the paid traffic for half an hour; Pro's p95 wait before and during the spike, and
  the longest any free job waited (it is promoted to the paid lane after `promote_free_after_s`)
  against the longest gap between two paid-lane starts during the spike (a paid-lane turn).
- flood: one free tenant sends ten times what the six other free tenants send together; its share
  of the free tier's starts while another free tenant had a job waiting, against 1/7.

Only the clock is simulated: `lanes.pick` and `lanes.advance` are the functions the store calls.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from muralist.queue import lanes
from muralist.types import Lane, Tier

WORKERS = 8
JOB_S = (6.0, 10.0)
CAPACITY = WORKERS / (sum(JOB_S) / 2)  # jobs per second when every worker is busy
WARMUP_S = 120.0


@dataclass(frozen=True)
class Traffic:
    tenant: str
    tier: Tier
    rate: float  # jobs per second
    start: float = 0.0
    end: float = float("inf")


@dataclass
class Done:
    tenant: str
    tier: Tier
    lane: Lane  # the lane it was served from
    arrived: float
    started: float
    rivals: int  # other tenants of the same tier with a job waiting when it started
    lanes_backlogged: frozenset[Lane]

    @property
    def wait(self) -> float:
        return self.started - self.arrived


@dataclass
class Simulation:
    config: lanes.LaneConfig
    seed: int = 0
    done: list[Done] = field(default_factory=list)

    def run(self, traffic: Sequence[Traffic], until: float) -> list[Done]:
        rng = random.Random(self.seed)
        events: list[tuple[float, int, str, Any]] = []  # (time, order, kind, payload)
        order = 0
        for t in traffic:
            clock = t.start
            while True:
                clock += rng.expovariate(t.rate)
                if clock >= min(t.end, until):
                    break
                events.append((clock, order, "arrive", t))
                order += 1
        heapq.heapify(events)
        queues: dict[str, list[lanes.Waiting]] = {}  # per tenant, oldest first
        running: dict[str, int] = {}
        free_workers, state, serial = WORKERS, lanes.LaneState(), 0
        while events:
            now, _, kind, payload = heapq.heappop(events)
            if kind == "arrive":
                serial += 1
                job = lanes.Waiting(f"j{serial}", payload.tenant, payload.tier, now)
                queues.setdefault(payload.tenant, []).append(job)
            else:  # a job ended
                free_workers += 1
                running[payload] -= 1
            while free_workers:
                heads = self._heads(queues, now)
                chosen = lanes.pick(heads, running, now, state, self.config)
                if chosen is None:
                    break
                queue = queues[chosen.tenant]
                job = queue.pop(next(i for i, j in enumerate(queue) if j.id == chosen.id))
                state = lanes.advance(state, chosen, self.config)
                free_workers -= 1
                running[chosen.tenant] = running.get(chosen.tenant, 0) + 1
                rivals = len({h.tenant for h in heads if h.tier == job.tier and h.tenant != job.tenant})
                backlogged = frozenset(lanes.lane_of(h, now, self.config)[0] for h in heads)
                self.done.append(Done(job.tenant, job.tier, chosen.lane, job.enqueued_at, now, rivals, backlogged))
                order += 1
                heapq.heappush(events, (now + rng.uniform(*JOB_S), order, "end", chosen.tenant))
        return self.done

    def _heads(self, queues: dict[str, list[lanes.Waiting]], now: float) -> list[lanes.Waiting]:
        """Each tenant's oldest job, and its oldest not yet promoted: all the policy can pick from."""
        after = self.config.promote_free_after_s
        heads = []
        for queue in queues.values():
            if not queue:
                continue
            heads.append(queue[0])
            if after is not None and queue[0].tier == Tier.FREE:
                young = bisect.bisect_right(queue, now - after, key=lambda j: j.enqueued_at)
                if 0 < young < len(queue):
                    heads.append(queue[young])
        return heads


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def tenants(
    tier: Tier, count: int, rate: float, prefix: str = "", start: float = 0.0, end: float = float("inf")
) -> list[Traffic]:
    return [Traffic(f"{prefix}{tier.value}-{i}", tier, rate / count, start, end) for i in range(count)]


def backlogged(config: lanes.LaneConfig) -> dict[str, Any]:
    total = sum(config.weights.values())
    # 120 % in all: Pro and Paid a little over their shares, Free at twice its lane's share, so that
    # its lane stays backlogged although its older jobs keep leaving it by promotion.
    traffic = [
        *tenants(Tier.PRO, 3, 0.6 * CAPACITY),
        *tenants(Tier.PAID, 5, 0.3 * CAPACITY),
        *tenants(Tier.FREE, 10, 0.3 * CAPACITY),
    ]
    done = Simulation(config).run(traffic, until=1800.0)
    window = [d for d in done if d.started > WARMUP_S and len(d.lanes_backlogged) == 3]
    share = {lane.value: sum(d.lane == lane for d in window) / max(1, len(window)) for lane in Lane}
    target = {lane.value: config.weights[lane] / total for lane in Lane}
    return {"lane_share": share, "target_share": target, "jobs": len(window), "table": _rows(done)}


def paid_spike(config: lanes.LaneConfig) -> dict[str, Any]:
    spike = (3600.0, 5400.0)  # an hour of steady traffic (long enough for a stable p95), then 30 min
    steady = {Tier.PRO: 0.3 * CAPACITY, Tier.PAID: 0.7 * CAPACITY, Tier.FREE: 0.2 * CAPACITY}  # 120 %
    traffic = [
        *tenants(Tier.PRO, 3, steady[Tier.PRO]),
        *tenants(Tier.PAID, 5, steady[Tier.PAID]),
        *tenants(Tier.FREE, 10, steady[Tier.FREE]),
        *tenants(Tier.PAID, 20, 9 * steady[Tier.PAID], "spike-", *spike),
    ]
    done = Simulation(config, seed=1).run(traffic, until=spike[1])
    pro_before = [d.wait for d in done if d.tier == Tier.PRO and WARMUP_S < d.arrived < spike[0]]
    pro_during = [d.wait for d in done if d.tier == Tier.PRO and spike[0] <= d.arrived < spike[1]]
    free = [d.wait for d in done if d.tier == Tier.FREE]
    paid_starts = sorted(d.started for d in done if d.lane == Lane.PAID and spike[0] <= d.started < spike[1])
    turn = max((b - a for a, b in zip(paid_starts, paid_starts[1:], strict=False)), default=0.0)
    return {
        "pro_wait_p95_before_s": percentile(pro_before, 95),
        "pro_wait_p95_s": percentile(pro_during, 95),
        "free_wait_max_s": max(free, default=0.0),
        "free_promotion_s": config.promote_free_after_s,
        "paid_turn_max_s": turn,
        "table": _rows(done),
    }


def flood(config: lanes.LaneConfig) -> dict[str, Any]:
    others = 6
    traffic = [
        *tenants(Tier.PRO, 3, 0.2 * CAPACITY),
        *tenants(Tier.PAID, 5, 0.3 * CAPACITY),
        *tenants(Tier.FREE, others, 0.2 * CAPACITY),
        Traffic("flooder", Tier.FREE, 2.0 * CAPACITY),
    ]
    done = Simulation(config, seed=2).run(traffic, until=1800.0)
    # Fair share: at each start of a free job while another free tenant waited, 1 / (tenants waiting).
    contested = [d for d in done if d.tier == Tier.FREE and d.started > WARMUP_S and d.rivals]
    flooder = sum(d.tenant == "flooder" for d in contested) / max(1, len(contested))
    fair = sum(1 / (d.rivals + 1) for d in contested) / max(1, len(contested))
    return {"flooder_share": flooder, "fair_share": fair, "jobs": len(contested), "table": _rows(done)}


def _rows(done: list[Done]) -> list[dict[str, Any]]:
    """Per lane and per tier: jobs started, share of them, p50/p95 wait."""
    measured = [d for d in done if d.started > WARMUP_S]
    rows = []
    for what, groups in (("lane", Lane), ("tier", Tier)):
        for group in groups:
            waits = [d.wait for d in measured if getattr(d, what) == group]
            rows.append(
                {
                    "by": what,
                    "name": group.value,
                    "jobs": len(waits),
                    "share": len(waits) / max(1, len(measured)),
                    "wait_p50_s": percentile(waits, 50),
                    "wait_p95_s": percentile(waits, 95),
                }
            )
    return rows


def run_queue_bench(config: lanes.LaneConfig | None = None) -> dict[str, Any]:
    config = config or lanes.LaneConfig()
    return {
        "backlogged": backlogged(config),
        "paid_spike": paid_spike(config),
        "flood": flood(config),
        "workers": WORKERS,
        "job_s": list(JOB_S),
    }


def format_table(figures: dict[str, Any]) -> str:
    lines = [f"{WORKERS} workers, jobs of {JOB_S[0]:g}-{JOB_S[1]:g} s; waits in seconds (after {WARMUP_S:g} s warm-up)"]
    for scenario in ("backlogged", "paid_spike", "flood"):
        lines += ["", f"{scenario}", f"  {'':5} {'':6} {'jobs':>6} {'share':>7} {'p50':>8} {'p95':>8}"]
        for r in figures[scenario]["table"]:
            lines.append(
                f"  {r['by']:5} {r['name']:6} {r['jobs']:6d} {r['share']:7.1%} "
                f"{r['wait_p50_s']:8.1f} {r['wait_p95_s']:8.1f}"
            )
        summary = {k: v for k, v in figures[scenario].items() if k != "table"}
        lines.append("  " + ", ".join(f"{k}={_short(v)}" for k, v in summary.items()))
    return "\n".join(lines)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return str(value)
