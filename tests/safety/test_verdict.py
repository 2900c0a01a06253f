"""Verdicts: the strictest wins, messages say what happened, logs never carry the words."""

from __future__ import annotations

from muralist.safety.verdict import Category, Decision, Stage, Verdict, log_record, prompt_hash, strictest


def v(decision: Decision, score: float = 0.5, category: Category = Category.SEXUAL) -> Verdict:
    return Verdict(decision, category, score, Stage.PROMPT, "test+00000000")


def test_strictest_prefers_block_then_review_then_score() -> None:
    assert strictest([v(Decision.ALLOW), v(Decision.BLOCK, 0.1), v(Decision.REVIEW, 0.9)]).decision == Decision.BLOCK
    assert strictest([v(Decision.REVIEW, 0.2), v(Decision.REVIEW, 0.8)]).score == 0.8


def test_messages_name_the_category_and_what_happens_next() -> None:
    blocked = Verdict(Decision.BLOCK, Category.VIOLENCE, 1.0, Stage.IMAGE, "x")
    assert blocked.user_message() == (
        "This image was withheld by the content policy (violence gore) and will not be delivered."
    )
    held = Verdict(Decision.REVIEW, Category.INJECTION, 1.0, Stage.PROMPT, "x")
    assert "held for review by a moderator" in held.user_message()


def test_prompt_hash_is_stable_and_keyed() -> None:
    assert prompt_hash("a cat") == prompt_hash("a cat")
    assert prompt_hash("a cat") != prompt_hash("a cat", key=b"server secret")
    record = log_record(v(Decision.BLOCK), "a very secret prompt")
    assert "secret" not in str(record)
    assert record["prompt_hash"] == prompt_hash("a very secret prompt")


def test_a_stored_verdict_reads_back() -> None:
    verdict = Verdict(
        Decision.REVIEW, Category.HATE, 0.61, Stage.IMAGE, "v+1", ("embedding:hate>=review",), {"hate": 0.61}
    )
    assert Verdict.from_dict(verdict.to_dict()) == verdict
