"""A webhook delivery that fails is retried and arrives signed; a `review` prompt's images wait for a moderator."""

from __future__ import annotations

import http.server
import threading
import time
from typing import Any

import httpx
from live_server import Running
from sse import events, wait

from muralist.gateway.webhooks import HEADER, verify, webhook_secret

# Word salad (possible token soup against the text encoder) that the pre-filter holds for review.
HELD_PROMPT = "a quiet harbour at dawn, vrtzunkish glorbixal wumpfelory boats"


def test_webhook_is_signed_and_retried_after_a_failure(server: Running) -> None:
    received: list[tuple[bytes, str]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers[HEADER]))
            self.send_response(500 if len(received) == 1 else 204)  # the first attempt fails
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    receiver = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        client = server.tenant("pro")
        hook = f"http://127.0.0.1:{receiver.server_port}/hook"
        job = client.post(
            "/api/v1/generations", json={"prompt": "a blue car", "n": 1, "steps": 5, "seed": 1, "webhook_url": hook}
        )
        assert wait(client, job.json()["id"])["status"] == "succeeded"
        deadline = time.monotonic() + 20
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        receiver.shutdown()
    assert len(received) == 2  # one failure, then delivered
    body, signature = received[1]
    secret = webhook_secret(None, server.settings.data_dir)
    assert verify(body, signature, secret, time.time())
    assert not verify(body.replace(b"succeeded", b"failed"), signature, secret, time.time())
    assert b'"type": "generation.succeeded"' in body and job.json()["id"].encode() in body


def test_a_review_prompt_holds_the_images_until_an_admin_approves(server: Running) -> None:
    client, admin = server.tenant("pro"), server.tenant("pro", admin=True)
    job = client.post("/api/v1/generations", json={"prompt": HELD_PROMPT, "n": 1, "steps": 5}).json()
    ending, held = events(client, job["id"])[-1]
    assert ending == "review" and held["status"] == "review"
    image = held["images"][0]
    assert image["status"] == "held" and image["url"] is None
    assert client.get(image["download_url"]).status_code == 409
    assert client.get("/api/v1/admin/reviews").status_code == 403  # not an admin

    items = [i for i in admin.get("/api/v1/admin/reviews").json() if i["job_id"] == job["id"]]
    assert len(items) == 1 and items[0]["verdict"]["category"] == "adversarial_gibberish"
    assert admin.get(items[0]["preview_url"]).headers["content-type"] == "image/png"
    decided = admin.post(f"/api/v1/admin/reviews/{items[0]['id']}/approve").json()
    assert decided == {"id": items[0]["id"], "state": "approved", "job_status": "succeeded"}

    after = client.get(f"/api/v1/generations/{job['id']}").json()
    assert after["status"] == "succeeded" and after["images"][0]["status"] == "delivered"
    assert httpx.get(after["images"][0]["url"]).status_code == 200
    assert admin.post(f"/api/v1/admin/reviews/{items[0]['id']}/reject").status_code == 409
