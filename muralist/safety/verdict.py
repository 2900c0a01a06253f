"""Verdict: what the safety filter decided about one prompt or one image, and why.

A verdict is safe to log and to store on a job: it carries categories, scores, the policy version
and short reasons ("lexical: sexual term", "embedding: 0.71 to violence_gore"), never the text of
the prompt. `log_record` adds a prompt hash so that repeated attempts can be correlated.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Decision(enum.StrEnum):
    ALLOW = "allow"
    REVIEW = "review"  # held for a moderator: the images are made but not delivered until approved
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Decision.ALLOW: 0, Decision.REVIEW: 1, Decision.BLOCK: 2}


class Category(enum.StrEnum):
    NONE = "none"
    SEXUAL = "sexual"
    SEXUAL_MINORS = "sexual_minors"
    VIOLENCE = "violence_gore"
    SELF_HARM = "self_harm"
    HATE = "hate"
    REAL_PEOPLE = "nonconsensual_real_people"
    ILLEGAL = "illegal_activity"
    INJECTION = "prompt_injection"
    GIBBERISH = "adversarial_gibberish"


# The content categories a policy must configure (injection and gibberish are signals about the
# prompt, configured in their own sections).
CONTENT_CATEGORIES = (
    Category.SEXUAL,
    Category.SEXUAL_MINORS,
    Category.VIOLENCE,
    Category.SELF_HARM,
    Category.HATE,
    Category.REAL_PEOPLE,
    Category.ILLEGAL,
)


class Stage(enum.StrEnum):
    PROMPT = "prompt"
    IMAGE = "image"


# What a person sees when their request is stopped. Deliberately says which category and what to
# do next, never which word tripped the filter (that would be a guide to evading it).
_MESSAGES = {
    Decision.BLOCK: {
        Stage.PROMPT: "This prompt was blocked by the content policy ({category}); nothing was generated.",
        Stage.IMAGE: "This image was withheld by the content policy ({category}) and will not be delivered.",
    },
    Decision.REVIEW: {
        Stage.PROMPT: "This prompt is held for review by a moderator ({category}): its images are held until approved.",
        Stage.IMAGE: "This image is held for review by a moderator ({category}); it is delivered if approved.",
    },
}


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    category: Category
    score: float  # strength of the evidence for `category`, 0..1 (0 when allowed with nothing found)
    stage: Stage
    policy_version: str
    reasons: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)  # per-category evidence, for metrics and tuning

    @property
    def allowed(self) -> bool:
        return self.decision == Decision.ALLOW

    @property
    def blocked(self) -> bool:
        return self.decision == Decision.BLOCK

    @property
    def held(self) -> bool:
        return self.decision == Decision.REVIEW

    def user_message(self) -> str:
        """One sentence for the person who asked; empty when allowed."""
        if self.allowed:
            return ""
        label = self.category.value.replace("_", " ")
        message = _MESSAGES[self.decision][self.stage].format(category=label)
        if self.category == Category.INJECTION:
            message += " It contains instructions addressed to the safety filter; remove them and try again."
        return message

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "category": self.category.value,
            "score": round(self.score, 4),
            "stage": self.stage.value,
            "policy_version": self.policy_version,
            "reasons": list(self.reasons),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """A verdict stored with `to_dict` (on a job or an image record) back into a Verdict."""
        return cls(
            Decision(data["decision"]),
            Category(data["category"]),
            float(data.get("score", 0.0)),
            Stage(data.get("stage", Stage.PROMPT.value)),
            str(data.get("policy_version", "")),
            tuple(data.get("reasons", ())),
            dict(data.get("scores", {})),
        )


# When two categories reach the same decision, the more specific one names the verdict: "a nude
# 10 year old" is sexual content involving a minor before it is sexual content.
CATEGORY_PRIORITY = (
    Category.SEXUAL_MINORS,
    Category.REAL_PEOPLE,
    Category.SELF_HARM,
    Category.VIOLENCE,
    Category.HATE,
    Category.ILLEGAL,
    Category.SEXUAL,
    Category.INJECTION,
    Category.GIBBERISH,
    Category.NONE,
)


def strictest(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict that stops the most (block > review > allow; ties: the more specific category, then score)."""
    ordered = sorted(
        verdicts, key=lambda v: (v.decision.severity, -CATEGORY_PRIORITY.index(v.category), v.score), reverse=True
    )
    if not ordered:
        raise ValueError("strictest() needs at least one verdict")
    return ordered[0]


def prompt_hash(text: str, key: bytes = b"") -> str:
    """A stable digest of a prompt for logs: correlates repeats without storing the words.

    With a `key` (a server secret) the digest is an HMAC, so short prompts cannot be recovered by
    hashing guesses.
    """
    data = text.encode("utf-8")
    digest = hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()
    return f"sha256:{digest[:32]}"


def log_record(verdict: Verdict, prompt: str, key: bytes = b"") -> dict[str, Any]:
    """What logs and metrics may carry about a screened prompt: the verdict and a hash, never the text."""
    return {**verdict.to_dict(), "prompt_hash": prompt_hash(prompt, key), "prompt_chars": len(prompt)}
