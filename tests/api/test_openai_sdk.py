"""The official `openai` package, pointed at a running server with base_url, works unchanged."""

from __future__ import annotations

import base64
import io

import httpx
import openai
import pytest
from live_server import Running
from PIL import Image


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_generate_edit_and_vary_with_the_openai_package(server: Running) -> None:
    tenant = server.tenant("pro")
    client = openai.OpenAI(base_url=server.url + "/v1", api_key=server.key_of(tenant), timeout=120)

    made = client.images.generate(prompt="three yellow stars on a black background", n=4, response_format="b64_json")
    assert len(made.data) == 4
    images = [Image.open(io.BytesIO(base64.b64decode(d.b64_json or ""))) for d in made.data]
    assert {im.size for im in images} == {(64, 64)}

    # Mask: alpha 0 over the left half marks the area to repaint; the right half is kept.
    mask = Image.new("RGBA", (64, 64), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (0, 0, 32, 64))
    edited = client.images.edit(
        image=("scene.png", _png(images[0]), "image/png"),
        mask=("mask.png", _png(mask), "image/png"),
        prompt="a red apple on the left",
        n=1,
    )
    assert len(edited.data) == 1 and edited.data[0].url
    fetched = httpx.get(edited.data[0].url)  # the url form is a signed URL anyone holding it can fetch
    assert fetched.status_code == 200
    result = Image.open(io.BytesIO(fetched.content)).convert("RGB")
    assert result.size == (64, 64)
    import numpy as np

    change = np.abs(np.asarray(result, np.float32) - np.asarray(images[0].convert("RGB"), np.float32))
    assert change[:, 40:].mean() < change[:, :24].mean()  # the kept half changed less than the repainted one

    varied = client.images.create_variation(image=("scene.png", _png(images[1]), "image/png"), n=2)
    assert len(varied.data) == 2

    with pytest.raises(openai.BadRequestError) as blocked:
        client.images.generate(prompt="a woman having sex on a bed, explicit")
    assert "sexual" in str(blocked.value) and "having sex" not in str(blocked.value)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=server.url + "/v1", api_key="mur_wrong").images.generate(prompt="a cat")
