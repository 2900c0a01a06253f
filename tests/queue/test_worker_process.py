"""Nothing lost, real processes: `muralist worker` is SIGKILLed after a claim, mid-run and between
writing the images and recording completion, then restarted; every job ends `succeeded` once, with
one set of images. A worker paused past its lease (SIGSTOP) cannot overwrite its successor's result."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from muralist.queue.store import JobStore
from muralist.queue.tenants import create_tenant
from muralist.storage.objects import LocalStore
from muralist.types import GenerationParams, JobStatus, Tier

LEASE_S = 3.0


def start_worker(url: str, data: Path, log: Path, crash_at: str | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MURALIST_MAX_ATTEMPTS": "10", "MURALIST_CHECKPOINT_EVERY": "10"}
    env.pop("MURALIST_CRASH_AT", None)
    if crash_at:
        env["MURALIST_CRASH_AT"] = crash_at
    command = [sys.executable, "-m", "muralist.cli", "worker", "--database-url", url, "--data-dir", str(data),
               "--lease-seconds", str(LEASE_S), "--slots", "2", "--until-idle"]  # fmt: skip
    with open(log, "ab") as stderr:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the worker exited ({process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def running(store: JobStore, ids: list[str], min_step: int = 0) -> bool:
    return any(j.state == JobStatus.RUNNING and j.progress_step >= min_step for j in map(store.job, ids))


def test_nothing_is_lost_when_the_worker_is_killed(db_url: str, tiny_sd: Path, tmp_path: Path) -> None:
    store = JobStore.open(db_url)
    tenant = create_tenant(store.engine, "acme", Tier.PAID)
    jobs = [
        store.enqueue(tenant, GenerationParams(prompt=f"a cat, take {k}", model=str(tiny_sd), seed=k, width=64,
                                               height=64, steps=60, n=2), step_budget=60, daily_images=None)
        for k in range(3)
    ]  # fmt: skip
    data, log = tmp_path / "data", tmp_path / "worker.log"

    worker = start_worker(db_url, data, log)  # 1: killed right after it has accepted a job
    wait_for(lambda: running(store, jobs), worker, "a claim")
    kill(worker)

    worker = start_worker(db_url, data, log)  # 2: killed mid-run, past a step checkpoint
    wait_for(lambda: running(store, jobs, min_step=20), worker, "a job at step 20")
    kill(worker)

    worker = start_worker(db_url, data, log, crash_at="images-written")  # 3: images stored, completion not
    assert worker.wait(timeout=180) == -signal.SIGKILL
    assert (data / "objects" / "images").is_dir()

    worker = start_worker(db_url, data, log)  # 4: runs to the end
    assert worker.wait(timeout=240) == 0, log.read_text()[-3000:]

    text = log.read_text()
    assert "failpoint images-written" in text and "resumed from a checkpoint" in text
    objects = LocalStore(data / "objects")
    referenced = set()
    for job_id in jobs:
        job = store.job(job_id)
        assert job.state == JobStatus.SUCCEEDED, (job_id, job.error)
        images = store.images(job_id)
        assert [im["index"] for im in images] == [0, 1]
        for im in images:
            objects.get(im["object_key"])  # present, and its bytes match its SHA-256 name
            referenced.add(im["object_key"])
    assert set(objects.list("images")) == referenced  # a re-run wrote the same bytes: no stray second set
    assert sum(store.job(j).attempts for j in jobs) > len(jobs)  # the kills really cost attempts
    assert objects.list("checkpoints") == []


def test_a_worker_paused_past_its_lease_cannot_overwrite_its_successor(tiny_sd: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    store = JobStore.open(url)
    params = GenerationParams(prompt="a slow cat", model=str(tiny_sd), seed=7, width=64, height=64, steps=150)
    job_id = store.enqueue(create_tenant(store.engine, "acme", Tier.PRO), params, step_budget=150, daily_images=None)
    data = tmp_path / "data"

    paused = start_worker(url, data, tmp_path / "paused.log")
    wait_for(lambda: running(store, [job_id], min_step=10), paused, "the first worker at step 10")
    paused_id = store.job(job_id).lease_owner
    paused.send_signal(signal.SIGSTOP)
    try:
        successor = start_worker(url, data, tmp_path / "successor.log")
        assert successor.wait(timeout=240) == 0, (tmp_path / "successor.log").read_text()[-3000:]
        done = store.job(job_id)
        assert done.state == JobStatus.SUCCEEDED and done.lease_owner != paused_id and done.attempts == 2, done
    finally:
        paused.send_signal(signal.SIGCONT)
    assert paused.wait(timeout=120) == 0  # it finds out, drops the job and leaves (nothing left to do)

    after = store.job(job_id)
    assert (after.state, after.lease_owner, after.finished_at, after.fence) == (
        JobStatus.SUCCEEDED, done.lease_owner, done.finished_at, done.fence)  # fmt: skip
    assert len(store.images(job_id)) == 1
    assert "lost the lease" in (tmp_path / "paused.log").read_text()


@pytest.fixture(autouse=True)
def _no_inherited_failpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MURALIST_CRASH_AT", raising=False)
