"""The worker: claims jobs from the store, runs them through one Engine, records what came out.

    worker = Worker(store, objects, load_model_by_name)
    worker.run(until_idle=True)

Every claim is a lease (queue/store.py). The loop fills the engine up to `slots` jobs, runs one
engine step, and renews its leases every third of the lease time; a lease it can no longer renew
(the job was cancelled, or the worker was paused so long that another took the job over) is
dropped from the engine at once. A job resumes from its newest step checkpoint, so a job rescued
from a dead worker repeats only the steps since that checkpoint. Finished images are stored under
their content hash before completion is recorded, so a crash between the two costs a re-run that
writes the same bytes to the same key: never a second set of images.

Crash tests put the process down at exact points with `MURALIST_CRASH_AT=<point>` (a failpoint:
the process SIGKILLs itself there). Points: `images-written`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from muralist import __version__
from muralist.engine.engine import Engine, Event
from muralist.engine.request import Result
from muralist.errors import UserError
from muralist.finishing.metadata import png_bytes
from muralist.models.loading import Model
from muralist.queue.lanes import LANE_ORDER
from muralist.queue.store import Claim, JobStore, NewImage
from muralist.storage.objects import ObjectStore
from muralist.types import JobStatus, Kind

log = logging.getLogger(__name__)

CRASH_AT = "MURALIST_CRASH_AT"
PROGRESS_EVERY_S = 0.5  # progress rows are written at most this often per job (and at every checkpoint)


@dataclass
class Active:
    claim: Claim
    admitted_at: float
    progress_written_at: float = 0.0


@dataclass
class Worker:
    store: JobStore
    objects: ObjectStore
    load_model: Callable[[str], Model]
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
    slots: int = 4  # jobs in the engine at once
    max_batch: int = 8  # samples per UNet call
    checkpoint_every: int = 10
    poll_s: float = 0.5
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)
    active: dict[str, Active] = field(default_factory=dict)
    bad_models: dict[str, str] = field(default_factory=dict)  # name -> why it cannot be loaded
    completed: int = 0
    engine: Engine = field(init=False)
    _beat_at: float = 0.0
    _stopping: bool = False

    def __post_init__(self) -> None:
        self.engine = Engine(
            {},
            max_batch=self.max_batch,
            store=self.objects,
            checkpoint_every=self.checkpoint_every,
            preview_every=0,
            on_event=self._on_event,
        )
        self.crash_at = os.environ.get(CRASH_AT)

    def stop(self, *_: object) -> None:
        """Finish the current step, hand the jobs back to the queue, and leave `run`."""
        self._stopping = True

    def run(self, until_idle: bool = False) -> int:
        """Work until stopped (or, with `until_idle`, until no job is queued or running anywhere)."""
        self.say(f"worker {self.worker_id}: {self.slots} slots, lease {self.store.lease_s:g} s")
        while not self._stopping:
            self._fill()
            if not self.active:
                if until_idle and self._nothing_left():
                    break
                time.sleep(self.poll_s)
                continue
            self.engine.step()
            self._heartbeat()
        for job_id in list(self.active):
            self.store.release(self.active.pop(job_id).claim)
        return self.completed

    # ---------------------------------------------------------------------------------- claims

    def _fill(self) -> None:
        while len(self.active) < self.slots and not self._stopping:
            claim = self.store.claim(self.worker_id)
            if claim is None:
                return
            self._admit(claim)

    def _admit(self, claim: Claim) -> None:
        params = claim.params
        if claim.job_id in self.active:  # our own lease ran out and we took the job again: keep running it
            self.active[claim.job_id].claim = claim
            return
        if params.model not in self.engine.models and params.model not in self.bad_models:
            # Loading can outlast the lease: hand the job back at no cost, load, and claim again.
            self.store.release(claim)
            try:
                self.engine.models[params.model] = self.load_model(params.model)
            except UserError as exc:
                self.bad_models[params.model] = str(exc)
            return
        try:
            if params.model in self.bad_models:
                raise UserError(self.bad_models[params.model])
            if params.kind != Kind.TXT2IMG:
                raise UserError(f"this worker runs txt2img jobs only so far; got a {params.kind.value} job")
            self.active[claim.job_id] = Active(claim, time.monotonic())
            self.engine.submit(claim.job_id, params, budget=claim.step_budget, priority=(LANE_ORDER.index(claim.lane),))
        except UserError as exc:  # the job cannot run anywhere as it is: no retry
            self.active.pop(claim.job_id, None)
            self.store.fail(claim, str(exc), retry=False)
            self.say(f"job {claim.job_id} failed: {exc}")
            return
        self.say(f"job {claim.job_id}: claimed (attempt {claim.attempt}, {claim.lane.value} lane)")

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._beat_at < self.store.lease_s / 3:
            return
        self._beat_at = now
        for job_id, active in list(self.active.items()):
            if not self.store.heartbeat(active.claim):
                self._drop(job_id)

    def _drop(self, job_id: str) -> None:
        """The job is no longer ours (cancelled, or our lease expired and another worker has it)."""
        self.active.pop(job_id, None)
        self.engine.cancel(job_id)
        self.say(f"job {job_id}: lost the lease (cancelled, or taken over after a pause); dropped")

    def _nothing_left(self) -> bool:
        counts = self.store.counts()
        return not any(counts.get(s, 0) for s in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FINISHING))

    # ---------------------------------------------------------------------------------- engine events

    def _on_event(self, event: Event) -> None:
        active = self.active.get(event.request_id)
        if active is None:
            return  # a job we dropped: whatever it did is not ours to record
        if event.kind == "resumed":
            self.say(f"job {event.request_id}: resumed from a checkpoint, {event.step} of {event.total} steps done")
        elif event.kind == "progress":
            self._progress(active, event)
        elif event.kind == "finished":
            self._finish(active, event.results or [])
        elif event.kind == "failed":
            self.active.pop(event.request_id)
            self.store.fail(active.claim, event.error or "sampling failed", retry=False)
            self.say(f"job {event.request_id} failed: {event.error}")

    def _progress(self, active: Active, event: Event) -> None:
        ref = None
        at_checkpoint = self.checkpoint_every and event.step % self.checkpoint_every == 0
        if at_checkpoint:
            refs = self.objects.list(f"checkpoints/{event.request_id}")
            ref = refs[-1] if refs else None
        now = time.monotonic()
        if not at_checkpoint and now - active.progress_written_at < PROGRESS_EVERY_S:
            return
        active.progress_written_at = now
        if not self.store.progress(active.claim, event.step, event.total, ref):
            self._drop(event.request_id)

    def _finish(self, active: Active, results: list[Result]) -> None:
        claim = active.claim
        del self.active[claim.job_id]
        if not self.store.finishing(claim):
            self.say(f"job {claim.job_id}: lost the lease before finishing; dropped")
            return
        # Here the finishing stages plug in: safety post-filter, watermark, C2PA (DESIGN.md §1, 6-7).
        images, errors = [], []
        for result in results:
            if result.pixels is None:
                errors.append(f"image {result.index}: {result.error}")
                continue
            metadata = {
                "params": result.params.to_dict(),
                "request_seed": claim.params.seed,
                "index": result.index,
                "job": claim.job_id,
                "muralist": __version__,
            }
            png = png_bytes(result.pixels, metadata)
            digest = hashlib.sha256(png).hexdigest()
            key = f"images/{digest}.png"
            if not self.objects.exists(key):
                self.objects.put(key, png)
            images.append(NewImage(result.index, digest, key, result.params.to_dict()))
        self._failpoint("images-written")
        if not images:
            self.store.fail(claim, "; ".join(errors) or "no image was made", retry=False)
            return
        if self.store.complete(claim, images, time.monotonic() - active.admitted_at):
            self.completed += 1
            self.say(f"job {claim.job_id}: succeeded, {len(images)} image(s)" + (f"; {errors}" if errors else ""))
        else:
            self.say(f"job {claim.job_id}: lost the lease before completing; its result was not recorded")

    def _failpoint(self, point: str) -> None:
        if self.crash_at == point:
            self.say(f"failpoint {point}: killing this process")
            os.kill(os.getpid(), signal.SIGKILL)
