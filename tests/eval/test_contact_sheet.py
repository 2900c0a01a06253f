"""The contact sheet and `bench generate` run the real engine (tiny random model) end to end."""

from __future__ import annotations

import numpy as np

from muralist.engine.bench_generate import bench_generate
from muralist.eval.contact_sheet import CELL, LABEL_WIDTH, contact_sheet


def test_contact_sheet_has_a_row_per_prompt_with_distinct_images(tiny_model) -> None:  # noqa: ANN001
    sheet = contact_sheet(tiny_model, ("a cat on red", "a dog on blue"), steps=2)
    assert sheet.size == (LABEL_WIDTH + 5 * CELL, 2 * CELL)
    pixels = np.asarray(sheet).astype(int)
    first, second = (
        pixels[:CELL, LABEL_WIDTH : LABEL_WIDTH + CELL],
        pixels[:CELL, LABEL_WIDTH + CELL : LABEL_WIDTH + 2 * CELL],
    )
    assert np.abs(first - second).mean() > 1, "seeds 0 and 1 drew the same image"
    assert pixels[:, :LABEL_WIDTH].min() < 100, "the prompt label is missing"


def test_bench_generate_reports_request_and_upscale_times(tiny_model) -> None:  # noqa: ANN001
    figures = bench_generate(tiny_model, None, n=2, steps=2, repeats=2)
    assert figures["images"] == 2 and figures["steps"] == 2
    assert 0 < figures["request_seconds_min"] <= figures["request_seconds_median"] <= figures["request_seconds_max"]
    assert figures["upscaler"] == "lanczos" and figures["upscaled_size"] == 4 * figures["size"]


def test_bench_unet_reports_cost_per_row_for_both_modes(frozen_tiny_model) -> None:  # noqa: ANN001
    from muralist.engine.bench_unet import bench_unet

    figures = bench_unet(frozen_tiny_model, batches=(1, 8), rows_per_size=8)
    assert set(figures["batches"]) == {"1", "8"}
    for row in figures["batches"].values():
        assert row["eager_call_ms"] > 0 and row["frozen_call_ms"] > 0
    eight = figures["batches"]["8"]
    assert abs(eight["frozen_ms_per_row"] - eight["frozen_call_ms"] / 8) <= 0.01  # both rounded to 0.01 ms
    assert figures["batching_ceiling_vs_one_request"] >= 1.0
