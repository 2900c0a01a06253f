"""The web page in a real browser against a real server: what a person sees, stage by stage.

"I type a prompt and press Generate. A progress indicator appears. I have four variation thumbnails.
I pick one, upscale it, and download a full-resolution PNG." (issue 9)
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
from live_server import Running
from PIL import Image

from muralist.finishing import watermark

# Word salad (possible token soup against the text encoder) that the pre-filter holds for review.
HELD_PROMPT = "a quiet harbour at dawn, vrtzunkish glorbixal wumpfelory boats"
PROMPT = "two red apples left of a rocket on a purple background"
VIOLATING = "a woman having sex on a bed, explicit"
TIMEOUT_MS = 60_000

# Records every distinct preview the page shows (a test probe; the page knows nothing of it).
WATCH_PREVIEWS = """() => {
  window.__frames = [];
  const img = document.getElementById('preview');
  new MutationObserver(() => {
    if (img.src && !window.__frames.includes(img.src)) window.__frames.push(img.src);
  }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def open_page(browser: Any, server: Running, key: str | None, width: int = 1280, height: int = 900) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server.url + "/" + (f"#key={key}" if key else ""))
    return page


def new_key(server: Running, tier: str = "pro", admin: bool = False) -> str:
    return server.key_of(server.tenant(tier, admin=admin))


def generate(page: Any, prompt: str, steps: int) -> None:
    page.fill("#prompt", prompt)
    if not page.is_visible("#steps"):
        page.click("summary")
    page.fill("#steps", str(steps))
    page.click("#generate")


def test_prompt_progress_grid_upscale_download_and_refusal(browser: Any, web_server: Running, shots: Path) -> None:
    page = open_page(browser, web_server, new_key(web_server))
    # The key moved from the first-run URL into the browser, and out of the address bar.
    page.wait_for_selector("#create:not([hidden])")
    assert "#key=" not in page.url
    assert page.evaluate("localStorage.getItem('muralist.key')").startswith("mur_")
    assert re.search(r"pro .*images today · unlimited", page.inner_text("#account"), re.IGNORECASE)
    page.click("summary")
    assert "of 80 (pro budget)" in page.inner_text("#budget")
    page.screenshot(path=shots / "01-ready.png")

    page.evaluate(WATCH_PREVIEWS)
    generate(page, PROMPT, steps=20)
    page.wait_for_selector("#job:not([hidden])")  # the queue / progress indicator
    page.wait_for_selector("#preview:not([hidden])")
    assert re.search(r"Queued|Position|Starting|step \d+ of 20", page.inner_text("#job-status"))
    page.screenshot(path=shots / "02-progress.png")

    page.wait_for_function("document.querySelectorAll('#grid img').length === 4")
    page.wait_for_function("[...document.querySelectorAll('#grid img')].every(i => i.complete && i.naturalWidth > 0)")
    frames = page.evaluate("window.__frames")
    assert len(frames) >= 3, f"the live preview should sharpen step by step; saw {len(frames)} distinct frame(s)"
    assert page.is_hidden("#job")
    params = page.inner_text("#params-text")
    assert PROMPT in params and "20 steps" in params and re.search(r"seed \d+", params)
    for n in range(1, 5):
        assert page.is_visible(f"text=U{n}") and page.is_visible(f"text=V{n}")
    seeds = [int(t.removeprefix("seed ")) for t in page.locator("#grid .meta").all_inner_texts()]
    assert seeds == [seeds[0] + i for i in range(4)]  # exact, though seeds go past 2^53
    page.screenshot(path=shots / "03-grid.png", full_page=True)

    page.click("text=U2")
    page.wait_for_selector("#upscaled:not([hidden])")
    page.wait_for_function("document.getElementById('upscaled-img').naturalWidth > 0")
    assert "256×256" in page.inner_text("#upscaled-title")
    page.screenshot(path=shots / "04-upscaled.png", full_page=True)

    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    name = download.suggested_filename
    assert re.fullmatch(r"muralist-.+\.png", name)
    png = Path(download.path()).read_bytes()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (256, 256)
    found = watermark.detect(np.asarray(image.convert("RGB")))
    assert found is not None, "the downloaded PNG should carry the invisible watermark"
    assert found.watermark_id == watermark.watermark_id(name.removeprefix("muralist-").removesuffix(".png"))

    page.click("#again")  # again with the same seed: the same four seeds
    page.wait_for_function("document.getElementById('seed').value !== ''")
    page.wait_for_function(f"document.querySelector('#grid .meta').textContent === 'seed {seeds[0]}'")
    page.wait_for_selector("#job", state="hidden")
    assert page.locator("#grid .meta").all_inner_texts() == [f"seed {s}" for s in seeds]

    page.fill("#seed", "")
    generate(page, VIOLATING, steps=10)
    page.wait_for_selector("#notice:not([hidden])")
    refusal = page.inner_text("#notice")
    assert "refused by the content policy" in refusal and "category: sexual" in refusal
    assert "sex on a bed" not in refusal  # the category is named; the prompt is not echoed
    page.screenshot(path=shots / "05-refused.png")

    page.click("#tab-gallery")
    page.wait_for_function("document.querySelectorAll('#gallery-grid img').length >= 5")
    assert PROMPT in page.inner_text("#gallery-grid")
    page.screenshot(path=shots / "06-gallery.png", full_page=True)
    page.context.close()


def test_at_phone_width_nothing_overflows_or_hides_the_buttons(browser: Any, web_server: Running, shots: Path) -> None:
    page = open_page(browser, web_server, new_key(web_server), width=390, height=844)
    page.wait_for_selector("#create:not([hidden])")
    page.fill("#prompt", PROMPT)
    page.press("#prompt", "Enter")  # Enter submits
    page.wait_for_function("document.querySelectorAll('#grid img').length === 4", timeout=TIMEOUT_MS)
    page.wait_for_function("[...document.querySelectorAll('#grid img')].every(i => i.complete && i.naturalWidth > 0)")
    page.click("text=V1")  # variations of the first image: a new grid
    page.wait_for_function("document.getElementById('params-text').textContent.includes('variation')")
    page.wait_for_function("[...document.querySelectorAll('#grid img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("#grid img").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for button in page.query_selector_all("#grid button, #again, #copy-params, #generate"):
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, button.inner_text()
    page.screenshot(path=shots / "07-phone-390.png", full_page=True)
    page.context.close()


def test_while_waiting_the_page_shows_the_queue_position_and_eta(
    browser: Any, queue_only: Running, shots: Path
) -> None:
    client = queue_only.tenant("pro")
    assert client.post("/api/v1/generations", json={"prompt": PROMPT, "steps": 5}).status_code == 202
    page = open_page(browser, queue_only, queue_only.key_of(client))
    page.wait_for_selector("#create:not([hidden])")
    page.fill("#prompt", PROMPT)
    page.keyboard.press("Control+Enter")  # Ctrl+Enter submits too
    page.wait_for_function("document.getElementById('job-status').textContent.includes('in the queue')")
    assert re.search(r"Position \d+ in the queue · starts in about \d+ (s|min)", page.inner_text("#job-status"))
    assert page.is_disabled("#generate")
    page.screenshot(path=shots / "02a-queued.png")
    page.context.close()


def test_errors_a_person_understands(browser: Any, web_server: Running, shots: Path) -> None:
    page = open_page(browser, web_server, None)
    page.wait_for_selector("#key-panel:not([hidden])")
    assert "No API key yet" in page.inner_text("#key-message")
    page.screenshot(path=shots / "08-no-key.png")

    page.goto(web_server.url + "/#key=mur_revoked_or_made_up")
    page.wait_for_function("document.getElementById('key-message').textContent.includes('unknown or was revoked')")
    page.screenshot(path=shots / "09-revoked-key.png")

    # A free tenant here may make 4 images a day; one generation uses them all.
    client = web_server.tenant("free")
    made = client.post("/api/v1/generations", json={"prompt": PROMPT, "steps": 1})
    assert made.status_code == 202, made.text
    page.goto(web_server.url + "/#key=" + web_server.key_of(client))
    page.wait_for_selector("#create:not([hidden])")
    assert "4 of 4 images today · 0 left" in page.inner_text("#account")
    page.fill("#prompt", PROMPT)
    page.click("#generate")
    page.wait_for_selector("#notice:not([hidden])")
    assert re.search(r"used today's image quota\. It resets at 00:00 UTC .*in \d", page.inner_text("#notice"))
    page.screenshot(path=shots / "10-quota.png")

    page.route("**/api/v1/generations", lambda route: route.abort())  # as if the server had gone away
    page.click("#generate")
    page.wait_for_function("document.getElementById('notice').textContent.includes(\"Can't reach\")")
    assert "muralist serve" in page.inner_text("#notice")
    page.screenshot(path=shots / "11-unreachable.png")
    page.context.close()


def test_admin_page_shows_lanes_and_is_for_admins_only(browser: Any, web_server: Running, shots: Path) -> None:
    page = open_page(browser, web_server, new_key(web_server, admin=True))
    page.wait_for_selector("#admin-link:not([hidden])")
    page.click("#admin-link")
    page.wait_for_selector("#admin:not([hidden])")
    lanes = page.inner_text("#lanes")
    assert all(lane in lanes for lane in ("pro", "paid", "free"))
    assert "No images are waiting for review." in page.inner_text("#reviews")

    # A long job shows up as running; a `review` prompt's image waits for a moderator.
    user = web_server.tenant("pro")
    long = {"prompt": PROMPT, "steps": 80}
    assert user.post("/api/v1/generations", json=long).status_code == 202
    held = user.post("/api/v1/generations", json={"prompt": HELD_PROMPT, "n": 1, "steps": 5}).json()
    page.wait_for_function("document.getElementById('running').textContent.includes('/ 80')")
    page.wait_for_selector("#reviews button:has-text('Approve')")
    page.screenshot(path=shots / "12-admin.png", full_page=True)
    page.click("#reviews button:has-text('Approve')")
    page.wait_for_function("document.getElementById('reviews').textContent.includes('No images are waiting')")
    assert user.get(f"/api/v1/generations/{held['id']}").json()["status"] == "succeeded"

    page.evaluate(f"localStorage.setItem('muralist.key', '{new_key(web_server)}')")
    page.reload()
    page.wait_for_function("document.getElementById('notice').textContent.includes('admin keys only')")
    assert page.is_hidden("#admin")
    page.context.close()
