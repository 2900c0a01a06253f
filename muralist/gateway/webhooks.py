"""Webhooks: when a job with a `webhook_url` ends, POST it there, signed, retried with backoff.

    Muralist-Signature: t=1767225600,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

The receiver recomputes the HMAC over the timestamp and the raw body with the server's webhook secret
(setting `webhook_secret`, or data_dir/secrets/webhook.key) and rejects old timestamps, so a captured
delivery cannot be replayed later. Each job is sent by exactly one API process: the first to move its
`webhook_state` from empty to `sending` in the database. Attempts back off 1, 2, 4, 8 s; a 2xx ends it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import update

from muralist.queue.events import JobEvent
from muralist.queue.tables import Job
from muralist.types import JobStatus

if TYPE_CHECKING:
    from muralist.api.deps import AppState

log = logging.getLogger(__name__)
HEADER = "Muralist-Signature"
ENDED = {s.value for s in JobStatus if s.terminal} | {JobStatus.REVIEW.value}


def sign(body: bytes, secret: bytes, timestamp: int) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(body: bytes, header: str, secret: bytes, now: float, tolerance_s: float = 300) -> bool:
    """What a receiver does: the signature matches and is recent."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not fields.get("t", "").isdigit() or "v1" not in fields:
        return False
    expected = sign(body, secret, int(fields["t"])).split("v1=")[1]
    return hmac.compare_digest(expected, fields["v1"]) and abs(now - int(fields["t"])) <= tolerance_s


def webhook_secret(configured: str | None, data_dir: Path) -> bytes:
    if configured:
        return configured.encode()
    path = data_dir / "secrets" / "webhook.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip().encode()


class WebhookSender:
    def __init__(self, state: AppState, backoff_s: float = 1.0):
        self.state = state
        self.secret = webhook_secret(state.settings.webhook_secret, state.settings.data_dir)
        self.backoff_s = backoff_s
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="muralist-webhooks", daemon=True)

    def start(self) -> Callable[[], None]:
        """Start listening; returns the function that stops."""
        unsubscribe = self.state.store.events.subscribe(self._hear)
        self.thread.start()

        def stop() -> None:
            unsubscribe()
            self.jobs.put(None)
            self.thread.join(timeout=5)

        return stop

    def _hear(self, event: JobEvent) -> None:
        if event.kind == "state" and event.state in ENDED:
            self.jobs.put(event.job_id)

    def _claim(self, job_id: str) -> bool:
        with self.state.store.engine.begin() as c:
            claimed = c.execute(
                update(Job)
                .where(Job.id == job_id, Job.webhook_url.is_not(None), Job.webhook_state.is_(None))
                .values(webhook_state="sending")
            ).rowcount
        return claimed == 1

    def _run(self) -> None:
        while (job_id := self.jobs.get()) is not None:
            try:
                if self._claim(job_id):
                    self._deliver(job_id)
            except Exception:  # a webhook must never take the API down; say which job and why
                log.exception("webhook for job %s failed", job_id)

    def _deliver(self, job_id: str) -> None:
        from muralist.api.render import job_out

        state = self.state
        with state.store.engine.connect() as c:
            job = c.execute(Job.__table__.select().where(Job.id == job_id)).one()
        base = state.settings.public_url or f"http://{state.settings.host}:{state.settings.port}"
        body = json.dumps({"type": "generation." + job.state, "job": job_out(state, base, job).model_dump(mode="json")})
        outcome = "failed"
        for attempt in range(state.settings.webhook_attempts):
            headers = {"Content-Type": "application/json", HEADER: sign(body.encode(), self.secret, int(time.time()))}
            try:
                response = httpx.post(job.webhook_url, content=body, headers=headers, timeout=10)
                if response.is_success:
                    outcome = "delivered"
                    break
                log.warning("webhook for job %s: HTTP %s (attempt %d)", job_id, response.status_code, attempt + 1)
            except httpx.HTTPError as exc:
                log.warning("webhook for job %s: %s (attempt %d)", job_id, exc, attempt + 1)
            time.sleep(self.backoff_s * 2**attempt)
        with state.store.engine.begin() as c:
            c.execute(update(Job).where(Job.id == job_id).values(webhook_state=outcome))
