"""Pre-computed rollup cells (rollups.py): the whole zone and a whole park read them, every other scope is computed
exactly, and they are never stale — whatever changes the facts or an enterprise's groups, by whatever path."""

import random
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.indicators import rollups
from gaoxin.indicators.models import Fact, Indicator, RollupCell, RollupChange, RollupPeriod
from gaoxin.indicators.rollups import PARTITIONS, monthly_totals, rollup
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import ChainStage, Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def put(enterprise: Enterprise, code: str, year: int, month: int, amount: str) -> None:
    facts_store(actor=None, inputs=[FactInput(enterprise.pk, ind(code), year, month, D(amount), is_cumulative=True)])


def whole(**kw: Any) -> rollups.Rollup:
    """The zone as a leader sees it: answered from the cells."""
    return rollup(ind(kw.pop("code", "output_value")), enterprises=Enterprise.objects.all(), **kw)


def exact(**kw: Any) -> rollups.Rollup:
    """The same enterprises through a filtered queryset: always the exact statement."""
    return rollup(ind(kw.pop("code", "output_value")), enterprises=Enterprise.objects.filter(pk__gt=0), **kw)


def built(code: str, year: int, month: int) -> bool:
    return RollupPeriod.objects.filter(indicator=ind(code), year=year, month=month).exists()


@pytest.fixture
def zone() -> dict[str, Any]:
    """Two parks, a 主导产业 with a 细分领域, enterprises with and without industry and chain stage, 规上 and 规下;
    two years of monthly figures with entrants, leavers, unreported months and a stock indicator."""
    rng = random.Random(7)
    parks = [f.ParkFactory(name="唐家湾主园区"), f.ParkFactory(name="南屏科技园")]
    root = f.IndustryFactory(name="高端装备制造")
    leaf = f.IndustryFactory(name="智能装备", parent=root)
    other = f.IndustryFactory(name="生物医药")
    industries = [root, leaf, other, None]
    stages = ["", *ChainStage.values]
    firms = [
        f.EnterpriseFactory(
            park=rng.choice(parks),
            industry=rng.choice(industries),
            chain_stage=rng.choice(stages),
            is_above_scale=rng.random() < 0.7,
        )
        for _ in range(24)
    ]
    inputs = []
    for i, e in enumerate(firms):
        first_year = 2020 if i % 6 == 0 else 2019  # entrants
        last_year = 2019 if i % 7 == 3 else 2020  # leavers
        for year in range(first_year, last_year + 1):
            for month in range(1, 12):
                if rng.random() < 0.1:
                    continue  # not reported: carried
                for code in ("output_value", "revenue", "energy", "value_added"):
                    amount = D(rng.randint(1, 500_000)) / 100
                    inputs.append(FactInput(e.pk, ind(code), year, month, amount))
                inputs.append(FactInput(e.pk, ind("employees"), year, month, D(rng.randint(5, 300))))
    facts_store(actor=None, inputs=inputs)
    return {"parks": parks, "firms": firms, "root": root, "leaf": leaf}


def same(a: rollups.Rollup, b: rollups.Rollup) -> None:
    assert a.as_json() == b.as_json()
    assert [(r.key, r.enterprises, r.value, r.comparable_value, r.base) for r in a.rows] == [
        (r.key, r.enterprises, r.value, r.comparable_value, r.base) for r in b.rows
    ]


@pytest.mark.parametrize("code", ["output_value", "employees", "energy_intensity"])
def test_cells_give_exactly_what_the_exact_statement_gives(zone: dict[str, Any], code: str) -> None:
    for month in (1, 6, 11):
        for by in PARTITIONS:
            same(whole(code=code, year=2020, month=month, by=by), exact(code=code, year=2020, month=month, by=by))
        for park in zone["parks"]:
            for by in (None, "industry"):
                cells = rollup(
                    ind(code), year=2020, month=month, enterprises=Enterprise.objects.all(), by=by, park=park
                )
                precise = rollup(
                    ind(code), year=2020, month=month, enterprises=Enterprise.objects.filter(pk__gt=0), by=by, park=park
                )
                same(cells, precise)
    parts = ("energy", "value_added") if code == "energy_intensity" else (code,)
    assert all(built(part, 2020, 11) for part in parts)
    assert whole(code=code, year=2020, month=11).total.comparable_enterprises > 0


def test_monthly_totals_from_the_cells(zone: dict[str, Any]) -> None:
    output = ind("output_value")
    for year in (2019, 2020):
        from_cells = monthly_totals(output, year, Enterprise.objects.all())
        assert built("output_value", year, 12)
        assert from_cells == monthly_totals(output, year, Enterprise.objects.filter(pk__gt=0))
        assert from_cells[11] is None
        assert from_cells[10] == sum(
            Fact.objects.filter(indicator=output, year=year, month=11).values_list("cumulative", flat=True)
        )


def test_only_the_whole_zone_or_a_whole_park_reads_the_cells(zone: dict[str, Any]) -> None:
    from gaoxin.registry.selectors import enterprise_scope

    truth = whole(year=2020, month=11).total.value
    RollupCell.objects.update(value=D(1))  # tampered with (no trigger watches the cells): shows who reads them
    assert (
        whole(year=2020, month=11).total.value
        == RollupCell.objects.filter(indicator=ind("output_value"), year=2020, month=11).count()
    )
    park = zone["parks"][0]
    officer = f.park_officer(park)
    assert rollup(ind("output_value"), year=2020, month=11, enterprises=enterprise_scope(officer)).total.value == (
        exact(year=2020, month=11, park=park).total.value
    )
    assert exact(year=2020, month=11).total.value == truth
    commissioner = f.commissioner()
    Enterprise.objects.filter(pk=zone["firms"][1].pk).update(commissioner=commissioner)
    mine = rollup(ind("output_value"), year=2020, month=11, enterprises=enterprise_scope(commissioner))
    assert (
        mine.total.value
        == Fact.objects.get(indicator=ind("output_value"), year=2020, month=11, enterprise=zone["firms"][1]).cumulative
    )


def test_a_correction_this_year_or_last_is_seen_at_once(zone: dict[str, Any]) -> None:
    e = zone["firms"][1]
    before = whole(year=2020, month=11, by="park")
    put(e, "output_value", 2020, 11, "999999.5")
    after = whole(year=2020, month=11, by="park")
    same(after, exact(year=2020, month=11, by="park"))
    assert after.total.value != before.total.value
    put(e, "output_value", 2019, 11, "0.5")  # last year's figure: the base of 2020 changes
    same(whole(year=2020, month=11), exact(year=2020, month=11))
    assert whole(year=2020, month=11).total.base != after.total.base


def test_a_write_elsewhere_leaves_the_cells_current(zone: dict[str, Any], django_assert_num_queries: Any) -> None:
    whole(year=2020, month=11)
    put(zone["firms"][1], "revenue", 2020, 11, "123")  # another indicator
    put(zone["firms"][1], "output_value", 2018, 11, "123")  # two years before: neither this year nor the base
    with django_assert_num_queries(5):  # the indicator, current?, the cells, official rates, targets
        whole(year=2020, month=11)


def test_a_change_of_park_industry_scale_or_chain_is_seen_at_once(zone: dict[str, Any]) -> None:
    e = zone["firms"][2]
    for by in PARTITIONS:
        whole(year=2020, month=11, by=by)
    moved_to = next(p for p in zone["parks"] if p.pk != e.park_id)
    Enterprise.objects.filter(pk=e.pk).update(park=moved_to)  # not even through a service
    same(whole(year=2020, month=11, by="park"), exact(year=2020, month=11, by="park"))
    e.refresh_from_db()
    e.industry, e.is_above_scale = zone["leaf"], not e.is_above_scale
    e.chain_stage = ChainStage.DOWNSTREAM if e.chain_stage != ChainStage.DOWNSTREAM else ChainStage.UPSTREAM
    e.save()
    for by in PARTITIONS:
        same(whole(year=2020, month=11, by=by), exact(year=2020, month=11, by=by))


def test_deleted_facts_and_enterprises_and_raw_sql_are_seen(zone: dict[str, Any]) -> None:
    whole(year=2020, month=11, by="park")
    zone["firms"][3].delete()  # its facts go with it
    same(whole(year=2020, month=11, by="park"), exact(year=2020, month=11, by="park"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE indicators_fact SET cumulative = cumulative + 1 WHERE year = 2019 AND month = 11")
    same(whole(year=2020, month=11, by="park"), exact(year=2020, month=11, by="park"))
    Fact.objects.filter(enterprise=zone["firms"][4], year=2020).delete()
    same(whole(year=2020, month=11, by="park"), exact(year=2020, month=11, by="park"))


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        for name in rollups.trigger_names():
            if connection.vendor == "postgresql":
                for table in ("indicators_fact", "registry_enterprise"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {table}')
            else:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def test_missing_triggers_are_reinstalled_and_the_cells_discarded(zone: dict[str, Any]) -> None:
    """SQLite's ALTER TABLE rebuilds a table without its triggers: the changes made meanwhile were not recorded."""
    whole(year=2020, month=11, by="park")
    _drop_triggers()
    Fact.objects.filter(indicator=ind("output_value"), year=2020, month=11).update(cumulative=D(7))
    Enterprise.objects.filter(pk=zone["firms"][5].pk).update(park=zone["parks"][0])
    assert not RollupChange.objects.exists()
    result = whole(year=2020, month=11, by="park")
    same(result, exact(year=2020, month=11, by="park"))
    assert result.total.value == D(7) * result.total.enterprises
    assert len(rollups.trigger_names()) >= 4
    put(zone["firms"][5], "output_value", 2020, 11, "10")  # recorded again
    assert RollupChange.objects.exists()
    same(whole(year=2020, month=11, by="park"), exact(year=2020, month=11, by="park"))


def test_refreshing_takes_a_constant_number_of_queries() -> None:
    """However many enterprises: a cold period costs the same few statements (not one per enterprise or cell)."""
    counts = []
    for size in (1, 20):
        park = f.ParkFactory()
        for _ in range(size):
            e = f.EnterpriseFactory(park=park, industry=f.IndustryFactory())
            put(e, "output_value", 2019 + size, 11, "10")
            put(e, "output_value", 2020 + size, 11, "12")
        whole(year=2020 + size, month=11, by="industry")  # installs the triggers the first time
        put(e, "output_value", 2020 + size, 11, "13")
        with CaptureQueriesContext(connection) as captured:
            result = whole(year=2020 + size, month=11, by="industry")
        assert len(result.rows) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_parks_without_enterprises_and_empty_periods(zone: dict[str, Any]) -> None:
    empty = f.ParkFactory(name="空园区")
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all(), park=empty)
    assert (result.total.enterprises, result.total.value, result.rows) == (0, D(0), [])
    assert whole(year=2025, month=3, by="park").rows == []
