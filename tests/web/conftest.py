"""A real server with the built-in model and Debian's headless chromium driven by Playwright.

Skips when /usr/bin/chromium or the `playwright` package is missing (under MURALIST_REQUIRE_ALL=1
the skip fails the run). Never downloads a browser: `playwright install` is not used.
Screenshots go to test-artifacts/web/ (git-ignored).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))

from live_server import Running, serve  # noqa: E402

from muralist.config import load_settings  # noqa: E402
from muralist.gateway.policy import DEFAULT_TIERS, TierPolicy  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "web"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A free tier with a quota of 4 images a day: one generation uses it up (the quota-message test).
WEB_TIERS = {
    **DEFAULT_TIERS,
    "free": TierPolicy(steps=30, images_per_day=4, max_size_factor=1, rate_per_minute=30, burst=10),
}


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    data = tmp_path_factory.mktemp("web")
    yield from serve(load_settings(data_dir=data, checkpoint_every=0, serve_slots=4, tiers=WEB_TIERS), run_worker=True)


@pytest.fixture(scope="session")
def queue_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A server with no worker: jobs wait in the queue for good (what the queue-position test wants)."""
    yield from serve(load_settings(data_dir=tmp_path_factory.mktemp("web-queue")), run_worker=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the Python package `playwright` is not installed: pip install -e '.[dev]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
