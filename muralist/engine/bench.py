"""`muralist bench engine`: what continuous batching buys, measured on this machine.

Poisson arrivals of 4-image requests replay in real time through three admission policies over the
same Engine, runner and model:

- sequential: one request at a time, first come first served;
- static: request-level batching: when the engine is idle, every waiting request (up to the batch
  size) starts together, and newcomers wait for the whole batch to finish;
- continuous: step-level batching: a request joins the running batch at the next step.

For each mode and load it reports throughput (images/min), mean and p95 latency (arrival → images),
mean wait before the first step, and the mean time of one engine step. Load is a fraction of the
sequential mode's measured capacity; "saturation" means every request is there at t = 0.
Checkpoint overhead is the continuous mode at saturation with checkpoints every 10 steps to local
disk against the same run without.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from muralist.engine.engine import Engine, Event
from muralist.models.loading import Model
from muralist.storage.objects import LocalStore
from muralist.types import GenerationParams, Sampler

MODES = ("sequential", "static", "continuous")


@dataclass(frozen=True)
class Outcome:
    throughput_images_per_min: float
    mean_latency_s: float
    p95_latency_s: float
    mean_wait_before_first_step_s: float
    step_time_s: float
    requests: int

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def request_params(model: Model, index: int, steps: int, images: int) -> GenerationParams:
    size = model.default_size
    return GenerationParams(
        prompt=f"benchmark scene number {index}", model=model.name, seed=1000 + 10 * index, width=size, height=size,
        steps=steps, sampler=Sampler.DDIM, guidance_scale=7.5, n=images,
    )  # fmt: skip


def arrivals(count: int, rate_per_s: float | None, seed: int) -> list[float]:
    """Arrival times of a Poisson process (exponential gaps); all at 0 when rate is None."""
    if rate_per_s is None:
        return [0.0] * count
    gaps = np.random.default_rng(seed).exponential(1.0 / rate_per_s, size=count)
    return list(np.cumsum(gaps) - gaps[0])


def replay(model: Model, mode: str, times: list[float], steps: int = 30, images: int = 4, max_batch: int = 16,
           checkpoint_every: int = 0) -> Outcome:  # fmt: skip
    """Run one arrival schedule through one admission policy, in real time."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    finished: dict[str, float] = {}
    first_step: dict[str, float] = {}
    step_times: list[float] = []

    def listen(event: Event) -> None:
        if event.kind in ("finished", "failed"):
            finished[event.request_id] = time.monotonic()

    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(Path(tmp)) if checkpoint_every else None
        batch = images if mode == "sequential" else max_batch
        engine = Engine({model.name: model}, max_batch=batch, store=store, checkpoint_every=checkpoint_every,
                        preview_every=0, on_event=listen)  # fmt: skip
        pending = [(t, f"r{i}", request_params(model, i, steps, images)) for i, t in enumerate(times)]
        arrived: dict[str, float] = {}
        waiting: list[tuple[str, GenerationParams]] = []
        start = time.monotonic()
        while pending or waiting or engine.scheduler.entries:
            now = time.monotonic() - start
            while pending and pending[0][0] <= now:
                t, request_id, params = pending.pop(0)
                arrived[request_id] = start + t
                waiting.append((request_id, params))
            idle = not engine.scheduler.entries
            admit = waiting if mode == "continuous" else waiting[: batch // images] if idle else []
            for request_id, params in list(admit):
                engine.submit(request_id, params, priority=(arrived[request_id],))
                waiting.remove((request_id, params))
            if not engine.scheduler.entries:
                time.sleep(min(0.005, max(0.0, pending[0][0] - now)) if pending else 0)
                continue
            before = time.monotonic()
            engine.step()
            step_times.append(time.monotonic() - before)
            for entry in engine.scheduler.entries.values():
                if entry.first_step_at is not None:
                    first_step.setdefault(entry.id, entry.first_step_at)
        elapsed = time.monotonic() - start
    latencies = [finished[r] - arrived[r] for r in arrived]
    waits = [first_step[r] - arrived[r] for r in arrived]
    return Outcome(
        throughput_images_per_min=len(times) * images / elapsed * 60,
        mean_latency_s=statistics.fmean(latencies),
        p95_latency_s=float(np.percentile(latencies, 95)),
        mean_wait_before_first_step_s=statistics.fmean(waits),
        step_time_s=statistics.fmean(step_times),
        requests=len(times),
    )


def run_bench(model: Model, requests: int = 12, loads: tuple[float, ...] = (0.5, 0.8), steps: int = 30,
              images: int = 4, max_batch: int = 16, seed: int = 0) -> dict:  # fmt: skip
    """The whole benchmark: saturation per mode, then each load level, then checkpoint overhead."""
    saturated = {mode: replay(model, mode, arrivals(requests, None, seed), steps, images, max_batch)
                 for mode in MODES}  # fmt: skip
    capacity_per_s = saturated["sequential"].throughput_images_per_min / 60 / images  # requests/s
    per_load = {}
    for load in loads:
        times = arrivals(requests, load * capacity_per_s, seed)
        per_load[str(load)] = {mode: replay(model, mode, times, steps, images, max_batch).as_dict() for mode in MODES}
    with_checkpoints = replay(model, "continuous", arrivals(requests, None, seed), steps, images, max_batch,
                              checkpoint_every=10)  # fmt: skip
    base = saturated["continuous"].throughput_images_per_min
    overhead = (base - with_checkpoints.throughput_images_per_min) / base * 100
    return {
        "model": model.name,
        "requests": requests,
        "images_per_request": images,
        "steps": steps,
        "max_batch": max_batch,
        "modes": {mode: outcome.as_dict() for mode, outcome in saturated.items()},
        "loads": per_load,
        "load_unit": "fraction of the sequential mode's capacity",
        "checkpoint_overhead_pct": round(overhead, 2),
    }
