"""Every Prometheus metric Muralist exports, defined once, and the small helpers that record them.

Queue wait and denoising time are separate metrics on purpose: a p95 missed because the queue is
backed up calls for more devices (capacity), one missed because steps are slow calls for a look at
the device (health). `end_to_end_seconds` is what the person waited; the other two say why.

    observe_queue_wait("paid", "free", 12.5)   # at claim: enqueue -> first start (DB clock)
    observe_denoise("builtin", 3.2)            # engine: first step -> last step of one request
    app.include_router(metrics_router())       # GET /metrics on the API
    serve_metrics(9464)                        # GET /metrics on a worker (a thread of its own)

Names are the ones the alert rules and the dashboard in ops/ query; a test checks that every name
they use is defined here. Metrics live in their own registry (`REGISTRY`), not prometheus-client's
global one, so the exposition is exactly what is listed here plus the process collector.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    Summary,
    generate_latest,
    make_asgi_app,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

# Buckets are chosen so that every alert threshold is a bucket edge (45 s, 180 s, 50 ms): a quantile
# interpolated inside a wide bucket would fire early or late.
WAIT_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 3600)
LATENCY_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600)
CHECKPOINT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5)
BATCH_BUCKETS = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64)
DEVICE_SECONDS_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120)

# --- the queue (muralist/queue/store.py) ---
QUEUE_WAIT = Histogram(
    "queue_wait_seconds",
    "Time from enqueue to a job's first start, by the lane it was served from and its tenant's tier.",
    ["lane", "tier"],
    buckets=WAIT_BUCKETS,
    registry=REGISTRY,
)
END_TO_END = Histogram(
    "end_to_end_seconds",
    "Time from enqueue to a job's images being recorded (succeeded jobs), by tier.",
    ["tier"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
JOBS_SUBMITTED = Counter("jobs_submitted", "Jobs accepted into the queue, by tier.", ["tier"], registry=REGISTRY)
JOB_OUTCOMES = Counter(
    "job_outcomes",
    "Jobs that ended, by outcome (succeeded, failed, blocked, cancelled) and tier.",
    ["outcome", "tier"],
    registry=REGISTRY,
)
LEASE_RESCUES = Counter(
    "lease_rescues", "Jobs taken back from a worker whose lease expired (crashed, hung, cut off).", registry=REGISTRY
)

# --- the engine (muralist/engine/engine.py, checkpoint.py) ---
DENOISE = Histogram(
    "denoise_seconds",
    "Time one request spent in the denoising loop, from its first step to its last, by model.",
    ["model"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
BATCH_SIZE = Histogram("batch_size", "Samples in one UNet call.", buckets=BATCH_BUCKETS, registry=REGISTRY)
RUNNING_SAMPLES = Gauge("running_samples", "Samples admitted to this engine and not yet ended.", registry=REGISTRY)
DEVICE_SECONDS_PER_IMAGE = Histogram(
    "device_seconds_per_image",
    "Device time of one delivered image: each step's time shared by the samples of its batch.",
    ["model"],
    buckets=DEVICE_SECONDS_BUCKETS,
    registry=REGISTRY,
)
COST_PER_IMAGE = Summary(
    "cost_per_image_usd",
    "Device cost of one image: device_seconds_per_image times the configured price per device-hour.",
    ["model"],
    registry=REGISTRY,
)
NAN_GUARD = Counter(
    "nan_guard", "Requests in which the NaN guard stopped at least one sample (non-finite latents).", ["model"],
    registry=REGISTRY,
)  # fmt: skip
CHECKPOINT_WRITE = Histogram(
    "checkpoint_write_seconds", "Time to write one step checkpoint to the object store.",
    buckets=CHECKPOINT_BUCKETS, registry=REGISTRY,
)  # fmt: skip
CHECKPOINT_DIGEST_FAILURES = Counter(
    "checkpoint_digest_failures",
    "Checkpoints skipped on resume because they did not verify (a disk or a store returned other bytes).",
    registry=REGISTRY,
)

# --- safety (muralist/safety) ---
SAFETY_DECISIONS = Counter(
    "safety_decisions",
    "Safety verdicts, by stage (prompt, image), category and decision (allow, review, block).",
    ["stage", "category", "decision"],
    registry=REGISTRY,
)


class _QueueDepth(Collector):
    """`queue_depth{lane}` read from the job store at scrape time: correct even when no worker claims."""

    def __init__(self) -> None:
        self.source: Callable[[], Mapping[str, int]] | None = None

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "queue_depth", "Jobs waiting in each lane (read from the job store).", labels=["lane"]
        )
        if self.source is not None:
            try:
                depths = self.source()
            except Exception as exc:  # a scrape must not fail because the database is away
                log.warning("queue_depth: cannot read the job store: %s", exc)
                depths = {}
            for lane, depth in sorted(depths.items()):
                family.add_metric([str(lane)], depth)
        yield family

    def describe(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("queue_depth", "Jobs waiting in each lane (read from the job store).", labels=["lane"])


_QUEUE_DEPTH = _QueueDepth()
REGISTRY.register(_QUEUE_DEPTH)


# ---------------------------------------------------------------------------------- helpers


def observe_queue_wait(lane: str, tier: str, seconds: float) -> None:
    QUEUE_WAIT.labels(lane=str(lane), tier=str(tier)).observe(max(0.0, seconds))


def observe_end_to_end(tier: str, seconds: float) -> None:
    END_TO_END.labels(tier=str(tier)).observe(max(0.0, seconds))


def count_job_submitted(tier: str) -> None:
    JOBS_SUBMITTED.labels(tier=str(tier)).inc()


def count_job_outcome(outcome: str, tier: str) -> None:
    JOB_OUTCOMES.labels(outcome=str(outcome), tier=str(tier)).inc()


def count_lease_rescues(jobs: int) -> None:
    if jobs:
        LEASE_RESCUES.inc(jobs)


def watch_queue_depth(source: Callable[[], Mapping[str, int]] | None) -> None:
    """Read `queue_depth{lane}` from `source` (e.g. `JobStore.depths`) at every scrape; None: stop."""
    _QUEUE_DEPTH.source = source


def observe_step(batch_samples: int, running_samples: int) -> None:
    """One engine iteration: the samples of its UNet call, and the samples still admitted after it."""
    BATCH_SIZE.observe(batch_samples)
    RUNNING_SAMPLES.set(running_samples)


def observe_denoise(model: str, seconds: float) -> None:
    DENOISE.labels(model=model).observe(max(0.0, seconds))


def observe_images(model: str, images: int, device_seconds: float, price_per_device_hour: float | None) -> None:
    """`images` delivered images that took `device_seconds` of device time together; cost when priced."""
    if images < 1:
        return
    each = device_seconds / images
    for _ in range(images):
        DEVICE_SECONDS_PER_IMAGE.labels(model=model).observe(each)
        if price_per_device_hour is not None:
            COST_PER_IMAGE.labels(model=model).observe(each * price_per_device_hour / 3600)


def count_nan_guard(model: str) -> None:
    NAN_GUARD.labels(model=model).inc()


@contextmanager
def time_checkpoint_write() -> Iterator[None]:
    with CHECKPOINT_WRITE.time():
        yield


def count_checkpoint_digest_failure() -> None:
    CHECKPOINT_DIGEST_FAILURES.inc()


def count_safety_decision(stage: str, category: str, decision: str) -> None:
    """One verdict; pass `verdict.stage, verdict.category, verdict.decision` (str enums)."""
    SAFETY_DECISIONS.labels(stage=str(stage), category=str(category), decision=str(decision)).inc()


class _Verdict(Protocol):  # muralist.safety.verdict.Verdict, without importing the safety package here
    @property
    def stage(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def decision(self) -> str: ...


V = TypeVar("V", bound=_Verdict)


def count_verdict(verdict: V) -> V:
    """Count a safety `Verdict` and hand it back: `return count_verdict(filter.screen(text))`."""
    count_safety_decision(verdict.stage, verdict.category, verdict.decision)
    return verdict


# ---------------------------------------------------------------------------------- exposition


def exposition() -> tuple[bytes, str]:
    """The text format of every metric, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def metrics_router():  # noqa: ANN201 - fastapi.APIRouter (imported here: workers need no FastAPI)
    """`GET /metrics` for the API: `app.include_router(metrics_router())`."""
    from fastapi import APIRouter, Response

    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    return router


def metrics_app():  # noqa: ANN201 - an ASGI app
    """An ASGI app serving the exposition at any path (mount it: `app.mount("/metrics", metrics_app())`)."""
    return make_asgi_app(registry=REGISTRY)


def serve_metrics(port: int, addr: str = "0.0.0.0"):  # noqa: ANN201 - (server, thread)
    """Serve `/metrics` from a daemon thread (a worker has no web server of its own); port 0 picks one.

    Returns `(server, thread)`; `server.server_port` is the port, `server.shutdown()` stops it.
    """
    return start_http_server(port, addr, registry=REGISTRY)
