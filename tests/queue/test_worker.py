"""The worker in this process, on the tiny model: images stored by content hash with their parameters,
a model that cannot load fails its jobs with the reason, a cancelled job is dropped mid-run."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image

from muralist.engine.worker import Worker
from muralist.errors import ModelError
from muralist.queue.events import JobEvent
from muralist.queue.store import JobStore
from muralist.queue.tenants import create_tenant
from muralist.storage.objects import LocalStore
from muralist.types import GenerationParams, JobStatus, Tier


def make_worker(store: JobStore, objects: LocalStore, tiny_model: Any, said: list[str]) -> Worker:
    def load(name: str) -> Any:
        if name != "tiny":
            raise ModelError(f"unknown model {name!r}: it is neither a registered name nor an existing directory")
        return tiny_model

    return Worker(store, objects, load, slots=2, poll_s=0.05, say=said.append)


def test_jobs_run_to_images_and_a_broken_model_fails_its_job(tmp_path: Path, tiny_model: Any) -> None:
    store = JobStore.open(f"sqlite:///{tmp_path / 'jobs.db'}")
    tenant = create_tenant(store.engine, "acme", Tier.PAID)
    good = GenerationParams(prompt="a red apple", model="tiny", seed=5, width=64, height=64, steps=12, n=2)
    ok = store.enqueue(tenant, good, 50, None)
    broken = store.enqueue(tenant, GenerationParams(prompt="x", model="nope", seed=1, width=64, height=64), 50, None)
    objects, said = LocalStore(tmp_path / "objects"), []

    assert make_worker(store, objects, tiny_model, said).run(until_idle=True) == 1

    job = store.job(broken)
    assert job.state == JobStatus.FAILED and job.error is not None and "unknown model 'nope'" in job.error
    assert store.job(ok).state == JobStatus.SUCCEEDED
    images = store.images(ok)
    assert [im["params"]["seed"] for im in images] == [5, 6]  # each image regenerates alone
    for im in images:
        png = Image.open(io.BytesIO(objects.get(im["object_key"])))
        metadata = json.loads(png.text["muralist"])  # type: ignore[attr-defined]
        assert metadata["params"] == im["params"] and metadata["job"] == ok
    assert objects.list("checkpoints") == []


def test_a_job_cancelled_mid_run_is_dropped_and_writes_nothing(tmp_path: Path, tiny_model: Any) -> None:
    store = JobStore.open(f"sqlite:///{tmp_path / 'jobs.db'}")
    params = GenerationParams(prompt="a long wait", model="tiny", seed=1, width=64, height=64, steps=200)
    job_id = store.enqueue(create_tenant(store.engine, "acme", Tier.PRO), params, 200, None)

    def cancel_on_progress(event: JobEvent) -> None:
        if event.kind == "progress" and event.step >= 10:
            store.cancel(job_id)

    store.events.subscribe(cancel_on_progress)
    objects, said = LocalStore(tmp_path / "objects"), []
    assert make_worker(store, objects, tiny_model, said).run(until_idle=True) == 0

    job = store.job(job_id)
    assert job.state == JobStatus.CANCELLED and job.progress_step < 200
    assert store.images(job_id) == [] and objects.list("images") == []
    assert any("lost the lease" in line for line in said)


def test_a_stopped_worker_hands_its_job_back_and_the_next_resumes_it(tmp_path: Path, tiny_model: Any) -> None:
    store = JobStore.open(f"sqlite:///{tmp_path / 'jobs.db'}")
    params = GenerationParams(prompt="a cat", model="tiny", seed=3, width=64, height=64, steps=40)
    job_id = store.enqueue(create_tenant(store.engine, "acme", Tier.PAID), params, 50, None)
    objects, said = LocalStore(tmp_path / "objects"), []
    first = make_worker(store, objects, tiny_model, said)
    store.events.subscribe(lambda e: first.stop() if e.kind == "progress" and e.step >= 20 else None)

    assert first.run() == 0  # SIGTERM in `muralist worker` calls stop()
    job = store.job(job_id)
    assert (job.state, job.attempts, job.lease_owner) == (JobStatus.QUEUED, 0, None)  # handed back at no cost

    second = make_worker(store, objects, tiny_model, said)
    assert second.run(until_idle=True) == 1
    assert any("resumed from a checkpoint, 20 of 40 steps done" in line for line in said)
    assert store.job(job_id).state == JobStatus.SUCCEEDED
