"""The benchmark runs every mode end to end and reports figures in the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

from muralist.cli import main
from muralist.engine.bench import arrivals, replay


def test_poisson_arrivals_are_seeded_and_start_at_zero() -> None:
    times = arrivals(50, 2.0, seed=3)
    assert times == arrivals(50, 2.0, seed=3) and times[0] == 0.0
    assert all(b >= a for a, b in zip(times, times[1:], strict=False))
    assert 10 < times[-1] < 50  # about 49 gaps of mean 0.5 s


def test_continuous_batching_shares_steps_that_sequential_runs_one_by_one(tiny_model) -> None:  # noqa: ANN001
    at_once = arrivals(3, None, seed=0)
    sequential = replay(tiny_model, "sequential", at_once, steps=5, images=2, max_batch=8)
    continuous = replay(tiny_model, "continuous", at_once, steps=5, images=2, max_batch=8)
    assert sequential.requests == continuous.requests == 3
    assert continuous.mean_wait_before_first_step_s < sequential.mean_wait_before_first_step_s


def test_bench_command_writes_every_figure(tiny_sd: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "bench.json"
    args = ["bench", "engine", "--model", str(tiny_sd), "--requests", "2", "--images", "1", "--steps", "3",
            "--loads", "0.8", "--json", str(out)]  # fmt: skip
    assert main(args) == 0
    figures = json.loads(out.read_text())
    for mode in ("sequential", "static", "continuous"):
        assert set(figures["modes"][mode]) >= {"throughput_images_per_min", "p95_latency_s",
                                               "mean_wait_before_first_step_s", "step_time_s"}  # fmt: skip
        assert figures["loads"]["0.8"][mode]["throughput_images_per_min"] > 0
    assert "checkpoint_overhead_pct" in figures
