"""Reading a Server-Sent Events stream the way a browser's EventSource does."""

from __future__ import annotations

import json
from typing import Any

import httpx


def events(client: httpx.Client, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (event, data) of a job's stream, until the server ends it with the job."""
    found: list[tuple[str, dict[str, Any]]] = []
    name, data = "message", ""
    with client.stream("GET", f"/api/v1/generations/{job_id}/events", timeout=120) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data += line.removeprefix("data:").strip()
            elif line == "" and data:
                found.append((name, json.loads(data)))
                name, data = "message", ""
    return found


def wait(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """Follow the job to its end; its final record."""
    ending = events(client, job_id)[-1]
    return ending[1]
