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

With `finishing` set (as `muralist serve` and `muralist worker` do) every image goes through the
safety post-filter and the finishing stages before it is stored (DESIGN.md §1, stages 6-8): a blocked
image is never stored, a held one (image or prompt verdict `review`) waits under held/ for a
moderator, the rest are watermarked, C2PA-signed and stored under images/. Upscale jobs never enter
the engine: the worker upscales the parent image (the model's own upscaler if its directory ships
`upscaler/`, Lanczos otherwise) and finishes it like any other image.

Crash tests put the process down at exact points with `MURALIST_CRASH_AT=<point>` (a failpoint:
the process SIGKILLs itself there). Points: `images-written`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from muralist import __version__
from muralist.engine.engine import Engine, Event
from muralist.engine.request import Result
from muralist.errors import UserError
from muralist.finishing.c2pa import SigningIdentity
from muralist.finishing.metadata import png_bytes
from muralist.models.loading import Model
from muralist.observability import metrics
from muralist.queue.lanes import LANE_ORDER
from muralist.queue.store import Claim, JobStore, NewImage
from muralist.safety.verdict import Verdict, strictest
from muralist.storage.objects import ObjectStore
from muralist.types import GenerationParams, JobStatus, Kind

log = logging.getLogger(__name__)

CRASH_AT = "MURALIST_CRASH_AT"
PROGRESS_EVERY_S = 0.5  # progress rows are written at most this often per job (and at every checkpoint)
MAX_PREVIEW_CHARS = 6000  # a preview rides in the progress event (pg_notify carries at most 8000 bytes)
INPUT_FOLDERS = ("inputs", "images")  # where an init image or mask named by its SHA-256 is stored


@dataclass(frozen=True)
class Finishing:
    """The stages after denoising (DESIGN.md §1, 6-7); without them the worker stores plain PNGs."""

    identity: SigningIdentity  # C2PA signer
    screen_image: Callable[[Image.Image], Verdict]  # the image post-filter
    include_prompt: bool = True  # False: the PNG metadata records a hash of the prompt


def upscaler_name(model_directory: Path) -> str:
    """Which upscaler a model's images get: its own network (`upscaler/` in its directory) or Lanczos."""
    return "network-x4" if (Path(model_directory) / "upscaler" / "config.json").is_file() else "lanczos-x4"


def image_id(job_id: str, index: int) -> str:
    """A stable id, so that a job re-run after a crash names (and watermarks) its images alike."""
    return hashlib.sha256(f"{job_id}/{index}".encode()).hexdigest()[:32]


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
    finishing: Finishing | None = None
    previews: bool = False  # send a preview of the latents with each progress event
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
            preview_every=1 if self.previews else 0,
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
            if params.kind == Kind.UPSCALE:
                self._upscale(claim, time.monotonic())
                return
            init = self._input(params.init_image, "init image") if params.init_image else None
            mask = self._input(params.mask, "mask") if params.mask else None
            self.active[claim.job_id] = Active(claim, time.monotonic())
            self.engine.submit(
                claim.job_id, params, init, mask, budget=claim.step_budget, priority=(LANE_ORDER.index(claim.lane),)
            )
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
            self._finish(active, event.results or [], event.device_seconds)
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
        last = event.step >= event.total
        if not at_checkpoint and not last and now - active.progress_written_at < PROGRESS_EVERY_S:
            return
        active.progress_written_at = now
        preview = _preview_url(event.previews) if event.previews else None
        if not self.store.progress(active.claim, event.step, event.total, ref, preview):
            self._drop(event.request_id)

    def _finish(self, active: Active, results: list[Result], device_seconds: float) -> None:
        """`device_seconds`: the job's share of every batch it ran in (what it cost, not how long it took)."""
        claim = active.claim
        del self.active[claim.job_id]
        if not self.store.finishing(claim):
            self.say(f"job {claim.job_id}: lost the lease before finishing; dropped")
            return
        images, errors, withheld = [], [], []
        parent = self._parent(claim.params)
        for result in results:
            if result.pixels is None:
                errors.append(f"image {result.index}: {result.error}")
                continue
            kept = self._keep(claim, result.index, result.params, result.pixels, parent, {})
            if isinstance(kept, str):
                withheld.append(kept)
            else:
                images.append(kept)
        self._record(claim, images, errors, withheld, device_seconds)

    def _record(
        self, claim: Claim, images: list[NewImage], errors: list[str], withheld: list[str], device_seconds: float
    ) -> None:
        self._failpoint("images-written")
        if not images and withheld:
            self.store.block(claim, withheld[0])
            for key in self.objects.list(f"finished/{claim.job_id}"):
                self.objects.delete(key)
            self.say(f"job {claim.job_id}: blocked by the image post-filter")
            return
        if not images:
            self.store.fail(claim, "; ".join(errors) or "no image was made", retry=False)
            return
        if self.store.complete(claim, images, device_seconds):
            for key in self.objects.list(f"finished/{claim.job_id}"):
                self.objects.delete(key)
            self.completed += 1
            self.say(f"job {claim.job_id}: succeeded, {len(images)} image(s)" + (f"; {errors}" if errors else ""))
        else:
            self.say(f"job {claim.job_id}: lost the lease before completing; its result was not recorded")

    def _keep(
        self,
        claim: Claim,
        index: int,
        params: GenerationParams,
        pixels: np.ndarray,
        parent: str | None,
        extra: dict[str, Any],
    ) -> NewImage | str:
        """Screen, finish and store one image: its record, or the message saying why it was withheld."""
        metadata = {
            "params": params.to_dict(),
            "request_seed": claim.params.seed,
            "index": index,
            "job": claim.job_id,
            "muralist": __version__,
            **extra,
        }
        name = image_id(claim.job_id, index)
        if self.finishing is None:
            png = png_bytes(pixels, metadata)
            digest = hashlib.sha256(png).hexdigest()
            key = f"images/{digest}.png"
            if not self.objects.exists(key):
                self.objects.put(key, png)
            return NewImage(index, digest, key, params.to_dict(), None, parent, name)
        from muralist.finishing.finish import finish
        from muralist.safety.holding import keep_screened

        # Signing is not deterministic (the manifest has a time), so a re-run after a crash between
        # storing and completing reuses what the crashed run stored, named by this pointer.
        pointer = f"finished/{claim.job_id}/{index}.json"
        if self.objects.exists(pointer):
            done = json.loads(self.objects.get(pointer))
            if done["key"] is None:
                return str(done["message"])
            if self.objects.exists(done["key"]):
                return NewImage(index, done["sha256"], done["key"], params.to_dict(), done["verdict"], parent, name)
        verdicts = [metrics.count_verdict(self.finishing.screen_image(Image.fromarray(pixels)))]
        if claim.prompt_verdict is not None:
            verdicts.append(Verdict.from_dict(claim.prompt_verdict))
        verdict = strictest(verdicts)
        if verdict.blocked:
            self.objects.put(pointer, json.dumps({"key": None, "message": verdict.user_message()}).encode())
            return verdict.user_message()
        png = finish(
            pixels,
            metadata=metadata,
            image_id=name,
            job_id=claim.job_id,
            model_id=params.model,
            policy_version=verdict.policy_version,
            identity=self.finishing.identity,
            include_prompt=self.finishing.include_prompt,
        )
        kept = keep_screened(png, verdict, self.objects)
        assert kept.key is not None
        digest = hashlib.sha256(png).hexdigest()
        record = {"key": kept.key, "sha256": digest, "verdict": verdict.to_dict()}
        self.objects.put(pointer, json.dumps(record).encode())
        return NewImage(index, digest, kept.key, params.to_dict(), verdict.to_dict(), parent, name)

    def _upscale(self, claim: Claim, since: float) -> None:
        """An upscale job: the parent image through the model's upscaler, then finishing as usual."""
        from muralist.finishing.upscale import load_upscaler, upscale

        params = claim.params
        source = self._input(params.init_image, "image to upscale")
        model = self.engine.models[params.model]
        name = upscaler_name(model.directory)
        network = load_upscaler(model.directory / "upscaler") if name.startswith("network") else None
        big = upscale(source.convert("RGB"), network, params.width // source.width or 4)
        if self.store.finishing(claim):
            kept = self._keep(claim, 0, params, np.asarray(big), self._parent(params), {"upscaler": name})
            images, withheld = ([], [kept]) if isinstance(kept, str) else ([kept], [])
            self._record(claim, images, [], withheld, time.monotonic() - since)

    def _input(self, ref: str | None, what: str) -> Image.Image:
        """An init image or mask named `sha256:<hex>`, from the object store."""
        digest = (ref or "").removeprefix("sha256:")
        for folder in INPUT_FOLDERS:
            key = f"{folder}/{digest}.png"
            if self.objects.exists(key):
                with Image.open(io.BytesIO(self.objects.get(key))) as image:
                    image.load()
                    return image.copy()
        raise UserError(f"the {what} {ref} is not in the object store (was it uploaded through the API?)")

    def _parent(self, params: GenerationParams) -> str | None:
        if params.kind in (Kind.UPSCALE, Kind.VARIATION) and params.init_image:
            return self.store.image_id_for_hash(params.init_image.removeprefix("sha256:"))
        return None

    def _failpoint(self, point: str) -> None:
        if self.crash_at == point:
            self.say(f"failpoint {point}: killing this process")
            os.kill(os.getpid(), signal.SIGKILL)


def _preview_url(previews: list[np.ndarray]) -> str | None:
    """The images' latent previews side by side, as a data URL (None when too large to send)."""
    strip = Image.fromarray(np.concatenate(previews, axis=1))
    buffer = io.BytesIO()
    strip.save(buffer, format="PNG", optimize=True)
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return url if len(url) <= MAX_PREVIEW_CHARS else None
