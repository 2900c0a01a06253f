"""Servers for the API tests: the built-in model, a real uvicorn on a free port, in this process.

`server` runs a worker thread too (jobs run); `api_only` has none (jobs stay queued, which is what
quota and limit tests want). Tenants are made per test with their own names and keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import Running, serve

from muralist.config import load_settings
from muralist.gateway.policy import DEFAULT_TIERS, TierPolicy


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    data = tmp_path_factory.mktemp("serve")
    yield from serve(load_settings(data_dir=data, checkpoint_every=0, serve_slots=4), run_worker=True)


TEST_TIERS = {
    **DEFAULT_TIERS,
    # A paid tier that allows 3 job requests at once and one a minute after: the rate-limit test's.
    "paid": TierPolicy(steps=50, images_per_day=500, max_size_factor=2, rate_per_minute=1, burst=3),
}


@pytest.fixture(scope="session")
def api_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    data: Path = tmp_path_factory.mktemp("api-only")
    yield from serve(load_settings(data_dir=data, tiers=TEST_TIERS), run_worker=False)
