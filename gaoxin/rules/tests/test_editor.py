"""The form-based rule editor: a draft from scratch, the Chinese reading, test cases, dry run, publishing; the
builder's round trip; who may edit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from gaoxin.indicators.models import AnnualFact
from gaoxin.rules import builder, services
from gaoxin.rules.engine import check_publishable, compile_ruleset, describe_ruleset
from gaoxin.rules.models import RuleSetStatus, RuleSetVersion
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


CASE_LINES = (
    "2025 营业收入 600",
    "2024 营业收入 500",
    "2023 营业收入 400",
    "2025 研发费用 24",
    "2024 研发费用 20",
    "2023 研发费用 16",
)


def form_data(**over: Any) -> dict[str, Any]:
    data = {
        "h-code": "fund_rd_2026",
        "h-name": "研发投入后补助",
        "h-version": "2026.1",
        "h-source": "珠高新〔2026〕1号",
        "h-valid_from": "2026-01-01",
        "h-valid_to": "",
        "h-decision": "all",
        "h-as_of": "2026-06-30",
        "c-TOTAL_FORMS": "2",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "1",
        "c-MAX_NUM_FORMS": "1000",
        "c-0-kind": "value",
        "c-0-measure": "fact",
        "c-0-fact": "revenue",
        "c-0-period": "latest",
        "c-0-years": "1",
        "c-0-op": ">=",
        "c-0-threshold": "500",
        "c-1-kind": "value",
        "c-1-measure": "ratio",
        "c-1-fact": "rd_expense",
        "c-1-denominator": "revenue",
        "c-1-period": "sum",
        "c-1-years": "3",
        "c-1-op": ">=",
        "c-1-threshold": "3",
        "t-TOTAL_FORMS": "1",
        "t-INITIAL_FORMS": "0",
        "t-MIN_NUM_FORMS": "0",
        "t-MAX_NUM_FORMS": "1000",
        "t-0-name": "营收600万、研发占比4%",
        "t-0-expect": "pass",
        "t-0-facts": "\n".join(CASE_LINES),
    }
    data.update(over)
    return data


def test_officer_builds_tests_dry_runs_and_publishes(client: Client) -> None:
    e = f.EnterpriseFactory(name="珠海甲科技有限公司")
    for year, revenue, rd in ((2023, 400, 20), (2024, 500, 25), (2025, 700, 35)):
        AnnualFact.objects.create(enterprise=e, year=year, name="revenue", value=D(revenue))
        AnnualFact.objects.create(enterprise=e, year=year, name="rd_expense", value=D(rd))
    officer = f.officer()
    client.force_login(officer)
    response = client.post("/rules/editor/new/")
    draft = RuleSetVersion.objects.get(status=RuleSetStatus.DRAFT)
    assert response["Location"] == f"/rules/editor/{draft.pk}/"
    url = f"/rules/editor/{draft.pk}/"
    html = client.post(url, form_data(action="save")).content.decode()
    assert "上年度营业收入不低于500万元" in html  # the Chinese reading
    assert "近3年研发费用占营业收入的比例不低于3%" in html
    assert "通过" in html
    html = client.post(url, form_data(action="dryrun")).content.decode()
    assert 'id="dry-run-result"' in html
    assert "符合 1 · 不符合 0 · 待核实 0" in html
    response = client.post(url, form_data(action="publish"))
    assert response.status_code == 302
    version = RuleSetVersion.objects.get(code="fund_rd_2026")
    assert version.status == RuleSetStatus.PUBLISHED
    assert version.published_by == officer
    assert (
        services.evaluate_facts(
            "fund_rd_2026", {"years": {"2025": {"revenue": 499}}}, as_of=dt.date(2026, 6, 30)
        ).result.value
        == "fail"
    )


def test_a_failing_test_case_blocks_publishing(client: Client) -> None:
    client.force_login(f.officer())
    client.post("/rules/editor/new/")
    draft = RuleSetVersion.objects.get(status=RuleSetStatus.DRAFT)
    response = client.post(
        f"/rules/editor/{draft.pk}/", form_data(action="publish", **{"t-0-expect": "fail"}), follow=True
    )
    html = response.content.decode()
    assert "不能发布" in html
    assert RuleSetVersion.objects.get(pk=draft.pk).status == RuleSetStatus.DRAFT


def test_unreadable_case_facts_name_the_line(client: Client) -> None:
    client.force_login(f.officer())
    client.post("/rules/editor/new/")
    draft = RuleSetVersion.objects.get(status=RuleSetStatus.DRAFT)
    html = client.post(f"/rules/editor/{draft.pk}/", form_data(**{"t-0-facts": "2025 营业收入 很多"})).content.decode()
    assert "第1行：“很多”不是数字" in html


def test_missing_threshold_is_refused_on_its_field(client: Client) -> None:
    client.force_login(f.officer())
    client.post("/rules/editor/new/")
    draft = RuleSetVersion.objects.get(status=RuleSetStatus.DRAFT)
    html = client.post(f"/rules/editor/{draft.pk}/", form_data(**{"c-0-threshold": ""})).content.decode()
    assert "请填写门槛数值" in html


def test_preview_fragment(client: Client) -> None:
    client.force_login(f.officer())
    client.post("/rules/editor/new/")
    draft = RuleSetVersion.objects.get(status=RuleSetStatus.DRAFT)
    html = client.post(f"/rules/editor/{draft.pk}/preview/", form_data()).content.decode()
    assert 'id="reading"' in html
    assert "criteria" not in RuleSetVersion.objects.get(pk=draft.pk).document  # nothing saved


def test_only_officers_edit(client: Client) -> None:
    for maker in (f.leader, f.park_officer, f.admin):
        client.force_login(maker())
        assert client.get("/rules/editor/").status_code == 403
        assert client.post("/rules/editor/new/").status_code == 403


def test_shipped_official_rule_sets_are_not_form_editable_but_simple_ones_are() -> None:
    hnte = RuleSetVersion.objects.get(code="hnte")
    assert builder.from_document(dict(hnte.document)) is None
    with pytest.raises(Exception, match="不能在表单中编辑"):
        services.draft_create(actor=f.officer(), base=hnte)


def test_builder_round_trip_and_readings() -> None:
    plan = builder.RulePlan(
        code="fund_x",
        name="x",
        version="1",
        source="s",
        valid_from=dt.date(2026, 1, 1),
        as_of=dt.date(2026, 6, 30),
        criteria=[
            builder.CriterionPlan(kind="value", measure="growth", fact="revenue", op=">", threshold=D(10)),
            builder.CriterionPlan(
                kind="value", fact="staff", period="each", years=2, op="between", threshold=D(10), upper=D(500)
            ),
            builder.CriterionPlan(kind="qualification", qualification="高新技术企业"),
            builder.CriterionPlan(kind="flag", flag="major_incident_last_year", expect=False),
        ],
        cases=[builder.CasePlan(name="a", expect="fail", facts="规上 否")],  # no qualification listed: holds none
    )
    document = builder.to_document(plan)
    assert check_publishable(document) == []
    reading = describe_ruleset(compile_ruleset(document))
    assert "营业收入同比增长率高于10%" in reading
    assert "近两年每年职工总数" in reading
    back = builder.from_document(document)
    assert back is not None
    assert [(c.kind, c.measure, c.period, c.years, c.op, c.threshold, c.upper) for c in back.criteria] == [
        (c.kind, c.measure, c.period, c.years, c.op, c.threshold, c.upper) for c in plan.criteria
    ]
    assert builder.parse_facts(back.cases[0].facts) == builder.parse_facts("规上 否")
