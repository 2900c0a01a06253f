"""`muralist plan`: devices, $/image and $/month from device-seconds per image, with the arithmetic shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from muralist.cli import main
from muralist.errors import UserError
from muralist.plan import PlanInput, from_bench, given, plan


def bench_figures(images_per_min: float, steps: int) -> dict:
    """The shape `muralist bench engine --json` writes (muralist/engine/bench.py run_bench)."""
    mode = {"throughput_images_per_min": images_per_min, "mean_latency_s": 1.0, "p95_latency_s": 2.0,
            "mean_wait_before_first_step_s": 0.1, "step_time_s": 0.05, "requests": 12}  # fmt: skip
    return {"model": "builtin", "requests": 12, "images_per_request": 4, "steps": steps, "max_batch": 16,
            "modes": {"sequential": mode, "static": mode, "continuous": mode}, "loads": {},
            "checkpoint_overhead_pct": 1.0}  # fmt: skip


def test_50_qps_at_50_steps_and_5_device_seconds_is_250_devices_before_headroom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps(bench_figures(12.0, 50)))  # 12 images a minute: 5 device-seconds each

    assert main(["plan", "--qps", "50", "--steps", "50", "--bench", str(bench), "--price", "2"]) == 0
    out = capsys.readouterr().out

    assert "devices before headroom: 50 images/s x 5 device-s/image = 250 devices busy every second -> 250" in out
    assert "devices with 30% headroom: 250 x 1.3 = 325 -> 325" in out
    assert "$/image (device time): 5 s x $2/h / 3600 s = $0.00278" in out
    assert "$/month: 325 devices x $2/h x 730 h = $474,500" in out
    assert "12 images/min at 50 steps" in out  # where the figure came from


def test_plan_reads_the_last_bench_engine_run_by_default(
    _data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import muralist.engine.bench

    monkeypatch.setattr(muralist.engine.bench, "run_bench", lambda *args: bench_figures(12.0, 50))
    monkeypatch.setattr("muralist.cli._load_named_model", lambda name: None)
    assert main(["bench", "engine"]) == 0  # measures (here: the figures above) and keeps them in the data dir
    assert (_data_dir / "bench" / "engine.json").is_file()
    capsys.readouterr()

    assert main(["plan", "--qps", "50", "--steps", "50"]) == 0
    assert "= 250 devices busy every second -> 250" in capsys.readouterr().out


def test_steps_scale_the_measurement_and_cache_hits_cost_nothing() -> None:
    result = plan(PlanInput(qps=50, steps=25, measured=given(5.0, 50), cache_hit=0.2, headroom=0.0))
    assert result.device_seconds_per_image == 2.5
    assert result.images_per_s == 40
    assert result.devices_before_headroom == 100 and result.devices == 100
    assert result.cost_per_month_usd is None and any("--price" in line for line in result.lines)


def test_four_image_grids_cost_four_images_and_the_fleet_price_includes_idle_headroom() -> None:
    result = plan(PlanInput(qps=1, steps=30, measured=given(0.9, 30), images_per_request=4, headroom=0.5,
                            price_per_device_hour=3.6))  # fmt: skip
    assert result.devices_before_headroom == pytest.approx(3.6) and result.devices == 6
    assert result.cost_per_image_usd == pytest.approx(0.0009)
    assert result.cost_per_month_usd == pytest.approx(6 * 3.6 * 730)
    assert result.fleet_cost_per_image_usd == pytest.approx(6 * 3.6 / (4 * 3600))  # 6 devices for 3.6 busy


def test_json_output_and_a_given_measurement_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--qps", "10", "--steps", "20", "--device-seconds", "2", "--at-steps", "40", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["device_seconds_per_image"] == 1.0 and figures["devices"] == 13  # 10 x 1.3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--qps", "5", "--steps", "30"], "no measurement: run `muralist bench engine` on the target device"),
        (["--qps", "5", "--steps", "30", "--device-seconds", "1", "--bench", "b.json"], "not both"),
        (["--qps", "5", "--steps", "30", "--device-seconds", "1", "--cache-hit", "1"], "--cache-hit is a fraction"),
        (["--qps", "0", "--steps", "30", "--device-seconds", "1"], "--qps must be positive"),
        (["--qps", "5", "--steps", "30", "--bench", "/nonexistent.json"], "no such file"),
    ],
)
def test_mistakes_exit_2_with_a_sentence_that_says_what_to_do(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", *args]) == 2
    assert says in capsys.readouterr().err


def test_a_file_that_is_not_a_bench_report_is_named_as_such() -> None:
    with pytest.raises(UserError, match="modes.continuous.throughput_images_per_min"):
        from_bench({"steps": 30})
