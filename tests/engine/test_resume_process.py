"""A `muralist generate` process killed with SIGKILL mid-way resumes from its step checkpoint and
writes the image an uninterrupted run writes, byte for byte. Real processes, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

STEPS = 50


def command(model: Path, data_dir: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "muralist.cli", "generate", "a cat on a mat", "--model", str(model),
            "--seed", "3", "--steps", str(STEPS), "--sampler", "dpmpp_2m", "--width", "64", "--height", "64",
            "--data-dir", str(data_dir), "--out", str(out), "--progress", "json"]  # fmt: skip


def run_and_kill_after(step: int, args: list[str]) -> None:
    process = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("{") and json.loads(line)["step"] >= step:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the process ended before it could be killed"


def finish(args: list[str]) -> tuple[bytes, str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (path,) = result.stdout.split()
    return Path(path).read_bytes(), result.stderr


@pytest.fixture(scope="module")
def uninterrupted(tiny_sd: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = tmp_path_factory.mktemp("uninterrupted")
    png, _ = finish(command(tiny_sd, root / "data", root / "out"))
    return png


def checkpoint_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "objects" / "checkpoints").glob("*/*"))


def test_killed_after_step_25_resumes_from_step_20(tiny_sd: Path, tmp_path: Path, uninterrupted: bytes) -> None:
    run_and_kill_after(25, command(tiny_sd, tmp_path / "data", tmp_path / "out-killed"))
    assert [p.name for p in checkpoint_files(tmp_path / "data")] == ["000010", "000020"]

    png, stderr = finish(command(tiny_sd, tmp_path / "data", tmp_path / "out-resumed"))
    assert "resumed from the checkpoint at step 20 of 50" in stderr
    assert png == uninterrupted
    assert checkpoint_files(tmp_path / "data") == []


def test_corrupt_newest_checkpoint_falls_back_to_the_previous(tiny_sd: Path, tmp_path: Path,
                                                              uninterrupted: bytes) -> None:  # fmt: skip
    run_and_kill_after(35, command(tiny_sd, tmp_path / "data", tmp_path / "out-killed"))
    files = checkpoint_files(tmp_path / "data")
    assert [p.name for p in files] == ["000010", "000020", "000030"]
    blob = bytearray(files[-1].read_bytes())
    blob[len(blob) // 2] ^= 0x01  # one flipped bit
    files[-1].write_bytes(bytes(blob))

    png, stderr = finish(command(tiny_sd, tmp_path / "data", tmp_path / "out-resumed"))
    assert "resumed from the checkpoint at step 20 of 50" in stderr
    assert png == uninterrupted
