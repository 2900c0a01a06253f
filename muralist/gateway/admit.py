"""Admission: a request becomes a job, or an error that says which limit it hit.

    job_id = gateway.admit(principal, params, Intake(idempotency_key=..., webhook_url=...))

In this order, cheapest first: the rate limit (429), the tier's step budget and size (403, never
clamped), the model's sizes (422), the safety pre-filter (a blocked prompt never reaches the queue),
then the queue's own transaction, which checks the daily quota (429) as it inserts the job with its
step budget written into it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from muralist.config import Settings
from muralist.errors import UserError
from muralist.gateway import ratelimit
from muralist.gateway.auth import Principal
from muralist.gateway.models import Catalog
from muralist.gateway.policy import check, policy_for
from muralist.observability import metrics
from muralist.queue.store import Intake, JobStore
from muralist.safety.verdict import Verdict
from muralist.types import GenerationParams, Kind


class RateLimitedError(UserError):
    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PromptBlockedError(UserError):
    """The pre-filter blocked the prompt; the message names the category, never the prompt."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.user_message())
        self.verdict = verdict


@dataclass
class Gateway:
    settings: Settings
    store: JobStore
    catalog: Catalog
    screen_prompt: Callable[[str], Verdict]

    def admit(self, who: Principal, params: GenerationParams, intake: Intake | None = None) -> str:
        policy = policy_for(self.settings.tiers, who.tier)
        wait = ratelimit.take(self.store.engine, who.tenant_id, policy.rate_per_minute, policy.burst)
        if wait > 0:
            raise RateLimitedError(
                f"the {who.tier.value} tier allows {policy.rate_per_minute:g} new jobs a minute (bursts of "
                f"{policy.burst}); try again in {math.ceil(wait)} s",
                retry_after_s=math.ceil(wait),
            )
        model = self.catalog.get(params.model)
        check(policy, who.tier, params, model.base_size)
        if params.kind != Kind.UPSCALE:
            model.check_size(params.width, params.height, 4 * model.base_size)
        intake = intake or Intake()
        if params.kind != Kind.UPSCALE:  # an upscale repeats the prompt of an image already screened
            verdict = metrics.count_verdict(self.screen_prompt(params.prompt))
            if verdict.blocked:
                raise PromptBlockedError(verdict)
            intake = dataclasses.replace(intake, prompt_verdict=verdict.to_dict())
        # An upscale runs no denoising steps; its parameters are its parent's, steps included.
        budget = max(policy.steps, params.steps) if params.kind == Kind.UPSCALE else policy.steps
        return self.store.enqueue(who.tenant_id, params, budget, policy.images_per_day, intake)
