"""Schemathesis, driven by our OpenAPI document, finds no 5xx and no response that breaks the schema.

Against a live server with a worker on the tiny random-weight model (fast), with a Pro key, so
that valid generations really run and are answered in full. The signed-file route (/files, the
storage package's) is left to its own tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from live_server import Running, serve
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from muralist.config import load_settings


@pytest.fixture(scope="module")
def tiny_server(tiny_sd: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    config = load_settings(
        data_dir=tmp_path_factory.mktemp("fuzz"), models={"tiny": tiny_sd}, default_model="tiny", checkpoint_every=0
    )
    yield from serve(config, run_worker=True)


@pytest.fixture(scope="module")
def api_schema(tiny_server: Running) -> Any:
    return schemathesis.openapi.from_url(tiny_server.url + "/openapi.json").exclude(path_regex="^/files")


@pytest.fixture(scope="module")
def pro_key(tiny_server: Running) -> str:
    return tiny_server.key_of(tiny_server.tenant("pro", admin=True))


def test_no_server_errors_and_no_schema_violations(api_schema: Any, pro_key: str, tiny_server: Running) -> None:
    from schemathesis.checks import not_a_server_error

    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    headers = {"Authorization": f"Bearer {pro_key}"}
    failures, tried = [], 0
    for found in api_schema.get_all_operations():
        operation = found.ok()
        tried += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, timeout=60, checks=checks)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert tried >= 10
    assert not failures, "\n\n".join(failures)
    counts = tiny_server.app.state.muralist.store.counts()
    assert sum(counts.values()) > 0, "no generated request was valid enough to queue a job"
