"""The project's own labelled prompt sets for `muralist eval safety` (JSON Lines, built by build.py)."""

from pathlib import Path

SETS_DIR = Path(__file__).parent

# The ordinary prompts of dev. `fit_classifier --hold-out` also leaves out every other row of them, so
# that a refit is judged on mundane prompts it did not learn: `verdicts rates DUMP --sets mundane`.
MUNDANE_SETS = ("calibration_dev", "everyday_dev")


def mundane_half(rows: list[dict[str, str]], held_out: bool) -> list[dict[str, str]]:
    """The rows of a mundane set that a held-out refit learns (even positions) or leaves out (odd)."""
    return rows[1::2] if held_out else rows[0::2]
