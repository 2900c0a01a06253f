"""The pure scheduler, on hand-built states: no torch, no model."""

from __future__ import annotations

from muralist.engine.scheduler import Entry, Phase, Scheduler


def entry(request_id: str, samples: int = 1, steps: int = 3, budget: int = 50, priority: tuple = (1,),
          group: str = "m") -> Entry:  # fmt: skip
    return Entry(request_id, group, samples, steps, budget, priority)


def run(scheduler: Scheduler, now: float = 0.0) -> tuple[str, ...]:
    plan = scheduler.schedule(now)
    assert plan is not None
    scheduler.update(plan, {})
    return plan.ids


def test_new_requests_join_at_the_next_step_and_finished_ones_leave() -> None:
    s = Scheduler(max_batch=8)
    s.add(entry("a", steps=3))
    assert run(s) == ("a",)
    s.add(entry("b", steps=2))
    assert run(s) == ("a", "b")  # b joins a, which is at step 1
    assert run(s) == ("a", "b")
    assert "a" not in s.entries and "b" not in s.entries  # a: 3 of 3, b: 2 of 2
    assert s.schedule(0.0) is None


def test_batch_holds_at_most_max_batch_samples_in_priority_order() -> None:
    s = Scheduler(max_batch=8)
    s.add(entry("free", samples=4, priority=(2,)))
    s.add(entry("paid", samples=4, priority=(1,)))
    s.add(entry("pro", samples=4, priority=(0,)))
    plan = s.schedule(0.0)
    assert plan is not None and plan.ids == ("pro", "paid") and plan.samples == 8
    assert s.entries["free"].phase == Phase.WAITING


def test_a_higher_priority_request_pauses_a_running_one_which_resumes_later() -> None:
    s = Scheduler(max_batch=4)
    s.add(entry("free", samples=4, steps=3, priority=(2,)))
    assert run(s) == ("free",)
    s.add(entry("pro", samples=4, steps=2, priority=(0,)))
    plan = s.schedule(1.0)
    assert plan is not None and plan.ids == ("pro",)
    assert s.entries["free"].phase == Phase.PAUSED and s.entries["free"].done == 1
    s.update(plan, {})
    assert run(s) == ("pro",)
    assert run(s) == ("free",) and s.entries["free"].done == 2


def test_only_one_model_and_shape_per_call() -> None:
    s = Scheduler(max_batch=8)
    s.add(entry("sd", group="sd15-64x64", priority=(0,)))
    s.add(entry("builtin", group="builtin-16x16", priority=(1,)))
    s.add(entry("sd-2", group="sd15-64x64", priority=(2,)))
    assert run(s) == ("sd", "sd-2")


def test_never_a_step_beyond_the_budget() -> None:
    s = Scheduler(max_batch=8)
    s.add(entry("greedy", steps=200, budget=30))
    calls = 0
    while (plan := s.schedule(0.0)) is not None:
        calls += 1
        ended = s.update(plan, {})
    assert calls == 30
    assert ended[0].phase == Phase.FAILED and "budget is 30" in (ended[0].error or "")


def test_cancellation_takes_effect_at_the_step_boundary() -> None:
    s = Scheduler(max_batch=8)
    s.add(entry("a", steps=10))
    s.add(entry("b", steps=10))
    run(s)
    plan = s.schedule(0.0)
    assert plan is not None
    assert s.cancel("a")
    ended = s.update(plan, {})
    assert [(e.id, e.phase) for e in ended] == [("a", Phase.CANCELLED)]
    assert run(s) == ("b",)
    assert not s.cancel("a")


def test_a_failed_step_ends_only_that_request() -> None:
    s = Scheduler(max_batch=8)
    s.add(entry("a", steps=5))
    s.add(entry("b", steps=5))
    plan = s.schedule(0.0)
    assert plan is not None
    ended = s.update(plan, {"a": "latents became non-finite (NaN or inf) at step 1 of 5"})
    assert [(e.id, e.phase) for e in ended] == [("a", Phase.FAILED)]
    assert s.entries["b"].done == 1


def test_first_step_time_is_recorded_for_wait_accounting() -> None:
    s = Scheduler(max_batch=1)
    s.add(entry("a", steps=2, priority=(0,)))
    s.add(entry("b", steps=1, priority=(1,)))
    run(s, now=5.0)
    run(s, now=6.0)
    plan = s.schedule(7.0)
    assert plan is not None and plan.ids == ("b",) and s.entries["b"].first_step_at == 7.0
