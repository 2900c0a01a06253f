"""Tier policy: what a tenant's tier allows, and the check of one request against it. Pure.

    policy = TierPolicy(steps=30, images_per_day=25, max_size_factor=1, ...)
    check(policy, tier, params, base_size)     # BudgetError (403) naming the budget, or None

A request that asks for more than its tier allows is refused, never clamped (DESIGN.md §2): a client
that asked for 50 steps and silently got 30 would pay for an image it did not ask for.
"""

from __future__ import annotations

from dataclasses import dataclass

from muralist.errors import UserError
from muralist.types import GenerationParams, Kind, Tier


@dataclass(frozen=True)
class TierPolicy:
    steps: int  # the step budget written into every job: the engine never runs more
    images_per_day: int | None  # None: unlimited
    max_size_factor: int  # the largest side a request may ask for, in multiples of the model's base size
    rate_per_minute: float  # requests that create jobs, refilled continuously
    burst: int  # how many such requests may come at once


DEFAULT_TIERS: dict[str, TierPolicy] = {
    Tier.FREE.value: TierPolicy(steps=30, images_per_day=25, max_size_factor=1, rate_per_minute=30, burst=10),
    Tier.PAID.value: TierPolicy(steps=50, images_per_day=500, max_size_factor=2, rate_per_minute=120, burst=30),
    Tier.PRO.value: TierPolicy(steps=80, images_per_day=None, max_size_factor=4, rate_per_minute=600, burst=100),
}


class BudgetError(UserError):
    """A request beyond what the tenant's tier allows (HTTP 403); the message names the budget."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def policy_for(tiers: dict[str, TierPolicy], tier: Tier) -> TierPolicy:
    try:
        return tiers[tier.value]
    except KeyError:
        raise UserError(f"no policy is configured for tier {tier.value!r}; configured: {sorted(tiers)}") from None


def check(policy: TierPolicy, tier: Tier, params: GenerationParams, base_size: int) -> None:
    """Raise BudgetError if `params` asks for more than `policy` allows."""
    if params.steps > policy.steps:
        raise BudgetError(
            f"the {tier.value} tier's step budget is {policy.steps} steps per image; this request asks for "
            f"{params.steps}. Ask for {policy.steps} or fewer, or move to a tier with a larger budget",
            field="steps",
        )
    if params.kind == Kind.UPSCALE:
        return  # the upscale of an image the tier was allowed to make
    largest = policy.max_size_factor * base_size
    if max(params.width, params.height) > largest:
        raise BudgetError(
            f"the {tier.value} tier allows images up to {largest}x{largest} ({policy.max_size_factor}x the model's "
            f"base size {base_size}); this request asks for {params.width}x{params.height}",
            field="size",
        )
