"""Shared pytest set-up: kept small on purpose (factories live in gaoxin/testing/factories.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).parent / "test-output"))


@pytest.fixture
def output_dir() -> Path:
    """Where tests save artefacts (screenshots, exported files) for a person to look at."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR
