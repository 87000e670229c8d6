from __future__ import annotations

from typing import Any

import pytest

from gaoxin.briefings.tests.factories import golden_zone


@pytest.fixture
def zone(db: Any) -> dict[str, Any]:
    """The 2020 zone of STYLE_CORPUS.md (see factories.py)."""
    return golden_zone()
