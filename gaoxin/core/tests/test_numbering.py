"""Receipt numbers: the serial counts up within its prefix (other prefixes, e.g. last year's, do not count)."""

from __future__ import annotations

import pytest

from gaoxin.core.numbering import last_serial, next_number
from gaoxin.registry.models import Park
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def test_next_number_counts_up_within_its_prefix() -> None:
    parks = Park.objects.all()
    assert last_serial(parks, "BF2026", field="code") == 0
    assert next_number(parks, "BF2026", 4, field="code") == "BF20260001"
    for code in ("BF20250099", "BF20260009", "BF20260010"):
        f.ParkFactory(code=code)
    assert last_serial(parks, "BF2026", field="code") == 10
    assert next_number(parks, "BF2026", 4, field="code") == "BF20260011"
    assert next_number(parks, "BF2025", 6, field="code") == "BF2025000100"
