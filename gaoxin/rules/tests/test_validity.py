"""A rule set outside its validity is flagged wherever it is evaluated, never silently applied as current."""

from __future__ import annotations

import datetime as dt

from gaoxin.rules.engine import Validity, load_shipped
from gaoxin.rules.tests.helpers import ruleset, years

CRITERION = [{"code": "c", "label": "收入达标", "value": "revenue", "op": ">=", "threshold": 100}]
FACTS = years(y2023={"revenue": 150}, y2024={"revenue": 150}, y2025={"revenue": 150})


def dated() -> object:
    return ruleset(CRITERION, valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2025, 12, 31), name="旧版规则")


def test_current_inside_the_validity_window_both_ends_included() -> None:
    rs = ruleset(CRITERION, valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2025, 12, 31))
    for day in (dt.date(2022, 1, 1), dt.date(2025, 12, 31)):
        evaluation = rs.evaluate(FACTS, as_of=day)
        assert evaluation.validity is Validity.CURRENT
        assert evaluation.current
        assert evaluation.warnings == []


def test_expired_is_flagged_in_the_result_and_its_json() -> None:
    rs = ruleset(CRITERION, valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2025, 12, 31), name="旧版规则")
    evaluation = rs.evaluate(FACTS, as_of=dt.date(2026, 1, 1))
    assert evaluation.validity is Validity.EXPIRED
    assert not evaluation.current
    assert evaluation.warnings == ["规则集“旧版规则”（1版）已于2025-12-31失效，本结果仅供参考，不能作为现行认定依据"]
    data = evaluation.as_json()
    assert data["validity"] == "expired"
    assert data["warnings"] == evaluation.warnings
    assert "已于2025-12-31失效" in data["summary"]


def test_not_yet_valid_is_flagged() -> None:
    rs = ruleset(CRITERION, valid_from=dt.date(2026, 4, 1))
    evaluation = rs.evaluate(FACTS, as_of=dt.date(2026, 3, 31))
    assert evaluation.validity is Validity.NOT_YET_VALID
    assert evaluation.warnings == ["规则集“测试规则集”（1版）自2026-04-01起施行，评价日尚未生效，本结果仅供参考"]


def test_many_enterprises_carry_the_flag_each() -> None:
    rs = ruleset(CRITERION, valid_to=dt.date(2024, 12, 31))
    evaluations = rs.evaluate_many([FACTS, FACTS], as_of=dt.date(2025, 6, 30))
    assert [e.validity for e in evaluations] == [Validity.EXPIRED, Validity.EXPIRED]


def test_load_shipped_picks_the_version_in_force() -> None:
    little_giant = load_shipped("little_giant", as_of=dt.date(2026, 6, 30))
    assert little_giant.version == "2026.1"
    # before 2026-04-01 no shipped version is in force: the latest one comes back, and evaluating flags it
    early = load_shipped("little_giant", as_of=dt.date(2025, 6, 30))
    assert early.validity_on(dt.date(2025, 6, 30)) is Validity.NOT_YET_VALID
