"""The demo zone (`seed_demo`, `demo_accounts`): deterministic, valid identity codes, realistic proportions, one
account per role, and `--if-empty` leaves a registry that has data alone."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from stdnum.cn import uscc as stdnum_uscc

from gaoxin.accounts.models import BindingStatus, EnterpriseBinding, User
from gaoxin.accounts.roles import Role
from gaoxin.registry import demo
from gaoxin.registry.identity import search_text
from gaoxin.registry.models import Enterprise, EnterpriseStatus, Industry, Park, Qualification
from gaoxin.testing.factories import EnterpriseFactory

TODAY = dt.date(2026, 11, 22)


class _Rollback(Exception):
    pass


def _seed_and_read(*args: str) -> list[tuple[Any, ...]]:
    """Run the command on a fresh registry, read back what it wrote, and undo it all."""
    rows: list[tuple[Any, ...]] = []
    try:
        with transaction.atomic():
            call_command("seed_demo", *args, stdout=io.StringIO())
            rows = list(
                Enterprise.objects.order_by("uscc").values_list(
                    "uscc", "name", "park__code", "industry__code", "founded_on", "registered_capital", "contact_phone"
                )
            )
            rows += list(
                Qualification.objects.order_by("enterprise__uscc", "qtype__code", "recognized_on").values_list(
                    "enterprise__uscc", "qtype__code", "level", "certificate_no", "recognized_on", "valid_until"
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    assert not Enterprise.objects.exists()
    return rows


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_zone() -> None:
    first = _seed_and_read("--enterprises", "120", "--seed", "11")
    second = _seed_and_read("--enterprises", "120", "--seed", "11")
    other = _seed_and_read("--enterprises", "120", "--seed", "12")
    assert len(first) > 120
    assert first == second
    assert {r[0] for r in first} != {r[0] for r in other}


def test_the_generator_is_deterministic_without_a_database() -> None:
    one = demo.generate_enterprises(300, seed=5, today=TODAY)
    two = demo.generate_enterprises(300, seed=5, today=TODAY)
    assert [(e.uscc, e.name, e.qualifications) for e in one] == [(e.uscc, e.name, e.qualifications) for e in two]


def test_identity_codes_names_and_phones_are_valid() -> None:
    specs = demo.generate_enterprises(3000, seed=demo.DEFAULT_SEED, today=TODAY)
    assert all(stdnum_uscc.is_valid(e.uscc) for e in specs)
    assert all(e.uscc.startswith("91440") for e in specs)
    assert len({e.uscc for e in specs}) == 3000
    names = [e.name for e in specs]
    assert len(set(names)) == 3000
    assert not {old for e in specs for old, _until in e.former_names} & set(names)
    assert all(re.fullmatch(r".*(有限公司|有限责任公司)", name) for name in names)
    assert all("珠海" in name or name.startswith("广东") for name in names)
    mobile = re.compile(r"1[3-9]\d{9}")
    assert all(mobile.fullmatch(e.contact_phone) for e in specs)
    assert all(mobile.fullmatch(e.finance_contact_phone) or e.finance_contact_phone.startswith("0756-") for e in specs)
    assert all(e.registered_capital > 0 and e.registered_capital % 10000 == 0 for e in specs)


def test_proportions_of_a_default_zone() -> None:
    specs = demo.generate_enterprises(3000, seed=demo.DEFAULT_SEED, today=TODAY)

    def holders(code: str) -> int:
        return sum(e.holds(code, TODAY) for e in specs)

    assert 570 <= holders("hnte") <= 630  # ≈20% 高企
    assert 690 <= holders("tech_sme") <= 810  # ≈25% 科小
    assert 100 <= holders("srdi_sme") <= 140  # ≈4% 专精特新
    assert holders("little_giant") == 10
    assert holders("listed") == 5
    assert holders("unicorn") == 1
    assert holders("unicorn_potential") == 8
    assert holders("unicorn_seed") == 25
    assert holders("tech_centre") > 0
    assert holders("eng_centre") > 0
    assert holders("new_rd_institution") > 0
    industrial_above = sum(e.is_above_scale and e.industrial for e in specs)
    assert industrial_above == 200
    assert all(e.above_scale_since and e.above_scale_since > e.founded_on for e in specs if e.is_above_scale)
    moved = sum(e.status == EnterpriseStatus.MOVED_OUT for e in specs)
    gone = sum(e.status == EnterpriseStatus.DEREGISTERED for e in specs)
    assert 0 < moved < 90
    assert 0 < gone < 90
    hnte = [q for e in specs for q in e.qualifications if q.code == "hnte"]
    assert all(re.fullmatch(rf"GR{q.recognized_on.year}44\d{{6}}", q.certificate_no) for q in hnte)
    assert len({q.certificate_no for q in hnte}) == len(hnte)
    assert all(
        q.valid_until == q.recognized_on.replace(year=q.recognized_on.year + 3) - dt.timedelta(days=1) for q in hnte
    )
    soon = [q for q in hnte if TODAY <= q.valid_until <= TODAY + dt.timedelta(days=183)]  # type: ignore[operator]
    lapsed = [e for e in specs if any(q.code == "hnte" for q in e.qualifications) and not e.holds("hnte", TODAY)]
    assert soon
    assert lapsed
    sme = [q for e in specs for q in e.qualifications if q.code == "tech_sme"]
    assert all(q.valid_until == dt.date(q.recognized_on.year, 12, 31) for q in sme)
    assert all(q.recognized_on <= TODAY for e in specs for q in e.qualifications)
    assert 40 <= sum(bool(e.former_names) for e in specs) <= 140
    # the ladder holds: every 小巨人 is 专精特新 first, every listed firm is a 高企
    for e in specs:
        if e.holds("little_giant", TODAY):
            giant = next(q for q in e.qualifications if q.code == "little_giant")
            assert any(q.code == "srdi_sme" and q.recognized_on < giant.recognized_on for q in e.qualifications)
        if e.holds("listed", TODAY):
            assert e.holds("hnte", TODAY)
            assert e.name.endswith("股份有限公司")


def test_years_bounds_the_qualification_history() -> None:
    short = demo.generate_enterprises(600, seed=3, years=1, today=TODAY)
    long = demo.generate_enterprises(600, seed=3, years=8, today=TODAY)
    window = TODAY.replace(year=TODAY.year - 1)
    assert all(q.valid_until is None or q.valid_until >= window for e in short for q in e.qualifications)
    assert sum(len(e.qualifications) for e in long) > sum(len(e.qualifications) for e in short)
    assert {e.uscc for e in short} == {e.uscc for e in long}


@pytest.mark.django_db
def test_seed_writes_structure_enterprises_and_one_user_per_role() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--enterprises", "600", "--seed", "3", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["enterprises"] == 600
    assert not result["skipped"]

    assert Park.objects.count() == 5
    assert Industry.objects.filter(parent=None, name="集成电路").get().children.count() >= 3
    assert Enterprise.objects.count() == 600
    for e in Enterprise.objects.prefetch_related("former_names")[:600]:
        assert e.search_text == search_text(e.name, [f.name for f in e.former_names.all()])

    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in demo.DEMO_ACCOUNTS])}
    assert {u.role for u in users.values()} == set(Role.values)
    for user in users.values():
        assert user.check_password(demo.DEMO_PASSWORD)
        assert not user.must_change_password
    assert users["officer"].department is not None
    assert [p.code for p in users["park"].parks.all()] == [demo.DEMO_PARK]
    assert Enterprise.objects.filter(commissioner=users["commissioner"]).count() == demo.COMMISSIONER_ENTERPRISES
    showcase = users["enterprise"].enterprise
    assert showcase is not None
    assert showcase.qualifications.count() >= 2

    binding = EnterpriseBinding.objects.get()
    assert binding.status == BindingStatus.PENDING
    assert binding.enterprise is not None
    assert binding.enterprise.name == binding.enterprise_name
    assert binding.user.enterprise is None
    assert binding.enterprise.park.code == demo.DEMO_PARK

    # The yearly figures of the monitoring and the rules demos agree: shares of 营业收入 stay below 100%.
    from gaoxin.indicators.models import AnnualFact

    figures: dict[tuple[int, int], dict[str, float]] = {}
    for pk, year, name, value in AnnualFact.objects.values_list("enterprise_id", "year", "name", "value"):
        figures.setdefault((pk, year), {})[name] = float(value)
    shares = [(y["hightech_revenue"], y["rd_expense"], y["revenue"]) for y in figures.values() if "rd_expense" in y]
    assert len(shares) > 1000
    assert all(hightech <= revenue and rd <= revenue for hightech, rd, revenue in shares)


@pytest.mark.django_db
def test_if_empty_leaves_a_registry_with_data_alone() -> None:
    existing = EnterpriseFactory()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", "--enterprises", "50", stdout=out)
    assert "未生成" in out.getvalue()
    assert list(Enterprise.objects.all()) == [existing]
    assert not User.objects.exists()
    with pytest.raises(CommandError, match="空库"):
        call_command("seed_demo", "--enterprises", "50", stdout=io.StringIO())
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_demo_accounts_prints_only_when_demo_users_exist() -> None:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert out.getvalue() == ""

    call_command("seed_demo", "--enterprises", "60", stdout=io.StringIO())
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for account in demo.DEMO_ACCOUNTS:
        assert account.username in text
    assert "园区人员" in text
    assert "南屏科技工业园" in text
    assert demo.DEMO_PASSWORD in text
    assert "待审核" in text


@pytest.mark.django_db
def test_structure_only_with_zero_enterprises() -> None:
    call_command("seed_demo", "--enterprises", "0", stdout=io.StringIO())
    assert Park.objects.count() == 5
    assert not Enterprise.objects.exists()
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()
    assert User.objects.filter(username="officer").exists()
