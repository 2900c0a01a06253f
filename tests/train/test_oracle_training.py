"""Oracle training: targets from real layouts, the pool, augmentation, and resumable tiny runs."""

import json

import torch

from muralist.eval.oracle import GRID, STRIDE, OracleConfig, load_oracle
from muralist.train import splits
from muralist.train.oracle import (
    augment,
    evaluate_oracle,
    export_oracle,
    labels,
    pool_keys,
    targets,
    train_oracle,
    training_scene,
)
from muralist.train.scenes import Scene, SceneObject

TINY = {"batch": 4, "pool_size": 24, "refresh_every": 3, "refresh_size": 8, "validation": 8, "log_every": 1}


def test_targets_from_a_real_layout():
    config = OracleConfig.default()
    scene = Scene("grass", (SceneObject("cat", 3, "small", "top"),), seed=3)
    _, rows = labels(scene, config)
    assert (rows[:, 0] >= 0).sum() == 3 and (rows[3:, 0] == -1).all()
    t = targets(torch.from_numpy(rows[None]))
    assert (t["heat"] == 1).sum() == 3  # one exact peak per copy
    b, r, c = t["index"]
    for k in range(3):
        assert (int(c[k]), int(r[k])) == (int(rows[k, 1] // STRIDE), int(rows[k, 2] // STRIDE))
        assert t["cls"][0, r[k], c[k]] == config.emoji.index("cat")
    assert ((t["offset"] >= 0) & (t["offset"] < 1)).all()
    assert t["side"].tolist() == [rows[0, 3] / 64] * 3
    assert (t["cls"][0, GRID // 2 + 2 :] == -1).all()  # the bottom half holds nothing


def test_training_scenes_are_never_held_out():
    assert not any(splits.is_heldout(training_scene(0, k)) for k in range(300))
    assert training_scene(0, 5) == training_scene(0, 5) != training_scene(1, 5)


def test_pool_refresh_replaces_oldest_slots_with_unseen_scenes():
    keys = pool_keys(10, rounds=3, refresh=4)
    # round 0: slots 0-3 <- 10-13; round 1: 4-7 <- 14-17; round 2: 8, 9, 0, 1 <- 18-21
    assert keys.tolist() == [20, 21, 12, 13, 14, 15, 16, 17, 18, 19]
    assert len(set(pool_keys(10, 7, 4).tolist())) == 10


def test_augment_is_mild_and_seeded():
    x = torch.rand(6, 3, 64, 64)
    a = augment(x, torch.Generator().manual_seed(1))
    assert torch.equal(a, augment(x, torch.Generator().manual_seed(1)))
    assert a.shape == x.shape and a.min() >= 0 and a.max() <= 1
    flat = torch.full((4, 3, 64, 64), 0.5)  # a plain background keeps its colour
    assert (augment(flat, torch.Generator().manual_seed(2)).mean(dim=(2, 3)) - 0.5).abs().max() < 0.06


def test_tiny_run_checkpoints_resumes_and_matches_an_uninterrupted_run(tmp_path):
    torch.set_num_threads(1)
    straight, split = tmp_path / "straight", tmp_path / "split"
    train_oracle(straight, 5, seed=3, checkpoint_every=5, **TINY)
    train_oracle(split, 3, seed=3, checkpoint_every=3, **TINY)
    assert (split / "step-0000003.pt").is_file() and (split / "pool.npz").is_file()
    train_oracle(split, 5, seed=3, checkpoint_every=3, **TINY)  # resumes at step 3 (pool refreshed at 4)
    steps = [json.loads(line)["step"] for line in (split / "log.jsonl").read_text().splitlines()]
    assert steps.count(4) >= 1 and steps.count(2) == 1  # steps 1-3 were not run twice
    a = torch.load(straight / "step-0000005.pt", weights_only=False)["model"]
    b = torch.load(split / "step-0000005.pt", weights_only=False)["model"]
    assert all(torch.equal(a[k], b[k]) for k in a)

    out = tmp_path / "exported"
    export_oracle(split, out, validation=8)
    oracle = load_oracle(out)
    assert oracle.config.training == {"steps": 5, "seed": 3}
    figures = evaluate_oracle(oracle, n=6, seed=1)
    assert figures["n"] == 6 and 0 <= figures["background"] <= 1
