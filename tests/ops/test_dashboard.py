"""The Grafana dashboard: valid against the schema of what Grafana needs, laid out without overlaps,
the three views present, every query reading metrics that exist, and the file in step with its source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from promql_names import exposed_names, metric_names

from muralist.observability import dashboard

GRAFANA = Path(__file__).parents[2] / "ops" / "grafana"
BOARD = json.loads((GRAFANA / "muralist.json").read_text())


def flat(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for p in panels for q in [p, *flat(p.get("panels", []))]]


def test_the_committed_file_is_what_the_source_builds() -> None:
    assert (GRAFANA / "muralist.json").read_text() == dashboard.render(), (
        "regenerate: python -m muralist.observability.dashboard > ops/grafana/muralist.json"
    )


def test_it_validates_against_the_dashboard_schema() -> None:
    schema = json.loads((GRAFANA / "dashboard.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(BOARD, schema)


def test_the_schema_rejects_a_panel_without_queries() -> None:
    schema = json.loads((GRAFANA / "dashboard.schema.json").read_text())
    broken = json.loads(json.dumps(BOARD))
    next(p for p in broken["panels"] if p["type"] != "row")["targets"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_executive_on_call_and_debug_views() -> None:
    rows = [p for p in BOARD["panels"] if p["type"] == "row"]
    assert [r["title"] for r in rows] == ["Executive", "On-call", "Debug"]
    assert all(len(r["panels"]) > 0 for r in rows if r["collapsed"])


def test_ids_are_unique_and_panels_do_not_overlap() -> None:
    panels = flat(BOARD["panels"])
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    cells: dict[tuple[int, int], str] = {}
    for p in panels:
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24, p["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"{p['title']!r} overlaps {cells[(x, y)]!r}"
                cells[(x, y)] = p["title"]


def test_every_query_reads_metrics_that_exist_and_uses_the_datasource_variable() -> None:
    exposed = exposed_names()
    variables = {v["name"] for v in BOARD["templating"]["list"]}
    for panel in flat(BOARD["panels"]):
        for target in panel.get("targets", []):
            unknown = metric_names(target["expr"]) - exposed
            assert not unknown, f"{panel['title']!r} queries undefined metrics {unknown}"
            assert target["datasource"]["uid"].strip("${}") in variables


def test_the_key_panel_shows_queue_wait_and_denoise_side_by_side() -> None:
    panel = next(p for p in BOARD["panels"] if p["title"].startswith("Queue wait vs denoise"))
    read = set().union(*(metric_names(t["expr"]) for t in panel["targets"]))
    assert {"queue_wait_seconds_bucket", "denoise_seconds_bucket"} <= read
