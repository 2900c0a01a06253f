"""Turning observability on in a process: one call in `muralist worker` and one in `create_app`.

`observe_worker(worker, store, settings)` sets up JSON logs, the engine's price per device-hour,
queue depth and /metrics on a port of its own; `observe_api(app, store, settings)` sets up JSON logs,
queue depth and `GET /metrics` on the app.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from muralist.errors import UserError
from muralist.observability.logs import configure_logging
from muralist.observability.metrics import metrics_router, serve_metrics, watch_queue_depth

if TYPE_CHECKING:
    from muralist.config import Settings
    from muralist.engine.worker import Worker
    from muralist.queue.store import JobStore

log = logging.getLogger(__name__)


def observe_worker(worker: Worker, store: JobStore, settings: Settings) -> int | None:
    """Logs, the engine's price per device-hour, queue depth, and /metrics; the port served (or None)."""
    configure_logging(settings.log_format, settings.log_level)
    worker.engine.price_per_device_hour = settings.device_price_per_hour
    watch_queue_depth(store.depths)
    if settings.metrics_port is None:
        return None
    try:
        server, _ = serve_metrics(settings.metrics_port)
    except OSError as exc:
        raise UserError(
            f"cannot serve /metrics on port {settings.metrics_port}: {exc}; give each worker on a machine its "
            "own MURALIST_METRICS_PORT"
        ) from exc
    port = int(server.server_port)
    log.info("serving /metrics", extra={"port": port, "worker": worker.worker_id})
    return port


def observe_api(app: Any, store: JobStore, settings: Settings) -> None:
    """Logs, queue depth, and `GET /metrics` on a FastAPI app."""
    configure_logging(settings.log_format, settings.log_level)
    watch_queue_depth(store.depths)
    app.include_router(metrics_router())
