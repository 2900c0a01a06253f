"""The tier policy and the token bucket, on hand-built inputs (both are pure)."""

from __future__ import annotations

import pytest

from muralist.gateway.policy import DEFAULT_TIERS, BudgetError, check
from muralist.gateway.ratelimit import refill, wait_s
from muralist.types import GenerationParams, Kind, Tier


def params(steps: int = 30, side: int = 64, kind: Kind = Kind.TXT2IMG) -> GenerationParams:
    init = "sha256:" + "0" * 64 if kind != Kind.TXT2IMG else None
    return GenerationParams(prompt="a cat", model="builtin", seed=1, width=side, height=side, steps=steps, kind=kind,
                            init_image=init)  # fmt: skip


def test_defaults_are_the_design_table() -> None:
    table = {t: (p.steps, p.images_per_day, p.max_size_factor) for t, p in DEFAULT_TIERS.items()}
    assert table == {"free": (30, 25, 1), "paid": (50, 500, 2), "pro": (80, None, 4)}


CASES = [("free", 30, True), ("free", 31, False), ("paid", 50, True), ("paid", 51, False), ("pro", 80, True),
         ("pro", 81, False)]  # fmt: skip


@pytest.mark.parametrize(("tier", "steps", "ok"), CASES)
def test_more_steps_than_the_budget_are_refused_naming_it(tier: str, steps: int, ok: bool) -> None:
    policy = DEFAULT_TIERS[tier]
    if ok:
        check(policy, Tier(tier), params(steps), 64)
        return
    with pytest.raises(BudgetError, match=f"step budget is {policy.steps} steps") as refused:
        check(policy, Tier(tier), params(steps), 64)
    assert refused.value.field == "steps"


def test_size_is_limited_by_tier_but_not_for_an_upscale() -> None:
    with pytest.raises(BudgetError, match="up to 64x64"):
        check(DEFAULT_TIERS["free"], Tier.FREE, params(side=128), 64)
    check(DEFAULT_TIERS["paid"], Tier.PAID, params(side=128), 64)
    check(DEFAULT_TIERS["free"], Tier.FREE, params(side=256, kind=Kind.UPSCALE), 64)


def test_token_bucket() -> None:
    assert refill(None, None, 100.0, 1.0, 5) == 5.0  # a new bucket is full
    assert refill(0.0, 100.0, 102.5, 1.0, 5) == 2.5
    assert refill(4.0, 100.0, 200.0, 1.0, 5) == 5.0  # never above the burst
    assert wait_s(1.0, 0.5) == 0.0 and wait_s(0.5, 0.5) == 1.0
