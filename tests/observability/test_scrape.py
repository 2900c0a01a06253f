"""/metrics after real generations: the real Worker runs two jobs from the job store on the tiny model, one
behind the other, and the exposition is read over HTTP as Prometheus would read it.

Metrics are process-wide counters, so every figure here is the difference between a scrape before the
run and one after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from prom_text import parse, total, value

from muralist.engine.worker import Worker
from muralist.observability import metrics
from muralist.queue.store import JobStore
from muralist.queue.tenants import create_tenant
from muralist.storage.objects import LocalStore
from muralist.types import GenerationParams, JobStatus, Tier

PRICE = 3.6  # dollars per device-hour: one device-second costs $0.001


@pytest.fixture
def scrape():  # noqa: ANN201 - a function that GETs /metrics
    server, thread = metrics.serve_metrics(0, "127.0.0.1")
    url = f"http://127.0.0.1:{server.server_port}/metrics"

    def get() -> str:
        response = httpx.get(url, timeout=10)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        return response.text

    yield get
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    metrics.watch_queue_depth(None)


def test_a_queued_job_shows_queue_wait_and_denoise_time_apart(tmp_path: Path, tiny_model: Any, scrape: Any) -> None:
    store = JobStore.open(f"sqlite:///{tmp_path / 'jobs.db'}")
    metrics.watch_queue_depth(store.depths)
    tenant = create_tenant(store.engine, "acme", Tier.PAID)
    # Two model names for one model, so each job's denoise time has its own series. With one slot, the
    # short job waits for the whole of the long one.
    long = GenerationParams(prompt="a red apple", model="tiny", seed=1, width=64, height=64, steps=40, n=2)
    short = GenerationParams(prompt="a blue cat", model="tiny-b", seed=2, width=64, height=64, steps=4, n=1)
    before, types = parse(scrape())
    assert value(before, "queue_depth", lane="paid") == 0
    first = store.enqueue(tenant, long, 50, None)
    second = store.enqueue(tenant, short, 50, None)
    queued, _ = parse(scrape())
    assert [value(queued, "queue_depth", lane=lane) for lane in ("pro", "paid", "free")] == [0, 2, 0]

    worker = Worker(store, LocalStore(tmp_path / "objects"), lambda name: tiny_model, slots=1, poll_s=0.01,
                    checkpoint_every=10, say=lambda line: None)  # fmt: skip
    worker.engine.price_per_device_hour = PRICE
    assert worker.run(until_idle=True) == 2
    after, types = parse(scrape())

    def delta(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    # Every metric of issue 10 is exposed, with its type.
    expected = {
        "queue_wait_seconds": "histogram", "denoise_seconds": "histogram", "end_to_end_seconds": "histogram",
        "queue_depth": "gauge", "running_samples": "gauge", "batch_size": "histogram",
        "device_seconds_per_image": "histogram", "cost_per_image_usd": "summary", "safety_decisions": "counter",
        "checkpoint_write_seconds": "histogram", "checkpoint_digest_failures": "counter", "nan_guard": "counter",
        "lease_rescues": "counter", "job_outcomes": "counter", "jobs_submitted": "counter",
    }  # fmt: skip
    assert {name: types.get(name) for name in expected} == expected

    # Queue wait: what the store recorded (enqueue -> first start, database clock), per job.
    jobs = [store.job(first), store.job(second)]
    assert all(j.state == JobStatus.SUCCEEDED for j in jobs)
    waits = [j.started_at - j.created_at for j in jobs]  # type: ignore[operator]
    assert delta("queue_wait_seconds_count", lane="paid", tier="paid") == 2
    assert delta("queue_wait_seconds_sum", lane="paid", tier="paid") == pytest.approx(sum(waits), abs=1e-6)

    # The short job waited for the long one; its own denoising took a fraction of that.
    short_denoise = delta("denoise_seconds_sum", model="tiny-b")
    long_denoise = delta("denoise_seconds_sum", model="tiny")
    assert delta("denoise_seconds_count", model="tiny-b") == 1 and delta("denoise_seconds_count", model="tiny") == 1
    assert 0 < short_denoise < long_denoise <= waits[1]
    assert waits[1] > 3 * short_denoise

    # End to end covers the wait and the denoising (and decoding, storing) of each job.
    assert delta("end_to_end_seconds_count", tier="paid") == 2
    e2e = delta("end_to_end_seconds_sum", tier="paid")
    assert e2e >= sum(waits) + long_denoise + short_denoise - 0.05

    # One UNet call per step: 40 calls of 2 samples, then 4 of 1; nothing left running.
    assert delta("batch_size_count") == 44 and delta("batch_size_sum") == 40 * 2 + 4 * 1
    assert value(after, "running_samples") == 0

    # Device time per delivered image: the steps' time shared by the images; priced at $3.60/h.
    assert delta("device_seconds_per_image_count", model="tiny") == 2
    assert delta("device_seconds_per_image_count", model="tiny-b") == 1
    device_s = delta("device_seconds_per_image_sum")
    assert 0.5 * (long_denoise + short_denoise) < device_s <= long_denoise + short_denoise + 1e-6
    assert delta("cost_per_image_usd_count") == 3
    assert delta("cost_per_image_usd_sum") == pytest.approx(device_s * PRICE / 3600)

    # The long job checkpointed at steps 10, 20 and 30 (it ended at 40); nothing failed or was rescued.
    assert delta("checkpoint_write_seconds_count") == 3
    assert 0 < delta("checkpoint_write_seconds_sum") < long_denoise
    for name in ("checkpoint_digest_failures_total", "nan_guard_total", "lease_rescues_total"):
        assert delta(name) == 0, name

    assert delta("jobs_submitted_total", tier="paid") == 2
    assert delta("job_outcomes_total", outcome="succeeded", tier="paid") == 2
    assert value(after, "queue_depth", lane="paid") == 0
