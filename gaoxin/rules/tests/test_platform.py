"""The rules engine inside the platform: shipped rule sets as published versions, `evaluate_rules`, the API, the
registry-wide evaluation with stored explanations, and candidate lists within the caller's scope."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client

from gaoxin.indicators.models import AnnualFact
from gaoxin.registry.models import EnterpriseCheck
from gaoxin.rules import selectors, services
from gaoxin.rules.facts import facts_documents
from gaoxin.rules.models import EnterpriseResult, EvaluationRun, RuleSetStatus, RuleSetVersion
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
SHIPPED = {"tech_sme", "hnte", "innovative_sme", "srdi_sme", "little_giant", "above_scale_industry", "small_to_above"}

FACTS = {
    "uscc": "91440400MA4UXXXX0X",
    "registered_on": "2015-03-01",
    "qualifications": [],
    "years": {"2025": {"revenue": 2500, "main_business_revenue": 2400}},
}


def annual(enterprise: Any, year: int, **values: Any) -> None:
    for name, value in values.items():
        AnnualFact.objects.create(enterprise=enterprise, year=year, name=name, value=D(str(value)))


def test_shipped_rule_sets_are_published_after_migrate() -> None:
    assert set(RuleSetVersion.objects.filter(status=RuleSetStatus.PUBLISHED).values_list("code", flat=True)) == SHIPPED
    assert services.sync_shipped() == 0  # idempotent


def test_evaluate_rules_command_json_has_the_formats_shape(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "evaluate_rules", "above_scale_industry", "--facts", str(path), "--as-of", "2026-06-30", "--json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert {"ruleset", "version", "result", "criteria"} <= set(payload)
    assert payload["ruleset"] == "above_scale_industry"
    assert payload["result"] == "pass"
    for criterion in payload["criteria"]:
        assert {"code", "label", "result", "actual", "required", "message"} <= set(criterion)
        assert criterion["result"] in ("pass", "fail", "unknown")


def test_missing_data_is_unknown_and_a_low_figure_fails(tmp_path: Path) -> None:
    unknown = services.evaluate_facts("above_scale_industry", {**FACTS, "years": {}}, as_of=AS_OF)
    assert unknown.result.value == "unknown"
    low = services.evaluate_facts(
        "above_scale_industry", {**FACTS, "years": {"2025": {"main_business_revenue": 1999}}}, as_of=AS_OF
    )
    assert low.result.value == "fail"


def test_command_errors_are_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("evaluate_rules", "hnte", "--facts", str(bad))
    with pytest.raises(CommandError, match="没有已发布的规则集：nope"):
        call_command("evaluate_rules", "nope", "--facts", str(_good(tmp_path)))


def _good(tmp_path: Path) -> Path:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(FACTS), encoding="utf-8")
    return path


def test_api_evaluates_posted_facts(client: Client) -> None:
    client.force_login(f.enterprise_user(f.EnterpriseFactory()))
    response = client.post(
        "/api/v1/rules/above_scale_industry/evaluate?as_of=2026-06-30", FACTS, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["result"] == "pass"
    bad = client.post(
        "/api/v1/rules/hnte/evaluate", {"years": {"2025": {"revenue": "很多"}}}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert client.post("/api/v1/rules/nope/evaluate", FACTS, content_type="application/json").status_code == 404


def test_api_enterprise_evaluation_follows_the_scope(client: Client) -> None:
    park, other = f.ParkFactory(), f.ParkFactory()
    mine = f.EnterpriseFactory(park=park, founded_on=dt.date(2015, 3, 1))
    theirs = f.EnterpriseFactory(park=other)
    annual(mine, 2025, main_business_revenue=2600)
    client.force_login(f.park_officer(park))
    ok = client.post(
        f"/api/v1/rules/above_scale_industry/evaluate?enterprise_id={mine.pk}&as_of=2026-06-30",
        {},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["result"] == "pass"
    hidden = client.post(
        f"/api/v1/rules/above_scale_industry/evaluate?enterprise_id={theirs.pk}", {}, content_type="application/json"
    )
    assert hidden.status_code == 404
    assert client.get(f"/api/v1/enterprises/{theirs.pk}/rule-results").status_code == 404


def test_facts_documents_read_the_registry() -> None:
    e = f.EnterpriseFactory(founded_on=dt.date(2018, 5, 2), is_above_scale=True)
    f.QualificationFactory(
        enterprise=e,
        qtype=f.qualification_type("hnte"),
        recognized_on=dt.date(2024, 12, 1),
        valid_until=dt.date(2027, 11, 30),
    )
    annual(e, 2025, revenue="4100.5", staff=140)
    doc = facts_documents([e])[e.pk]
    assert doc["registered_on"] == "2018-05-02"
    assert doc["is_above_scale"] is True
    assert doc["years"] == {"2025": {"revenue": 4100.5, "staff": 140}}
    assert doc["qualifications"] == [{"type": "高新技术企业", "valid_from": "2024-12-01", "valid_to": "2027-11-30"}]


def test_registry_evaluation_stores_explanations_and_flags_stale_results(client: Client) -> None:
    big = f.EnterpriseFactory(name="珠海甲制造有限公司", founded_on=dt.date(2012, 1, 1))
    near = f.EnterpriseFactory(name="珠海乙制造有限公司", founded_on=dt.date(2012, 1, 1))
    f.EnterpriseFactory(name="珠海丙科技有限公司")
    annual(big, 2025, main_business_revenue=2600)
    annual(near, 2025, main_business_revenue=1500)
    run = services.evaluate_registry(trigger="测试", as_of=AS_OF)
    assert (run.enterprises, run.rulesets) == (3, 7)
    assert run.results == 21
    version = services.version_for("above_scale_industry", AS_OF)
    officer = f.officer()
    assert [r.enterprise.name for r in selectors.candidates(officer, version, kind="pass")] == ["珠海甲制造有限公司"]
    near_rows = list(selectors.candidates(officer, version, kind="near"))
    assert [r.enterprise.name for r in near_rows] == ["珠海乙制造有限公司"]
    assert near_rows[0].items == "f"  # every criterion's result, one letter each
    explained = selectors.explain(near_rows)
    failing = [c for c in explained[0].criteria if c["result"] == "fail"]
    assert "1500万元" in failing[0]["message"]
    assert explained[0].summary.startswith("不符合")
    assert not explained[0].stale
    assert selectors.candidate_counts(officer, version) == {"pass": 1, "near": 1, "unknown": 1, "fail": 1}
    # The facts change: the stored result is marked stale until the next run.
    annual(near, 2024, revenue=100)
    views = {v.row.ruleset.code: v for v in selectors.enterprise_results(near)}
    assert views["above_scale_industry"].stale
    services.evaluate_registry(trigger="测试", as_of=AS_OF, enterprise_ids=[near.pk])
    assert not any(v.stale for v in selectors.enterprise_results(near))
    assert EnterpriseResult.objects.count() == 21


def test_pages_lists_export_and_profile_card(client: Client) -> None:
    import io as _io

    import openpyxl

    park = f.ParkFactory()
    near = f.EnterpriseFactory(name="珠海乙制造有限公司", park=park, founded_on=dt.date(2012, 1, 1))
    annual(near, 2025, main_business_revenue=1500)
    services.evaluate_registry(trigger="测试")
    version = services.version_for("above_scale_industry", dt.date.today())
    client.force_login(f.enterprise_user(near))
    assert client.get("/rules/").status_code == 403
    client.force_login(f.leader())
    html = client.get("/rules/").content.decode()
    assert version.name in html
    assert client.post("/rules/run/").status_code == 403  # leaders read, officers run
    html = client.get(f"/rules/{version.pk}/candidates/?kind=near").content.decode()
    assert "珠海乙制造有限公司" in html
    assert "1500万元" in html
    response = client.get(f"/rules/{version.pk}/candidates/?kind=near&format=xlsx")
    sheet = openpyxl.load_workbook(_io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2][1] == "珠海乙制造有限公司"
    assert "1500万元" in rows[2][5]
    html = client.get(f"/rules/{version.pk}/").content.decode()
    assert 'id="reading"' in html
    assert "通过" in html
    profile = client.get(f"/registry/enterprises/{near.pk}/").content.decode()
    assert 'id="rule-results"' in profile
    assert "1500万元" in profile


def test_officer_starts_a_registry_run(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    f.EnterpriseFactory()
    client.force_login(f.officer())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rules/run/")
    assert response.status_code == 302
    assert EnterpriseResult.objects.count() == 7  # the immediate task backend of the suite ran it


def test_a_new_qualification_re_evaluates_that_enterprise(django_capture_on_commit_callbacks: Any) -> None:
    from gaoxin.registry import services as registry_services

    e = f.EnterpriseFactory(founded_on=dt.date(2015, 1, 1))
    services.evaluate_registry(trigger="测试", as_of=dt.date.today())
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.qualification_create(
            actor=f.officer(),
            enterprise=e,
            data={"qtype": f.qualification_type("hnte"), "recognized_on": dt.date(2025, 12, 1)},
        )
    views = selectors.enterprise_results(e)
    assert views
    assert not any(v.stale for v in views)  # re-evaluated with the new qualification (immediate task backend)


def test_vectorised_and_per_enterprise_registry_runs_store_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry-wide run takes the vectorised engine for many enterprises and the per-enterprise engine for a
    few: both store the same result, score, counts and per-item letters for every enterprise and rule set."""
    import random

    rng = random.Random(7)
    hnte = f.qualification_type("hnte")
    for i in range(40):
        e = f.EnterpriseFactory(founded_on=dt.date(2010 + i % 12, 1 + i % 12, 1), is_above_scale=i % 3 == 0)
        if i % 4 == 0:
            f.QualificationFactory(
                enterprise=e, qtype=hnte, recognized_on=dt.date(2023, 12, 1), valid_until=dt.date(2026, 11, 30)
            )
        for year in (2023, 2024, 2025):
            revenue = rng.choice([800, 1500, 2000, 4999.99, 5000, 18000, 20000, 60000]) * (1 + (year - 2023) / 10)
            facts = {
                "revenue": round(revenue, 2),
                "main_business_revenue": round(revenue * 0.95, 2),
                "rd_expense": round(revenue * rng.choice([0.02, 0.03, 0.04, 0.05, 0.06]), 2),
                "hightech_revenue": round(revenue * rng.choice([0.5, 0.6, 0.7]), 2),
                "staff": rng.choice([8, 50, 120, 300]),
                "tech_staff": rng.choice([1, 10, 30]),
            }
            if i % 5:  # some enterprises lack a fact: unknown, never fail
                facts["total_assets"] = round(revenue * 1.2, 2)
                facts["net_assets"] = round(revenue * 0.6, 2)
            annual(e, year, **facts)

    def stored() -> dict[tuple[str, int], tuple[object, ...]]:
        return {
            (r.ruleset.code, r.enterprise_id): (r.result, r.score, r.score_min, r.score_max, r.failed, r.unknown,
                                                r.items, r.validity, r.facts_digest, r.as_of)
            for r in EnterpriseResult.objects.select_related("ruleset")
        }  # fmt: skip

    monkeypatch.setattr(services, "VECTOR_MIN_ENTERPRISES", 10_000)
    services.evaluate_registry(trigger="逐企业", as_of=AS_OF)
    per_enterprise = stored()
    monkeypatch.setattr(services, "VECTOR_MIN_ENTERPRISES", 1)
    services.evaluate_registry(trigger="向量化", as_of=AS_OF)
    vectorised = stored()
    assert len(per_enterprise) == 40 * 7
    assert vectorised == per_enterprise
    # Item letters and counts written once per distinct pattern of outcomes, or for every row: the same.
    monkeypatch.setattr(services, "PACKED_ITEMS", 0)
    services.evaluate_registry(trigger="向量化（逐行写出逐项结果）", as_of=AS_OF)
    assert stored() == per_enterprise
    assert {v[0] for v in vectorised.values()} >= {"pass", "fail", "unknown"}
    assert {v[9] for v in vectorised.values()} == {AS_OF}
    # Written in bulk (COPY on PostgreSQL): the run's time, a score with its decimals, nulls as nulls.
    latest = EvaluationRun.objects.latest("pk")
    assert not EnterpriseResult.objects.exclude(evaluated_at__lte=latest.finished_at).exists()
    assert EnterpriseResult.objects.filter(score__isnull=False).exclude(score=models.F("score_min")).count() == 0


def test_registry_frame_holds_the_same_facts_as_the_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry-wide run reads the facts in bulk into a frame; each row gives back exactly the facts of
    `facts_documents` (decimals included), and an enterprise's facts version is the same whether it is read alone
    or with the whole registry."""
    from gaoxin.rules import facts as facts_module
    from gaoxin.rules.engine.facts import as_facts
    from gaoxin.rules.facts import registry_frame

    park = f.ParkFactory()
    a = f.EnterpriseFactory(park=park, founded_on=dt.date(2015, 3, 1), is_above_scale=True, chain_stage="upstream")
    b = f.EnterpriseFactory(park=park, founded_on=None)
    c = f.EnterpriseFactory(park=park)
    for held in [("hnte", dt.date(2024, 12, 1), dt.date(2027, 11, 30)), ("hnte", dt.date(2021, 12, 1), None)]:
        f.QualificationFactory(enterprise=a, qtype=f.qualification_type(held[0]), recognized_on=held[1],
                               valid_until=held[2])  # fmt: skip
    annual(a, 2024, revenue="1234.5678", rd_expense="0.0001", staff=140)
    annual(a, 2025, revenue="98765432.1234", hightech_revenue="3.3")
    annual(b, 2025, revenue=1500)
    annual(b, 2024, revenue="99999999999.9999", total_assets="0.5")  # 15 significant digits: the frame's promise
    # Matters officers verified are the enterprises' flags (b has none: unknown, not false).
    EnterpriseCheck.objects.create(
        enterprise=a, name="major_incident_last_year", value=False, checked_on=dt.date(2025, 3, 1)
    )
    EnterpriseCheck.objects.create(enterprise=a, name="leads_standard_5y", value=True, checked_on=dt.date(2025, 3, 1))
    EnterpriseCheck.objects.create(
        enterprise=c, name="major_incident_last_year", value=True, checked_on=dt.date(2025, 3, 1)
    )
    ids, frame, versions = registry_frame()
    documents = facts_documents([a, b, c])
    assert ids == sorted([a.pk, b.pk, c.pk])
    for row, pk in enumerate(ids):
        assert frame.facts_at(row) == as_facts(documents[pk])
    assert documents[a.pk]["flags"] == {"leads_standard_5y": True, "major_incident_last_year": False}
    assert "flags" not in documents[b.pk]
    assert documents[c.pk]["flags"] == {"major_incident_last_year": True}
    # Many enterprises build the facts' columns another way (scattering values instead of a pivot): the same frame.
    monkeypatch.setattr(facts_module, "SCATTER_MIN_ENTERPRISES", 0)
    assert registry_frame()[1].data.equals(frame.data)
    monkeypatch.undo()
    alone = {pk: registry_frame([pk])[2][0] for pk in ids}
    assert alone == dict(zip(ids, versions, strict=True))
    assert len(set(versions)) == 3
    AnnualFact.objects.filter(enterprise=b, year=2025, name="revenue").update(value=D("1500.0001"))
    assert registry_frame([b.pk])[2][0] != alone[b.pk]
    assert registry_frame([a.pk])[2][0] == alone[a.pk]
    EnterpriseCheck.objects.filter(enterprise=c).update(value=False)  # a verified matter is part of the version
    assert registry_frame([c.pk])[2][0] != alone[c.pk]
