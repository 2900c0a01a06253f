"""The lane policy: which waiting job a free worker takes next. Pure: state and a clock in, a pick out.

Three lanes share the workers by weight, Pro : Paid : Free = 4 : 2 : 1, with stride scheduling
(Waldspurger & Weihl, 1995): every lane has a *pass*; the backlogged lane with the smallest pass is
served and its pass grows by 1/weight, so while all lanes have work their throughput is exactly
4:2:1 over every 7 picks, and every backlogged lane makes progress (the free-tier floor is 1/7).
A lane that was idle rejoins at the current virtual time, so it cannot bank credit while idle.
An idle lane's share goes to the others: the policy is work-conserving.

Inside a lane, tenants take turns: the tenant served least recently goes first (round robin, so one
noisy tenant cannot take a lane) and each tenant's own jobs in that lane run in the order they came.
Waiting earns a bonus: a free job that has waited `promote_free_after_s` is promoted to the paid
lane, where promoted jobs go before native ones (oldest first), so no free job waits much longer
than the promotion threshold plus one paid-lane turn, however busy the lanes are. Among tenants
whose turn is equal, the job that has waited longest goes first. A tenant already running its
tier's cap of jobs waits for one of them to end.

The store (`queue/store.py`) feeds this module what the database says and records the pick.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from muralist.types import Lane, Tier

LANE_ORDER = (Lane.PRO, Lane.PAID, Lane.FREE)  # ties between lanes go to the higher tier
TIER_LANE = {Tier.PRO: Lane.PRO, Tier.PAID: Lane.PAID, Tier.FREE: Lane.FREE}


@dataclass(frozen=True)
class LaneConfig:
    weights: Mapping[Lane, int] = field(default_factory=lambda: {Lane.PRO: 4, Lane.PAID: 2, Lane.FREE: 1})
    promote_free_after_s: float | None = 30.0  # None: never promote
    tenant_running_cap: Mapping[Tier, int] = field(default_factory=lambda: {Tier.PRO: 8, Tier.PAID: 4, Tier.FREE: 2})

    def __post_init__(self) -> None:
        missing = [lane.value for lane in Lane if lane not in self.weights]
        if missing:
            raise ValueError(f"lane weights must name every lane; missing {missing}, given {dict(self.weights)}")
        bad = {lane.value: w for lane, w in self.weights.items() if w < 1}
        if bad:
            raise ValueError(f"lane weights must be whole numbers >= 1 (every lane makes progress), got {bad}")
        if self.promote_free_after_s is not None and self.promote_free_after_s < 0:
            raise ValueError(f"promote_free_after_s must be >= 0 or None, got {self.promote_free_after_s}")
        low = {tier.value: c for tier, c in self.tenant_running_cap.items() if c < 1}
        if low:
            raise ValueError(f"tenant running caps must be >= 1, got {low}")

    @classmethod
    def from_settings(
        cls, weights: Mapping[str, int], promote_free_after_s: float | None, caps: Mapping[str, int]
    ) -> LaneConfig:
        """Build from the plain names used in settings; an unknown lane or tier name is an error."""
        try:
            return cls(
                {Lane(k): v for k, v in weights.items()}, promote_free_after_s, {Tier(k): v for k, v in caps.items()}
            )
        except ValueError as exc:
            raise ValueError(f"lane settings: {exc} (lanes and tiers are pro, paid, free)") from None

    def cap(self, tier: Tier) -> int:
        return self.tenant_running_cap.get(tier, 1)


@dataclass(frozen=True)
class Waiting:
    """A queued job as the policy sees it: no parameters, only what ordering needs."""

    id: str
    tenant: str
    tier: Tier
    enqueued_at: float  # seconds, database clock


@dataclass(frozen=True)
class Pick:
    id: str
    tenant: str
    lane: Lane  # the lane it is served from (paid for a promoted free job)
    promoted: bool
    waited_s: float


@dataclass(frozen=True)
class LaneState:
    """What the policy remembers between picks: lane passes, virtual time, tenants' last turns."""

    passes: Mapping[Lane, float] = field(default_factory=lambda: dict.fromkeys(Lane, 0.0))
    vtime: float = 0.0
    last_served: Mapping[str, int] = field(default_factory=dict)  # tenant -> pick number
    picks: int = 0


def lane_of(job: Waiting, now: float, config: LaneConfig) -> tuple[Lane, bool]:
    """The lane a job waits in at `now`, and whether it got there by promotion."""
    lane = TIER_LANE[job.tier]
    after = config.promote_free_after_s
    if lane == Lane.FREE and after is not None and now - job.enqueued_at >= after:
        return Lane.PAID, True
    return lane, False


def pick(
    waiting: Iterable[Waiting], running: Mapping[str, int], now: float, state: LaneState, config: LaneConfig
) -> Pick | None:
    """The job to start next, or None when nothing may start (empty, or every tenant at its cap)."""
    heads: dict[tuple[str, Lane], tuple[Waiting, bool]] = {}
    for job in waiting:
        lane, promoted = lane_of(job, now, config)
        head = heads.get((job.tenant, lane))
        if head is None or (job.enqueued_at, job.id) < (head[0].enqueued_at, head[0].id):
            heads[job.tenant, lane] = job, promoted
    by_lane: dict[Lane, list[tuple[tuple, Pick]]] = {}
    for (tenant, lane), (job, promoted) in heads.items():
        if running.get(tenant, 0) >= config.cap(job.tier):
            continue
        order = (not promoted, state.last_served.get(tenant, -1), job.enqueued_at, job.id)
        by_lane.setdefault(lane, []).append((order, Pick(job.id, tenant, lane, promoted, now - job.enqueued_at)))
    if not by_lane:
        return None
    lane = min(by_lane, key=lambda ln: (max(state.passes[ln], state.vtime), LANE_ORDER.index(ln)))
    return min(by_lane[lane], key=lambda candidate: candidate[0])[1]


def advance(state: LaneState, chosen: Pick, config: LaneConfig) -> LaneState:
    """The state after `chosen` starts: its lane's pass moves on by 1/weight, its tenant's turn is used."""
    start = max(state.passes[chosen.lane], state.vtime)
    passes = {**state.passes, chosen.lane: start + 1.0 / config.weights[chosen.lane]}
    last_served = {**state.last_served, chosen.tenant: state.picks}
    return dataclasses.replace(state, passes=passes, vtime=start, last_served=last_served, picks=state.picks + 1)


@dataclass(frozen=True)
class Estimate:
    position: int  # jobs that start before this one (0: it is next)
    eta_s: float  # until it starts, at `job_s` per job over `slots` workers


def estimate(
    job_id: str,
    waiting: Sequence[Waiting],
    now: float,
    state: LaneState,
    config: LaneConfig,
    slots: int,
    job_s: float,
) -> Estimate:
    """Where a waiting job stands: replay the policy over today's queue, with time moving on.

    An estimate, not a promise: jobs that arrive later (a Pro burst) can still go first, and
    tenant caps are left out (every pick is assumed to free its slot before the next).
    """
    if slots < 1 or job_s <= 0:
        raise ValueError(f"estimate needs slots >= 1 and job_s > 0, got {slots} and {job_s}")
    if all(job.id != job_id for job in waiting):
        raise KeyError(f"job {job_id} is not waiting")
    left = list(waiting)
    for position in range(len(left)):
        t = now + position * job_s / slots
        chosen = pick(left, {}, t, state, config)
        assert chosen is not None  # no caps here, and the job is still in `left`
        if chosen.id == job_id:
            return Estimate(position, position * job_s / slots)
        state = advance(state, chosen, config)
        left = [job for job in left if job.id != chosen.id]
    raise AssertionError("unreachable: the job is picked by the time the queue is empty")
