"""The engine scheduler: which requests share the next UNet call. Pure: state and a clock in, a plan out.

Every iteration plans one batch: the requests of one *group* (the same model and latent shape, so
their latents stack) that fit in `max_batch` samples, taken in priority order. Requests join at
the next step boundary and leave when they finish, so requests at different steps, with different
step counts, samplers and guidance share each call (continuous batching, as Orca / vLLM do for
tokens). Priorities come from the caller (the queue's lanes): a running request that no longer
fits behind higher-priority ones is paused and resumes when there is room again.

A request never runs a step beyond its step budget, whatever it asked for.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field


class Phase(enum.StrEnum):
    WAITING = "waiting"  # admitted, no step run yet
    RUNNING = "running"  # in the last plan
    PAUSED = "paused"  # has run, left out of the last plan for higher-priority work
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


LIVE = (Phase.WAITING, Phase.RUNNING, Phase.PAUSED)


@dataclass
class Entry:
    """The scheduler's view of a request: no tensors, only what planning needs."""

    id: str
    group: Hashable  # requests share a UNet call only within one group
    samples: int  # images the request makes (each a batch row, two with guidance)
    steps: int  # steps the request asks for
    budget: int  # steps it may run: it stops there whatever `steps` says
    priority: tuple = ()  # smaller runs first; ties go to the earlier request
    added_at: float = 0.0
    done: int = 0  # steps run
    phase: Phase = Phase.WAITING
    first_step_at: float | None = None
    error: str | None = None
    order: int = 0  # admission order (tie-breaker)

    @property
    def remaining(self) -> int:
        return min(self.steps, self.budget) - self.done


@dataclass(frozen=True)
class Plan:
    group: Hashable
    ids: tuple[str, ...]
    samples: int


@dataclass
class Scheduler:
    max_batch: int  # samples per UNet call
    entries: dict[str, Entry] = field(default_factory=dict)
    _admitted: int = 0

    def add(self, entry: Entry) -> None:
        if entry.id in self.entries:
            raise ValueError(f"request {entry.id} is already scheduled")
        if entry.samples > self.max_batch:
            raise ValueError(f"request {entry.id} has {entry.samples} samples; a batch holds {self.max_batch}")
        if entry.budget < 1 or entry.steps < 1:
            raise ValueError(f"request {entry.id} needs steps and budget >= 1, got {entry.steps}, {entry.budget}")
        entry.order = self._admitted
        self._admitted += 1
        self.entries[entry.id] = entry

    def cancel(self, request_id: str) -> bool:
        """Cancel at the next step boundary; False if the request is no longer live."""
        entry = self.entries.get(request_id)
        if entry is None or entry.phase not in LIVE:
            return False
        entry.phase = Phase.CANCELLED
        return True

    def live(self) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.phase in LIVE), key=lambda e: (e.priority, e.order))

    def schedule(self, now: float) -> Plan | None:
        """The next batch: the top request's group, filled in priority order; None when idle."""
        ranked = self.live()
        if not ranked:
            return None
        group = ranked[0].group
        chosen: list[Entry] = []
        room = self.max_batch
        for entry in ranked:
            if entry.group == group and entry.samples <= room:
                chosen.append(entry)
                room -= entry.samples
        for entry in ranked:
            if entry in chosen:
                entry.phase = Phase.RUNNING
                if entry.first_step_at is None:
                    entry.first_step_at = now
            elif entry.phase == Phase.RUNNING:
                entry.phase = Phase.PAUSED
        return Plan(group, tuple(e.id for e in chosen), self.max_batch - room)

    def update(self, plan: Plan, errors: dict[str, str]) -> list[Entry]:
        """Record one step run for every request of `plan`; return those that ended with it.

        `errors` maps a request id to why its step failed (a NaN, say); that request ends failed.
        A request cancelled while its step ran ends cancelled. One that reached its step count
        finishes; one that reached its budget first fails with a message naming the budget.
        """
        ended = []
        for request_id in plan.ids:
            entry = self.entries[request_id]
            if entry.phase == Phase.CANCELLED:
                ended.append(entry)
                continue
            if request_id in errors:
                entry.phase, entry.error = Phase.FAILED, errors[request_id]
                ended.append(entry)
                continue
            entry.done += 1
            if entry.done >= entry.steps:
                entry.phase = Phase.FINISHED
                ended.append(entry)
            elif entry.done >= entry.budget:
                entry.phase = Phase.FAILED
                entry.error = (
                    f"step budget exhausted: the request asked for {entry.steps} steps, its budget is {entry.budget}"
                )
                ended.append(entry)
        # Requests cancelled while waiting or paused end now too.
        for entry in self.entries.values():
            if entry.phase == Phase.CANCELLED and entry.id not in plan.ids and entry not in ended:
                ended.append(entry)
        for entry in ended:
            del self.entries[entry.id]
        return ended
