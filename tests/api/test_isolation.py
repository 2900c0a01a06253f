"""Another tenant's key finds nothing: 404 on every job and image route, an empty gallery, 403 on files."""

from __future__ import annotations

import httpx
from live_server import Running
from sse import wait


def test_another_tenant_gets_404_everywhere(server: Running) -> None:
    owner, stranger = server.tenant("pro"), server.tenant("pro")
    job = owner.post("/api/v1/generations", json={"prompt": "a green frog", "n": 1, "steps": 8, "seed": 1}).json()
    done = wait(owner, job["id"])
    image = done["images"][0]
    job_id, image_id = job["id"], image["id"]

    routes = [
        ("GET", f"/api/v1/generations/{job_id}"),
        ("GET", f"/api/v1/generations/{job_id}/events"),
        ("DELETE", f"/api/v1/generations/{job_id}"),
        ("GET", f"/api/v1/images/{image_id}"),
        ("GET", f"/api/v1/images/{image_id}/download"),
        ("POST", f"/api/v1/images/{image_id}/upscale"),
        ("POST", f"/api/v1/images/{image_id}/variations"),
    ]
    for method, path in routes:
        response = stranger.request(method, path)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert owner.request("GET", path).status_code != 404 or method != "GET", path  # the owner sees it
    assert stranger.get("/api/v1/images").json() == {"data": [], "next_cursor": None}
    assert [im["id"] for im in owner.get("/api/v1/images").json()["data"]] == [image_id]

    # The owner's signed URL, sent with the stranger's key: refused; without any key: the signature decides.
    assert stranger.get(image["url"]).status_code == 403
    assert httpx.get(image["url"]).status_code == 200
    assert owner.get(image["url"]).status_code == 200


def test_no_key_or_a_revoked_key_is_401(server: Running) -> None:
    anonymous = httpx.Client(base_url=server.url)
    response = anonymous.get("/api/v1/images")
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]
    wrong = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer mur_not-a-key"})
    assert wrong.get("/api/v1/images").json()["detail"] == "this API key is unknown or was revoked"
