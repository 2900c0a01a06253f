"""`muralist bench queue`: the fairness figures of the real lane policy, as the issue states them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from muralist.cli import main
from muralist.queue import bench
from muralist.queue.lanes import LaneConfig
from muralist.types import Lane


def test_bench_queue_meets_the_fairness_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "queue", "--json", str(tmp_path / "queue.json")]) == 0
    figures = json.loads((tmp_path / "queue.json").read_text())
    assert "lane  pro" in capsys.readouterr().out  # the table

    shares = figures["backlogged"]["lane_share"]
    for lane, target in {"pro": 4 / 7, "paid": 2 / 7, "free": 1 / 7}.items():
        assert shares[lane] == pytest.approx(target, rel=0.05), (lane, shares)
    spike = figures["paid_spike"]
    assert spike["pro_wait_p95_s"] <= 1.5 * spike["pro_wait_p95_before_s"]
    assert spike["free_wait_max_s"] <= spike["free_promotion_s"] + spike["paid_turn_max_s"]
    assert figures["flood"]["flooder_share"] <= figures["flood"]["fair_share"]


def test_the_share_figure_follows_the_weights() -> None:
    """The measurement can fail: with equal weights the shares move far from 4:2:1, towards 1:1:1."""
    equal = LaneConfig(weights=dict.fromkeys(Lane, 1))
    shares = bench.backlogged(equal)["lane_share"]
    assert shares["pro"] < 0.4 and shares["free"] > 0.25, shares
