"""A real uvicorn server on a free port, running create_app in this process; tenants made per test."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from muralist.api.app import create_app
from muralist.config import Settings
from muralist.queue.tenants import add_api_key, create_tenant
from muralist.types import Tier


@dataclass
class Running:
    url: str
    app: Any
    settings: Settings

    def tenant(self, tier: str = "pro", admin: bool = False) -> httpx.Client:
        """A client holding the key of a new tenant."""
        engine = self.app.state.muralist.store.engine
        key = add_api_key(engine, create_tenant(engine, f"t-{uuid.uuid4().hex[:8]}", Tier(tier), admin=admin))
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=120)

    def key_of(self, client: httpx.Client) -> str:
        return client.headers["Authorization"].removeprefix("Bearer ")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(settings: Settings, run_worker: bool) -> Iterator[Running]:
    app = create_app(settings, run_worker=run_worker)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Running(f"http://127.0.0.1:{port}", app, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
