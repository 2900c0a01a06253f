"""The denoising engine: continuous batching of requests, step budgets, progress, checkpoints.

    engine = Engine({"builtin": model}, max_batch=8, store=LocalStore(...), on_event=print)
    engine.submit("job-1", params, budget=30, priority=(0,))
    engine.run_until_idle()

Each iteration is the three calls of DESIGN.md §3: the pure scheduler plans a batch, the runner
runs it in one UNet call, the scheduler records the outcome. Then the side effects: progress and
preview events, checkpoints every N steps, and the finished images (VAE decode).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image

from muralist.engine import checkpoint
from muralist.engine.preview import Projection, fit_projection
from muralist.engine.request import Result, Sample, prepare
from muralist.engine.runner import denoise_step
from muralist.engine.scheduler import Entry, Phase, Plan, Scheduler
from muralist.errors import NonFiniteLatentsError, UserError
from muralist.finishing.decode import decode
from muralist.models.loading import Model
from muralist.observability import metrics
from muralist.storage.objects import ObjectStore
from muralist.types import GenerationParams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """What a listener hears about a request: progress, previews, and how it ended."""

    kind: str  # "resumed" | "progress" | "finished" | "failed" | "cancelled"
    request_id: str
    step: int = 0  # steps done (of this run of the schedule)
    total: int = 0
    eta_s: float | None = None
    previews: list[np.ndarray] | None = None  # one per image, at latent resolution
    results: list[Result] | None = None
    error: str | None = None
    device_seconds: float = 0.0  # "finished": the request's share of the device time of every step it ran


@dataclass
class Request:
    id: str
    params: GenerationParams
    model: Model
    samples: list[Sample]
    submitted_at: float
    device_seconds: float = 0.0  # each step's time, shared by the samples of its batch


@dataclass
class Engine:
    models: dict[str, Model]
    max_batch: int = 8
    store: ObjectStore | None = None
    checkpoint_every: int = 10  # steps; 0 = never
    preview_every: int = 5  # steps; 0 = never
    on_event: Callable[[Event], None] = lambda event: None
    clock: Callable[[], float] = time.monotonic
    price_per_device_hour: float | None = None  # for the cost_per_image_usd metric; None: not priced
    stats: checkpoint.CheckpointStats = field(default_factory=checkpoint.CheckpointStats)
    unet_calls: int = 0
    step_time_s: float | None = None  # moving average of one iteration
    requests: dict[str, Request] = field(default_factory=dict)
    scheduler: Scheduler = field(init=False)
    _projections: dict[str, Projection] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scheduler = Scheduler(self.max_batch)

    # ---------------------------------------------------------------------------------- intake

    def submit(
        self,
        request_id: str,
        params: GenerationParams,
        init_image: Image.Image | None = None,
        mask: Image.Image | None = None,
        budget: int | None = None,
        priority: tuple = (),
    ) -> None:
        """Admit a request; it joins the batch at the next step boundary (resuming if it can)."""
        model = self.models.get(params.model)
        if model is None:
            raise UserError(f"model {params.model!r} is not loaded here; loaded: {sorted(self.models)}")
        samples = prepare(model, params, init_image, mask)
        schedule = samples[0].schedule
        done = self._resume(request_id, params, samples)
        entry = Entry(
            id=request_id,
            group=(params.model, samples[0].state.latents.shape),
            samples=params.n,
            steps=schedule.steps_to_run,
            budget=params.steps if budget is None else budget,
            priority=priority,
            added_at=self.clock(),
            done=done,
        )
        self.scheduler.add(entry)
        self.requests[request_id] = Request(request_id, params, model, samples, self.clock())

    def _resume(self, request_id: str, params: GenerationParams, samples: list[Sample]) -> int:
        """Put the newest valid checkpoint's states into `samples`; the steps it had done (or 0)."""
        if self.store is None:
            return 0
        found = checkpoint.load_newest(self.store, request_id, params.digest(), self.stats)
        if found is None:
            return 0
        step, states = found
        for sample, state in zip(samples, states, strict=True):
            sample.state = state
        schedule = samples[0].schedule
        self.on_event(Event("resumed", request_id, step - schedule.start, schedule.steps_to_run))
        return step - schedule.start

    def cancel(self, request_id: str) -> bool:
        return self.scheduler.cancel(request_id)

    # ---------------------------------------------------------------------------------- the loop

    def step(self) -> bool:
        """One iteration; False when there is nothing to run."""
        started = self.clock()
        plan = self.scheduler.schedule(started)
        if plan is None:
            return False
        errors = self._run(plan)
        ended = self.scheduler.update(plan, errors)
        self._after(plan, ended, self.clock() - started)
        return True

    def run_until_idle(self) -> None:
        while self.step():
            pass

    def _run(self, plan: Plan) -> dict[str, str]:
        """One UNet call for every sample of the plan; errors for requests with no sample left."""
        requests = [self.requests[i] for i in plan.ids]
        running = [s for r in requests for s in r.samples if s.error is None]
        self.unet_calls += 1
        for sample, result in zip(running, denoise_step(requests[0].model, running), strict=True):
            if isinstance(result, NonFiniteLatentsError):
                sample.error = str(result)
            else:
                sample.state = result
        return {r.id: r.samples[0].error or "failed" for r in requests if all(s.error for s in r.samples)}

    def _after(self, plan: Plan, ended: list[Entry], seconds: float) -> None:
        self.step_time_s = seconds if self.step_time_s is None else 0.8 * self.step_time_s + 0.2 * seconds
        for request_id in plan.ids:  # device time: a batch of 8 samples costs each of them 1/8 of the step
            self.requests[request_id].device_seconds += seconds * self.requests[request_id].params.n / plan.samples
        metrics.observe_step(plan.samples, sum(e.samples for e in self.scheduler.live()))
        for request_id in plan.ids:
            entry = self.scheduler.entries.get(request_id)
            if entry is None:
                continue  # ended: reported below
            request = self.requests[request_id]
            previews = None
            if self.preview_every and entry.done % self.preview_every == 0:
                projection = self._projection(request.model)
                previews = [projection(s.state.latents) for s in request.samples]
            # The checkpoint first: a progress row at a checkpoint step records that step's checkpoint
            # (the worker lists the newest), and no one sees step N before checkpoint N exists.
            if self.store is not None and self.checkpoint_every and entry.done % self.checkpoint_every == 0:
                self._checkpoint(request)
            eta = entry.remaining * self.step_time_s
            self.on_event(Event("progress", request_id, entry.done, entry.steps, eta, previews))
        for entry in ended:
            self._finish(entry)

    def _checkpoint(self, request: Request) -> None:
        assert self.store is not None
        started = time.perf_counter()
        checkpoint.save(self.store, request.id, request.params.digest(), [s.state for s in request.samples])
        self.stats.written += 1
        self.stats.write_seconds.append(time.perf_counter() - started)

    def _finish(self, entry: Entry) -> None:
        request = self.requests.pop(entry.id)
        if self.store is not None:
            checkpoint.clear(self.store, entry.id)
        if entry.phase == Phase.CANCELLED:
            self.on_event(Event("cancelled", entry.id, entry.done, entry.steps))
            return
        model = request.params.model
        metrics.observe_denoise(model, self.clock() - (entry.first_step_at or request.submitted_at))
        if any(s.error is not None for s in request.samples):  # only the NaN guard sets a sample's error
            metrics.count_nan_guard(model)
        if entry.phase == Phase.FAILED:
            self.on_event(Event("failed", entry.id, entry.done, entry.steps, error=entry.error))
            return
        results = _decode_results(request)
        delivered = sum(r.pixels is not None for r in results)
        metrics.observe_images(model, delivered, request.device_seconds, self.price_per_device_hour)
        self.on_event(Event("finished", entry.id, entry.done, entry.steps, 0.0, results=results,
                            device_seconds=request.device_seconds))  # fmt: skip

    def _projection(self, model: Model) -> Projection:
        if model.name not in self._projections:
            self._projections[model.name] = fit_projection(model)
        return self._projections[model.name]


def _decode_results(request: Request) -> list[Result]:
    ok = [k for k, s in enumerate(request.samples) if s.error is None]
    pixels = decode(request.model, torch.cat([request.samples[k].state.latents for k in ok])) if ok else None
    results = []
    for k, sample in enumerate(request.samples):
        image = pixels[ok.index(k)] if pixels is not None and k in ok else None
        results.append(Result(k, request.params.for_image(k), image, sample.error))
    return results
