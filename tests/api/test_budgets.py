"""Budgets and limits, as a client meets them: 403 naming the budget, 429 with Retry-After, problem details.

Against a server with no worker: accepted jobs stay queued, which is all a quota needs.
"""

from __future__ import annotations

import io

from live_server import Running
from PIL import Image


def test_free_tier_step_budget_is_refused_not_clamped(api_only: Running) -> None:
    free = api_only.tenant("free")
    response = free.post("/api/v1/generations", json={"prompt": "a red apple", "steps": 50})
    assert response.status_code == 403
    problem = response.json()
    assert problem["field"] == "steps" and "step budget is 30" in problem["detail"] and "50" in problem["detail"]
    assert free.get("/api/v1/images").json()["data"] == []

    too_big = free.post("/api/v1/generations", json={"prompt": "a red apple", "width": 128, "height": 128})
    assert too_big.status_code == 403 and "64x64" in too_big.json()["detail"]

    ok = free.post("/api/v1/generations", json={"prompt": "a red apple", "steps": 30, "n": 1})
    assert ok.status_code == 202 and ok.json()["step_budget"] == 30  # written into the job


def test_the_26th_free_image_of_the_day_is_429_with_retry_after(api_only: Running) -> None:
    free = api_only.tenant("free")
    for n in (4, 4, 4, 4, 4, 4, 1):  # 25 images
        assert free.post("/api/v1/generations", json={"prompt": "a pear", "n": n, "steps": 4}).status_code == 202
    over = free.post("/api/v1/generations", json={"prompt": "a pear", "n": 1, "steps": 4})
    assert over.status_code == 429
    assert 0 < int(over.headers["retry-after"]) <= 86_400 + 1
    assert "25 images today" in over.json()["detail"] and "00:00 UTC" in over.json()["detail"]


def test_rate_limit_is_429_with_retry_after(api_only: Running) -> None:
    paid = api_only.tenant("paid")  # this server's paid tier: bursts of 3, then one a minute
    codes = [paid.post("/api/v1/generations", json={"prompt": "a plum", "n": 1}).status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]
    limited = paid.post("/api/v1/generations", json={"prompt": "a plum", "n": 1})
    assert limited.json()["type"] == "/problems/rate-limit" and int(limited.headers["retry-after"]) >= 1


def test_a_blocked_prompt_never_queues_and_is_not_echoed(api_only: Running) -> None:
    pro = api_only.tenant("pro")
    prompt = "a woman having sex on a bed, explicit"
    response = pro.post("/api/v1/generations", json={"prompt": prompt})
    assert response.status_code == 400
    problem = response.json()
    assert problem["category"] == "sexual" and problem["field"] == "prompt"
    assert "having sex" not in response.text
    store = api_only.app.state.muralist.store
    with store.engine.connect() as c:
        from sqlalchemy import text

        assert c.execute(text("SELECT count(*) FROM jobs WHERE params LIKE '%having sex%'")).scalar() == 0


def test_invalid_requests_get_problem_details_naming_the_field(api_only: Running) -> None:
    pro = api_only.tenant("pro")
    cases = [
        ({"prompt": "x" * 2001}, "prompt"),
        ({"prompt": "a cat", "n": 5}, "n"),
        ({"prompt": "a cat", "width": 62}, "width"),  # not a multiple of the VAE factor (4)
        ({"prompt": "a cat", "sampler": "plms"}, "sampler"),
        ({"prompt": "a cat", "colour": "red"}, "colour"),
        ({"prompt": "a cat", "model": "no-such-model"}, None),
    ]
    for body, field in cases:
        response = pro.post("/api/v1/generations", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        if field is not None:
            assert problem["field"] == field or field in problem["detail"], problem
    assert "no-such-model" in pro.post("/api/v1/generations", json=cases[-1][0]).json()["detail"]


def _png(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_uploads_are_limited(api_only: Running) -> None:
    pro = api_only.tenant("pro")

    def edit(data: bytes, name: str = "i.png") -> tuple[int, str]:
        response = pro.post("/v1/images/edits", data={"prompt": "a hat"}, files={"image": (name, data)})
        return response.status_code, response.json()["detail"]

    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, format="GIF")
    assert edit(gif.getvalue(), "i.gif")[0] == 415
    assert edit(b"\x89PNG not really")[0] == 415
    status, detail = edit(_png((5000, 5000), "1"))  # a few KB that decode to 25 megapixels
    assert status == 413 and "decompression-bomb" in detail
    status, detail = edit(b"\0" * (10 * 1024 * 1024 + 1))
    assert status == 413 and "10 MB" in detail
    status, detail = edit(_png((64, 64), "RGB"))  # no mask and no alpha: nothing says where to repaint
    assert status == 422 and "alpha" in detail


def test_health_ready_and_openapi(api_only: Running) -> None:
    client = api_only.tenant()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/generations", "/api/v1/generations/{job_id}/events", "/v1/images/edits", "/api/v1/images"):
        assert path in paths


def test_prompt_verdicts_are_counted_on_metrics_without_the_prompt(api_only: Running) -> None:
    import re

    pro = api_only.tenant("pro")
    pattern = re.compile(r'safety_decisions_total\{category="sexual",decision="block",stage="prompt"\} (\S+)')

    def blocked_so_far() -> float:
        found = pattern.search(pro.get("/metrics").text)
        return float(found.group(1)) if found else 0.0

    before = blocked_so_far()
    assert pro.post("/api/v1/generations", json={"prompt": "explicit sex scene, nude"}).status_code == 400
    assert blocked_so_far() == before + 1
    assert "nude" not in pro.get("/metrics").text
