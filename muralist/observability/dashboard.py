"""The Grafana dashboard (ops/grafana/muralist.json), written as data so that a test can hold it to the metrics.

    python -m muralist.observability.dashboard > ops/grafana/muralist.json

Three views, one row each: Executive (throughput, latency by tier, $/image, success), On-call (the
runbooks' signals: queue depth and wait beside denoise time, safety block rates, NaN, checkpoints)
and Debug (collapsed: batching, device time, per-category safety, process health). The committed
JSON must equal `build()`; tests check that every metric it queries is defined in metrics.py or
recorded by ops/prometheus/rules.yml.
"""

from __future__ import annotations

import json
import sys
from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
WIDTH = 24  # Grafana's grid is 24 columns wide


def _q(quantile: float, metric: str, by: str = "", where: str = "", window: str = "5m") -> str:
    keys = f"{by}, le" if by else "le"
    return f"histogram_quantile({quantile}, sum by ({keys}) (rate({metric}_bucket{where}[{window}])))"


def _mean(metric: str, by: str = "", where: str = "", window: str = "5m") -> str:
    group = f" by ({by})" if by else ""
    return f"sum{group} (rate({metric}_sum{where}[{window}])) / sum{group} (rate({metric}_count{where}[{window}]))"


# (title, type, unit, width, [(expr, legend)], description)
Panel = tuple[str, str, str, int, list[tuple[str, str]], str]

EXECUTIVE: list[Panel] = [
    ("Images delivered per minute", "stat", "short", 6,
     [("sum(rate(device_seconds_per_image_count[5m])) * 60", "images/min")], "Every image the engine decoded."),
    ("Jobs succeeded (1 h)", "stat", "percentunit", 6,
     [('sum(rate(job_outcomes_total{outcome="succeeded"}[1h])) / sum(rate(job_outcomes_total[1h]))', "succeeded")],
     "Share of ended jobs that delivered images (the rest failed, were blocked or cancelled)."),
    ("Cost per image", "stat", "currencyUSD", 6,
     [(_mean("cost_per_image_usd", window="1h"), "$/image")],
     "Device time per image times the configured price per device-hour (device_price_per_hour)."),
    ("Device-seconds per image", "stat", "s", 6,
     [(_mean("device_seconds_per_image", window="1h"), "device-s/image")],
     "The number `muralist plan` sizes the fleet from."),
    ("End-to-end p95 by tier", "timeseries", "s", 12,
     [(_q(0.95, "end_to_end_seconds", "tier"), "{{tier}}")], "Submit to images recorded. Paid objective: 45 s."),
    ("Jobs submitted per minute by tier", "timeseries", "short", 12,
     [("sum by (tier) (rate(jobs_submitted_total[5m])) * 60", "{{tier}}")], "Demand."),
]  # fmt: skip

ON_CALL: list[Panel] = [
    ("Queue wait vs denoise (p95, paid)", "timeseries", "s", 12,
     [(_q(0.95, "queue_wait_seconds", where='{tier="paid"}'), "queue wait"),
      (_q(0.95, "denoise_seconds"), "denoise"),
      (_q(0.95, "end_to_end_seconds", where='{tier="paid"}'), "end to end")],
     "Wait up, denoise flat: capacity (add devices). Denoise up: a slow device (see Debug)."),
    ("Queue depth by lane", "timeseries", "short", 12,
     [("max by (lane) (queue_depth)", "{{lane}}")], "FreeLaneBacklog pages above 500 with a p99 wait over 3 min."),
    ("Queue wait p99 by tier", "timeseries", "s", 12,
     [(_q(0.99, "queue_wait_seconds", "tier"), "{{tier}}")], "Enqueue to first start, by the tenant's tier."),
    ("Denoise p95 by model", "timeseries", "s", 12,
     [(_q(0.95, "denoise_seconds", "model"), "{{model}}")], "First step to last step of one request."),
    ("Safety block ratio: pre-filter vs post-filter", "timeseries", "percentunit", 12,
     [("stage:safety_block_ratio:rate15m", "{{stage}} (15 m)"), ("stage:safety_block_ratio:rate1d", "{{stage}} (1 d)")],
     "Image blocks rising while prompt blocks stay flat: SafetyFilterBypass."),
    ("NaN share of jobs by worker (1 h)", "timeseries", "percentunit", 12,
     [("sum by (instance) (increase(nan_guard_total[1h])) / sum by (instance) (increase(denoise_seconds_count[1h]))",
       "{{instance}}")], "WorkerNaNRate files a ticket above 1 %."),
    ("Checkpoint write p99 by worker", "timeseries", "s", 8,
     [(_q(0.99, "checkpoint_write_seconds", "instance"), "{{instance}}")], "Limit 50 ms."),
    ("Checkpoint digest failures (1 h)", "stat", "short", 8,
     [("sum(increase(checkpoint_digest_failures_total[1h]))", "failures")], "Any is a page."),
    ("Lease rescues (1 h)", "stat", "short", 8,
     [("sum(increase(lease_rescues_total[1h]))", "rescues")], "Jobs taken back from workers that stopped renewing."),
]  # fmt: skip

DEBUG: list[Panel] = [
    ("Batch size (mean samples per UNet call)", "timeseries", "short", 12,
     [(_mean("batch_size", "instance"), "{{instance}}")], "Low while queues are deep: the engine is not batching."),
    ("Running samples by worker", "timeseries", "short", 12,
     [("sum by (instance) (running_samples)", "{{instance}}")], "Samples admitted to each engine."),
    ("Device-seconds per image p50 / p95 by model", "timeseries", "s", 12,
     [(_q(0.5, "device_seconds_per_image", "model"), "p50 {{model}}"),
      (_q(0.95, "device_seconds_per_image", "model"), "p95 {{model}}")], "Per delivered image."),
    ("Queue wait distribution", "heatmap", "s", 12,
     [("sum by (le) (rate(queue_wait_seconds_bucket[5m]))", "{{le}}")], "All tiers."),
    ("Safety decisions by stage, category, decision", "timeseries", "short", 12,
     [("sum by (stage, category, decision) (rate(safety_decisions_total[5m])) * 60", "{{stage}} {{decision}} "
       "{{category}}")], "Per minute."),
    ("Job outcomes by tier", "timeseries", "short", 12,
     [("sum by (outcome, tier) (rate(job_outcomes_total[5m])) * 60", "{{tier}} {{outcome}}")], "Per minute."),
    ("Checkpoint write distribution", "heatmap", "s", 12,
     [("sum by (le) (rate(checkpoint_write_seconds_bucket[5m]))", "{{le}}")], "All workers."),
    ("Process memory and CPU", "timeseries", "bytes", 12,
     [("process_resident_memory_bytes", "{{instance}} RSS"),
      ("rate(process_cpu_seconds_total[5m])", "{{instance}} CPU s/s")], "From prometheus-client's process collector."),
]  # fmt: skip


def _panels(spec: list[Panel], y: int, ids: list[int]) -> tuple[list[dict[str, Any]], int]:
    """Lay panels out left to right, wrapping at the grid width; return them and the next free y."""
    out, x, row_h, h = [], 0, 0, 8
    for title, kind, unit, width, targets, description in spec:
        if x + width > WIDTH:
            x, y = 0, y + row_h
        ids.append(len(ids) + 1)
        out.append({
            "id": ids[-1], "type": kind, "title": title, "description": description, "datasource": DATASOURCE,
            "gridPos": {"h": h, "w": width, "x": x, "y": y},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {},
            "targets": [
                {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend, "refId": chr(ord("A") + i)}
                for i, (expr, legend) in enumerate(targets)
            ],
        })  # fmt: skip
        x, row_h = x + width, h
    return out, y + row_h


def build() -> dict[str, Any]:
    ids: list[int] = []
    panels: list[dict[str, Any]] = []
    y = 0
    for title, spec, collapsed in (("Executive", EXECUTIVE, False), ("On-call", ON_CALL, False),
                                   ("Debug", DEBUG, True)):  # fmt: skip
        ids.append(len(ids) + 1)
        row = {"id": ids[-1], "type": "row", "title": title, "collapsed": collapsed, "panels": [],
               "gridPos": {"h": 1, "w": WIDTH, "x": 0, "y": y}}  # fmt: skip
        inner, y = _panels(spec, y + 1, ids)
        panels.append(row)
        if collapsed:
            row["panels"] = inner  # a collapsed row keeps its panels inside it
        else:
            panels.extend(inner)
    return {
        "title": "Muralist",
        "uid": "muralist-overview",
        "description": "Executive, on-call and debug views of a Muralist deployment (docs/operations.md).",
        "tags": ["muralist"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus", "hide": 0}
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }


def render() -> str:
    return json.dumps(build(), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
