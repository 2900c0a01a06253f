"""Resumable training: one folder per run, a checkpoint every N steps, a JSON-lines loss log.

    run = TrainingRun(folder, seed=0)
    state = run.resume()              # None on a fresh run, else the newest valid checkpoint
    ...
    run.save(step, {"model": ..., "optimizer": ..., "rng": ...})
    run.log(step, loss=0.12, lr=1e-3)

Checkpoints are written to a temporary file and renamed, so a run killed mid-write resumes from
the previous one. The newest two are kept.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import torch

KEEP = 2


class TrainingRun:
    def __init__(self, folder: Path, seed: int):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.started = time.monotonic()

    def checkpoints(self) -> list[Path]:
        """Checkpoint files, oldest first."""
        return sorted(self.folder.glob("step-*.pt"), key=lambda p: int(p.stem.split("-")[1]))

    def resume(self) -> dict[str, Any] | None:
        """The newest checkpoint that loads; a corrupt one is skipped (and said so)."""
        for path in reversed(self.checkpoints()):
            try:
                return torch.load(path, map_location="cpu", weights_only=False)
            except (RuntimeError, EOFError, OSError) as exc:
                print(f"skipping unreadable checkpoint {path}: {exc}", flush=True)
        return None

    def save(self, step: int, state: dict[str, Any]) -> Path:
        path = self.folder / f"step-{step:07d}.pt"
        tmp = path.with_suffix(".tmp")
        torch.save({**state, "step": step, "seed": self.seed}, tmp)
        os.replace(tmp, path)
        for old in self.checkpoints()[:-KEEP]:
            old.unlink()
        return path

    def log(self, step: int, **values: float) -> None:
        record = {"step": step, "elapsed_s": round(time.monotonic() - self.started, 1), **values}
        with open(self.folder / "log.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)


def rng_state() -> dict[str, Any]:
    """Every random generator a training step touches, for bit-for-bit resumption."""
    import random

    import numpy as np

    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def set_rng_state(state: dict[str, Any]) -> None:
    import random

    import numpy as np

    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


def snapshot(modules: dict[str, Any], rng: Any, generator: torch.Generator | None = None) -> dict[str, Any]:
    """What `TrainingRun.save` stores: each module's (model, EMA, optimizer) state and every RNG."""
    state = {name: module.state_dict() for name, module in modules.items()}
    state.update(data_rng=rng.bit_generator.state, rng=rng_state())
    if generator is not None:
        state["generator"] = generator.get_state()
    return state


def restore(state: dict[str, Any], modules: dict[str, Any], rng: Any, generator: torch.Generator | None = None) -> int:
    """Load a `snapshot` back into the modules and generators; returns the step it was taken at."""
    for name, module in modules.items():
        module.load_state_dict(state[name])
    rng.bit_generator.state = state["data_rng"]
    if generator is not None:
        generator.set_state(state["generator"])
    set_rng_state(state["rng"])
    print(f"resumed at step {state['step']}", flush=True)
    return int(state["step"])
