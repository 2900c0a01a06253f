"""Server-Sent Events for one job: queued (position, ETA) → started → progress → how it ended.

    event: queued     data: {"position": 2, "eta_s": 7.5}
    event: started    data: {}
    event: progress   data: {"step": 12, "total": 30, "preview": "data:image/png;base64,..."}
    event: completed  data: <the job, with image URLs>      (or review / blocked / failed / cancelled)

Events come from the store's bus (in this process, or relayed from PostgreSQL NOTIFY); the job row
is also re-read every second, so a worker in another process on SQLite (no cross-process bus) is
followed too, only less often. Progress steps only go forward: a late or repeated event is dropped.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread

from muralist.api.deps import AppState
from muralist.api.render import job_out
from muralist.gateway import records
from muralist.queue.events import JobEvent
from muralist.types import JobStatus

POLL_S = 1.0
ENDINGS = {
    JobStatus.SUCCEEDED: "completed",
    JobStatus.REVIEW: "review",
    JobStatus.BLOCKED: "blocked",
    JobStatus.FAILED: "failed",
    JobStatus.CANCELLED: "cancelled",
}


def frame(name: str, data: dict[str, Any], event_id: int) -> str:
    return f"id: {event_id}\nevent: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class _Follower:
    def __init__(self, state: AppState, tenant_id: str, job_id: str, base: str):
        self.state, self.tenant_id, self.job_id, self.base = state, tenant_id, job_id, base
        self.count = 0
        self.started = False
        self.step = -1
        self.queued_at: tuple[int, int] | None = None  # last (position, eta) sent

    def _frame(self, name: str, data: dict[str, Any]) -> str:
        self.count += 1
        return frame(name, data, self.count)

    def _read(self) -> Any:
        return records.job_row(self.state.store.engine, self.tenant_id, self.job_id)

    def _estimate(self) -> tuple[int, float] | None:
        job_s = records.mean_job_seconds(self.state.store.engine)
        try:
            estimate = self.state.store.estimate(self.job_id, self.state.slots, job_s)
        except KeyError:
            return None  # no longer waiting
        return estimate.position, estimate.eta_s

    async def on_row(self) -> tuple[list[str], bool]:
        """Frames for the job's current state; True when the job has ended."""
        job = await to_thread.run_sync(self._read)
        status = JobStatus(job.state)
        frames: list[str] = []
        if status == JobStatus.QUEUED:
            self.started = False
            estimate = await to_thread.run_sync(self._estimate)
            if estimate is not None:
                key = (estimate[0], round(estimate[1]))
                if key != self.queued_at:
                    self.queued_at = key
                    frames.append(self._frame("queued", {"position": estimate[0], "eta_s": round(estimate[1], 1)}))
        elif status in (JobStatus.RUNNING, JobStatus.FINISHING):
            self.queued_at = None
            if not self.started:
                self.started = True
                frames.append(self._frame("started", {}))
            if job.progress_total and job.progress_step > self.step:
                self.step = job.progress_step
                frames.append(self._frame("progress", {"step": job.progress_step, "total": job.progress_total}))
        elif status in ENDINGS:
            out = await to_thread.run_sync(job_out, self.state, self.base, job)
            if not self.started and status == JobStatus.SUCCEEDED:
                frames.append(self._frame("started", {}))
            frames.append(self._frame(ENDINGS[status], out.model_dump(mode="json")))
            return frames, True
        return frames, False

    def on_progress(self, event: JobEvent) -> list[str]:
        if event.step <= self.step:
            return []
        frames = [] if self.started else [self._frame("started", {})]
        self.started, self.step = True, event.step
        data: dict[str, Any] = {"step": event.step, "total": event.total}
        if event.preview:
            data["preview"] = event.preview
        return [*frames, self._frame("progress", data)]


async def follow(state: AppState, tenant_id: str, job_id: str, base: str) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    heard: asyncio.Queue[JobEvent] = asyncio.Queue()

    def listen(event: JobEvent) -> None:
        if event.job_id == job_id:
            loop.call_soon_threadsafe(heard.put_nowait, event)

    unsubscribe = state.store.events.subscribe(listen)
    follower = _Follower(state, tenant_id, job_id, base)
    try:
        frames, ended = await follower.on_row()
        for f in frames:
            yield f
        while not ended:
            try:
                event: JobEvent | None = await asyncio.wait_for(heard.get(), POLL_S)
            except TimeoutError:
                event = None
            if event is not None and event.kind == "progress":
                for f in follower.on_progress(event):
                    yield f
                continue
            frames, ended = await follower.on_row()
            for f in frames:
                yield f
            if not frames and event is None:
                yield ": keep-alive\n\n"
    finally:
        unsubscribe()
