"""Filters built once per test session: MiniLM and NudeNet load in about a second each."""

from __future__ import annotations

import pytest
import torch

from muralist.safety.image_filter import ImageFilter
from muralist.safety.prompt_filter import PromptFilter


@pytest.fixture(scope="session")
def prompt_filter() -> PromptFilter:
    torch.set_num_threads(1)
    return PromptFilter.load()


@pytest.fixture(scope="session")
def image_filter() -> ImageFilter:
    return ImageFilter.load()
