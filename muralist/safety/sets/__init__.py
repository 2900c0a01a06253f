"""The project's own labelled prompt sets for `muralist eval safety` (JSON Lines, built by build.py)."""

from pathlib import Path

SETS_DIR = Path(__file__).parent
