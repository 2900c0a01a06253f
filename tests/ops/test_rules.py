"""The Prometheus alert rules: valid (promtool check), each alert unit-tested over synthetic series
(promtool test) both firing and staying quiet, each with a runbook, each reading only real metrics."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from promql_names import RULES, exposed_names, metric_names

OPS = RULES.parents[1]
TESTS = sorted((OPS / "prometheus" / "tests").glob("*.yml"))
DOC = OPS.parent / "docs" / "operations.md"
RUNBOOKS = {
    "FreeLaneBacklog", "PaidEndToEndSlow", "SafetyFilterBypass", "WorkerNaNRate", "CheckpointWriteSlow",
    "CheckpointDigestFailure",
}  # fmt: skip


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)")
    return found


def rules() -> list[dict]:
    return [r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]


def alerts() -> dict[str, dict]:
    return {r["alert"]: r for r in rules() if "alert" in r}


def test_promtool_check_rules_passes() -> None:
    result = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


def test_promtool_unit_tests_pass() -> None:
    result = subprocess.run([promtool(), "test", "rules", *map(str, TESTS)], capture_output=True, text=True,
                            timeout=120, cwd=OPS / "prometheus" / "tests")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(TESTS)


def test_the_unit_tests_can_fail(tmp_path: Path) -> None:
    """A paid p95 objective of 70 s instead of 45 s must make the PaidEndToEndSlow test fail."""
    copy = tmp_path / "prometheus"
    shutil.copytree(OPS / "prometheus", copy)
    rules_file = copy / "rules.yml"
    rules_file.write_text(rules_file.read_text().replace('{tier="paid"}[10m]))) > 45', '{tier="paid"}[10m]))) > 70'))
    result = subprocess.run([promtool(), "test", "rules", str(copy / "tests" / "capacity.yml")], capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode != 0 and "PaidEndToEndSlow" in result.stdout + result.stderr


def test_every_runbook_has_an_alert_and_every_alert_a_firing_and_a_quiet_test() -> None:
    assert set(alerts()) == RUNBOOKS
    fired: dict[str, int] = {}
    quiet: dict[str, int] = {}
    for path in TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                bucket = fired if check.get("exp_alerts") else quiet
                bucket[check["alertname"]] = bucket.get(check["alertname"], 0) + 1
    assert set(fired) == RUNBOOKS, f"alerts never shown firing: {RUNBOOKS - set(fired)}"
    assert set(quiet) == RUNBOOKS, f"alerts never shown staying quiet: {RUNBOOKS - set(quiet)}"


def test_every_alert_links_a_runbook_that_exists() -> None:
    headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", DOC.read_text(), re.M)}  # fmt: skip
    for name, rule in alerts().items():
        url = rule["annotations"]["runbook_url"]
        assert url.startswith("docs/operations.md#"), url
        assert url.split("#")[1] in headings, f"{name}: no heading for {url} in docs/operations.md"
        assert rule["labels"]["severity"] in ("page", "ticket")


def test_rules_read_only_metrics_that_exist() -> None:
    exposed = exposed_names()
    for rule in rules():
        unknown = metric_names(rule["expr"]) - exposed
        assert not unknown, f"{rule.get('alert') or rule.get('record')} reads undefined metrics {unknown}"


def test_the_name_check_catches_a_misspelt_metric() -> None:
    assert metric_names('sum(rate(queue_wait_second_bucket{tier="paid"}[5m]))') - exposed_names() == {
        "queue_wait_second_bucket"
    }
