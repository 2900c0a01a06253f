"""`muralist generate` as a user runs it: files, printed paths, recorded parameters, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from muralist.cli import main
from muralist.finishing.metadata import read_metadata


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "muralist.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "MURALIST_CONFIG": ""},
    )


def test_same_command_twice_gives_byte_identical_pngs(tiny_sd: Path, tmp_path: Path) -> None:
    args = [
        "generate",
        "a red cat",
        "--model",
        str(tiny_sd),
        "-n",
        "2",
        "--seed",
        "5",
        "--steps",
        "6",
        "--sampler",
        "euler_a",
        "--width",
        "32",
        "--height",
        "48",
    ]
    first = _cli(*args, "--out", str(tmp_path / "a"))
    second = _cli(*args, "--out", str(tmp_path / "b"))
    assert first.returncode == 0, first.stderr
    paths_a, paths_b = first.stdout.split(), second.stdout.split()
    assert len(paths_a) == 2 and [Path(p).name for p in paths_a] == [Path(p).name for p in paths_b]
    for a, b in zip(paths_a, paths_b, strict=True):
        assert Path(a).read_bytes() == Path(b).read_bytes()
    assert Image.open(paths_a[0]).size == (32, 48)
    assert "Traceback" not in first.stderr


def test_each_png_records_the_parameters_that_regenerate_it_alone(tiny_sd: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert (
        main(
            [
                "generate",
                "a dog",
                "--model",
                str(tiny_sd),
                "-n",
                "3",
                "--seed",
                "40",
                "--steps",
                "5",
                "--negative",
                "blurry",
                "--guidance",
                "6",
                "--out",
                str(tmp_path / "batch"),
            ]
        )
        == 0
    )
    paths = capsys.readouterr().out.split()
    meta = read_metadata(paths[2])
    params = meta["params"]
    assert (params["seed"], params["n"], meta["request_seed"], meta["index"]) == (42, 1, 40, 2)
    expected = {
        "prompt": "a dog",
        "negative_prompt": "blurry",
        "steps": 5,
        "guidance_scale": 6.0,
        "sampler": "ddim",
        "width": 32,
        "height": 32,
        "kind": "txt2img",
        "model": str(tiny_sd),
        "eta": 0.0,
    }
    assert {key: params[key] for key in expected} == expected

    # Regenerate image 2 alone from what its PNG says.
    assert (
        main(
            [
                "generate",
                params["prompt"],
                "--model",
                params["model"],
                "--seed",
                str(params["seed"]),
                "--steps",
                str(params["steps"]),
                "--negative",
                params["negative_prompt"],
                "--guidance",
                str(params["guidance_scale"]),
                "--out",
                str(tmp_path / "alone"),
            ]
        )
        == 0
    )
    (alone,) = capsys.readouterr().out.split()
    batch_pixels = np.asarray(Image.open(paths[2])).astype(int)
    alone_pixels = np.asarray(Image.open(alone)).astype(int)
    assert np.abs(batch_pixels - alone_pixels).max() <= 1
    assert read_metadata(alone)["params"] == params


def _error(capsys, *args: str) -> str:  # noqa: ANN001
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code  # type: ignore[assignment]
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.fixture()
def init_png(tmp_path: Path) -> Path:
    path = tmp_path / "init.png"
    Image.new("RGB", (32, 32), (10, 200, 30)).save(path)
    return path


def test_bad_input_is_explained_with_exit_status_2(tiny_sd: Path, tmp_path: Path, init_png: Path, capsys) -> None:  # noqa: ANN001
    m = ["--model", str(tiny_sd), "--out", str(tmp_path / "out")]
    assert "unknown model 'nope'" in _error(capsys, "generate", "x", "--model", "nope")
    assert "does not exist" in _error(capsys, "generate", "x", "--model", str(tmp_path / "missing-dir"))
    malformed = shutil.copytree(tiny_sd, tmp_path / "malformed")
    (malformed / "model_index.json").unlink()
    assert "model_index.json is missing" in _error(capsys, "generate", "x", "--model", str(malformed))
    assert "unsupported sampler 'plms'" in _error(capsys, "generate", "x", *m, "--sampler", "plms")
    assert "--steps must be at least 1, got 0" in _error(capsys, "generate", "x", *m, "--steps", "0")
    assert "multiples of 2" in _error(capsys, "generate", "x", *m, "--width", "33", "--height", "32")
    not_an_image = tmp_path / "notes.txt"
    not_an_image.write_text("hello")
    assert "cannot read the init image" in _error(capsys, "generate", "x", *m, "--init", str(not_an_image))
    assert "no such file" in _error(capsys, "generate", "x", *m, "--init", str(tmp_path / "gone.png"))
    small_mask = tmp_path / "mask.png"
    Image.new("L", (16, 16), 255).save(small_mask)
    err = _error(capsys, "generate", "x", *m, "--init", str(init_png), "--mask", str(small_mask))
    assert "the mask is 16x16 but the init image is 32x32" in err
    assert "strength must be in (0, 1]" in _error(
        capsys, "generate", "x", *m, "--init", str(init_png), "--strength", "1.5"
    )
    assert "n must be 1..4" in _error(capsys, "generate", "x", *m, "-n", "5")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_errors_exit_2_from_a_real_process(tmp_path: Path) -> None:
    result = _cli("generate", "a cat", "--model", str(tmp_path / "nothing-here"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"muralist: error: model directory {tmp_path / 'nothing-here'} does not exist"


def test_img2img_and_inpaint_write_images(tiny_sd: Path, tmp_path: Path, init_png: Path, capsys) -> None:  # noqa: ANN001
    mask = tmp_path / "mask.png"
    Image.new("L", (32, 32), 255).save(mask)
    assert (
        main(
            [
                "generate",
                "a cat",
                "--model",
                str(tiny_sd),
                "--init",
                str(init_png),
                "--mask",
                str(mask),
                "--steps",
                "4",
                "--seed",
                "1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    (path,) = capsys.readouterr().out.split()
    params = read_metadata(path)["params"]
    assert params["kind"] == "inpaint" and params["strength"] == 1.0
    assert params["init_image"].startswith("sha256:") and params["mask"].startswith("sha256:")
    assert json.dumps(params)  # plain JSON all the way down
