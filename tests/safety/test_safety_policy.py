"""The policy folder: versioned, checked, and its errors say what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from muralist.safety.policy import DEFAULT_POLICY_DIR, PolicyError, load_policy
from muralist.safety.verdict import CONTENT_CATEGORIES, Decision


def copy_policy(tmp_path: Path) -> Path:
    folder = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, folder)
    return folder


def test_shipped_policy_configures_every_category() -> None:
    policy = load_policy()
    assert set(policy.categories) == set(CONTENT_CATEGORIES)
    assert all(c.lexical == Decision.BLOCK for c in policy.categories.values())
    declared, digest = policy.version.split("+")
    assert declared and len(digest) == 8


def test_any_edit_changes_the_version(tmp_path: Path) -> None:
    folder = copy_policy(tmp_path)
    before = load_policy(folder).version
    exemplars = folder / "exemplars.toml"
    exemplars.write_text(exemplars.read_text().replace('"a naked child",', '"a naked child", "a nude kid",'))
    after = load_policy(folder).version
    assert before.split("+")[0] == after.split("+")[0]  # the same declared version ...
    assert before != after  # ... but a different policy, and the digest says so


def test_missing_category_is_named(tmp_path: Path) -> None:
    folder = copy_policy(tmp_path)
    text = (folder / "policy.toml").read_text()
    start = text.index("[categories.hate]")
    end = text.index("[categories.nonconsensual_real_people]")
    (folder / "policy.toml").write_text(text[:start] + text[end:])
    with pytest.raises(PolicyError, match=r"missing \[categories.hate\]"):
        load_policy(folder)


def test_threshold_out_of_range_is_explained(tmp_path: Path) -> None:
    folder = copy_policy(tmp_path)
    text = (folder / "policy.toml").read_text().replace("embed_block = 0.55", "embed_block = 55", 1)
    (folder / "policy.toml").write_text(text)
    with pytest.raises(PolicyError, match="embed_block.*between 0 and 1, got 55"):
        load_policy(folder)


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = copy_policy(tmp_path)
    (folder / "lexicon.toml").unlink()
    with pytest.raises(PolicyError, match="needs lexicon.toml"):
        load_policy(folder)
