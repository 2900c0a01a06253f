"""Job events (state changes, progress) fan out to whoever listens.

The store publishes an event for every change it commits. On SQLite the events go to listeners in
the same process (`LocalBus`). On PostgreSQL the store sends them with `pg_notify` inside the
transaction that makes the change (so a listener never hears of a change that was rolled back), and
a `PostgresListener` in each API process re-publishes them on its local bus: a page served by one
machine sees the progress made by a worker on another.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "muralist_jobs"


@dataclass(frozen=True)
class JobEvent:
    job_id: str
    kind: str  # "state" | "progress"
    state: str  # the job's state after the change
    step: int = 0
    total: int = 0
    error: str | None = None
    preview: str | None = None  # progress: a small data:image/png URL of the latents (engine/preview.py)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> JobEvent:
        return cls(**json.loads(text))


Listener = Callable[[JobEvent], None]


class LocalBus:
    """In-process fan-out; a listener that raises is logged and does not stop the others."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Start hearing events; call the returned function to stop."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: JobEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("a job-event listener failed on %s", event)


class PostgresListener:
    """`LISTEN muralist_jobs` on its own connection, in a thread, re-publishing on a LocalBus."""

    def __init__(self, conninfo: str, bus: LocalBus, channel: str = CHANNEL):
        self.conninfo = conninfo
        self.bus = bus
        self.channel = channel
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="muralist-listen", daemon=True)

    def start(self, timeout_s: float = 10.0) -> PostgresListener:
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise TimeoutError(f"could not LISTEN on {self.channel} within {timeout_s} s")
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def __enter__(self) -> PostgresListener:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {self.channel}")
            self._ready.set()
            while not self._stop.is_set():
                for note in connection.notifies(timeout=0.2):
                    try:
                        self.bus.publish(JobEvent.from_json(note.payload))
                    except (ValueError, TypeError):
                        log.warning("ignoring a malformed job event on %s: %r", self.channel, note.payload)


def psycopg_conninfo(sqlalchemy_url: Any) -> str:
    """A libpq connection string from a SQLAlchemy postgresql URL (options such as search_path kept)."""
    from sqlalchemy.engine import make_url

    url = make_url(str(sqlalchemy_url)) if not hasattr(sqlalchemy_url, "drivername") else sqlalchemy_url
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
