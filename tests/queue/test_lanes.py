"""The lane policy on hand-built queues: shares, turns, caps, promotion, estimates. Pure, no database."""

from __future__ import annotations

from collections import Counter

import pytest

from muralist.queue import lanes
from muralist.queue.lanes import LaneConfig, LaneState, Waiting
from muralist.types import Lane, Tier

CONFIG = LaneConfig(tenant_running_cap={Tier.PRO: 100, Tier.PAID: 100, Tier.FREE: 100})


def backlog(tenant: str, tier: Tier, count: int, at: float = 0.0) -> list[Waiting]:
    return [Waiting(f"{tenant}-{i:04d}", tenant, tier, at + i * 1e-3) for i in range(count)]


def drain(waiting: list[Waiting], picks: int, now: float = 0.0, config: LaneConfig = CONFIG,
          state: LaneState | None = None) -> list[lanes.Pick]:  # fmt: skip
    """Start `picks` jobs one after another (each ends before the next starts)."""
    state = state or LaneState()
    left, out = list(waiting), []
    for _ in range(picks):
        chosen = lanes.pick(left, {}, now, state, config)
        assert chosen is not None
        state = lanes.advance(state, chosen, config)
        left = [job for job in left if job.id != chosen.id]
        out.append(chosen)
    return out


def test_backlogged_lanes_share_4_2_1_exactly_over_every_7_picks() -> None:
    waiting = backlog("p", Tier.PRO, 500) + backlog("a", Tier.PAID, 500) + backlog("f", Tier.FREE, 500)
    picks = drain(waiting, 700)
    assert Counter(p.lane for p in picks) == {Lane.PRO: 400, Lane.PAID: 200, Lane.FREE: 100}
    for start in range(0, 700, 7):  # every lane makes progress in every window of 7
        assert Counter(p.lane for p in picks[start : start + 7]) == {Lane.PRO: 4, Lane.PAID: 2, Lane.FREE: 1}


def test_an_idle_lane_cannot_bank_credit() -> None:
    state = LaneState()
    for chosen in drain(backlog("a", Tier.PAID, 50) + backlog("f", Tier.FREE, 50), 60, state=state):
        state = lanes.advance(state, chosen, CONFIG)  # Pro was idle for 60 picks
    fresh = drain(backlog("p", Tier.PRO, 50) + backlog("a", Tier.PAID, 50, at=1) + backlog("f", Tier.FREE, 50, at=1),
                  14, state=state)  # fmt: skip
    assert Counter(p.lane for p in fresh)[Lane.PRO] <= 9  # its weight's share (8 of 14), +1 for rejoining


def test_an_idle_lanes_share_goes_to_the_others() -> None:
    picks = drain(backlog("a", Tier.PAID, 50) + backlog("f", Tier.FREE, 50), 30)
    assert Counter(p.lane for p in picks) == {Lane.PAID: 20, Lane.FREE: 10}


def test_tenants_take_turns_so_a_flood_cannot_take_the_lane() -> None:
    waiting = backlog("flood", Tier.FREE, 100) + backlog("b", Tier.FREE, 3, at=5) + backlog("c", Tier.FREE, 3, at=6)
    picks = drain(waiting, 9, now=10)
    assert [p.tenant for p in picks] == ["flood", "b", "c"] * 3
    assert [p.id for p in picks if p.tenant == "flood"] == ["flood-0000", "flood-0001", "flood-0002"]  # FIFO


def test_a_tenant_at_its_cap_waits_and_nothing_starts_when_all_are() -> None:
    config = LaneConfig(tenant_running_cap={Tier.PRO: 1, Tier.PAID: 2, Tier.FREE: 1})
    waiting = backlog("p", Tier.PRO, 3) + backlog("f", Tier.FREE, 3)
    chosen = lanes.pick(waiting, {"p": 1}, 0.0, LaneState(), config)
    assert chosen is not None and chosen.tenant == "f"
    assert lanes.pick(waiting, {"p": 1, "f": 1}, 0.0, LaneState(), config) is None


def test_a_free_job_waiting_30s_is_promoted_and_goes_first_in_the_paid_lane() -> None:
    paid = backlog("a", Tier.PAID, 20, at=0.0)
    free = [Waiting("old-free", "f", Tier.FREE, 5.0)]
    state = LaneState(passes={Lane.PRO: 0.0, Lane.PAID: 0.0, Lane.FREE: 10.0})  # the free lane just had its turn
    early = lanes.pick(paid + free, {}, 34.0, state, CONFIG)
    assert early is not None and early.tenant == "a"  # 29 s: still in the free lane, which has no turn now
    late = lanes.pick(paid + free, {}, 35.0, state, CONFIG)
    assert late == lanes.Pick("old-free", "f", Lane.PAID, True, 30.0)
    never = LaneConfig(promote_free_after_s=None, tenant_running_cap=CONFIG.tenant_running_cap)
    assert lanes.lane_of(free[0], 1e6, never) == (Lane.FREE, False)


def test_estimate_agrees_with_the_order_jobs_start_in() -> None:
    config = LaneConfig(promote_free_after_s=None, tenant_running_cap=CONFIG.tenant_running_cap)
    waiting = backlog("p", Tier.PRO, 4) + backlog("a", Tier.PAID, 4) + backlog("f", Tier.FREE, 4)
    order = [p.id for p in drain(waiting, len(waiting), config=config)]
    for position, job_id in enumerate(order):
        estimate = lanes.estimate(job_id, waiting, 0.0, LaneState(), config, slots=2, job_s=10.0)
        assert estimate.position == position
        assert estimate.eta_s == pytest.approx(position * 5.0)
    # With promotion, time moves on in the estimate: the last free job is promoted before its turn.
    promoted = lanes.estimate(order[-1], waiting, 0.0, LaneState(), CONFIG, slots=2, job_s=10.0)
    assert promoted.position < len(order) - 1
    with pytest.raises(KeyError, match="not waiting"):
        lanes.estimate("nope", waiting, 0.0, LaneState(), CONFIG, slots=2, job_s=10.0)


def test_bad_settings_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"whole numbers >= 1.*'free': 0"):
        LaneConfig(weights={Lane.PRO: 4, Lane.PAID: 2, Lane.FREE: 0})
    with pytest.raises(ValueError, match=r"missing \['free'\]"):
        LaneConfig(weights={Lane.PRO: 4, Lane.PAID: 2})
    with pytest.raises(ValueError, match="lanes and tiers are pro, paid, free"):
        LaneConfig.from_settings({"gold": 4}, 30.0, {})
    config = LaneConfig.from_settings({"pro": 3, "paid": 2, "free": 1}, None, {"free": 1})
    assert config.weights[Lane.PRO] == 3 and config.cap(Tier.FREE) == 1
