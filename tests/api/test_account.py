"""GET /api/v1/account (what the web page shows beside the prompt) and GET /api/v1/admin/queue."""

from __future__ import annotations

from live_server import Running


def test_account_shows_tier_budget_and_todays_usage(api_only: Running) -> None:
    client = api_only.tenant("free")
    before = client.get("/api/v1/account").json()
    assert before["tier"] == "free" and before["step_budget"] == 30 and before["admin"] is False
    assert before["images_per_day"] == 25 and before["used_today"] == 0 and before["remaining_today"] == 25
    assert before["resets_at"] % 86_400 == 0 and before["max_size"] == before["base_size"]
    assert "ddim" in before["samplers"]

    assert client.post("/api/v1/generations", json={"prompt": "a red apple", "n": 3, "steps": 5}).status_code == 202
    after = client.get("/api/v1/account").json()
    assert after["used_today"] == 3 and after["remaining_today"] == 22


def test_account_needs_a_key(api_only: Running) -> None:
    import httpx

    response = httpx.get(api_only.url + "/api/v1/account")
    assert response.status_code == 401 and "API key" in response.json()["detail"]


def test_admin_queue_lists_every_lane_and_is_admin_only(api_only: Running) -> None:
    pro = api_only.tenant("pro")
    assert pro.post("/api/v1/generations", json={"prompt": "a blue star", "steps": 5}).status_code == 202
    assert pro.get("/api/v1/admin/queue").status_code == 403

    queue = api_only.tenant("pro", admin=True).get("/api/v1/admin/queue").json()
    lanes = {lane["lane"]: lane for lane in queue["lanes"]}
    assert set(lanes) == {"pro", "paid", "free"}
    assert lanes["pro"]["waiting"] >= 1 and lanes["pro"]["oldest_wait_s"] >= 0
    assert queue["running"] == []  # api_only has no worker: nothing runs
