"""Property-based contract test of /api/v1/ with schemathesis: the Django WSGI application, in-process, over
pytest-django's test database, called with an officer's API token over a small seeded registry.

For every operation of /api/v1/openapi.json, hypothesis generates valid requests (positive mode) and invalid ones
(negative mode); each response goes through schemathesis' checks — above all: no server error (5xx), a status
code the document declares, a body that conforms to the declared schema, invalid data rejected, valid data
accepted, an unauthenticated repeat refused. Known ids are called explicitly too, since random ids almost never
exist. The test then asserts that it really exercised every operation and saw the answers it must have seen, so
that it cannot pass by testing nothing.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gaoxin.accounts.services import api_token_issue
from gaoxin.briefings.services import briefing_generate
from gaoxin.indicators.models import Indicator, OfficialRate, Target, TargetKind
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import ChainStage, EnterpriseStatus, QualificationLevel
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

#: Examples per operation and mode: 9 operations x 2 modes x this stays well under a minute.
EXAMPLES = 40

EXPECTED_OPERATIONS = {
    "GET /api/v1/enterprises",
    "GET /api/v1/enterprises/{enterprise_id}",
    "GET /api/v1/qualifications",
    "GET /api/v1/qualification-types",
    "GET /api/v1/parks",
    "GET /api/v1/industries",
    "GET /api/v1/indicators",
    "GET /api/v1/indicators/rollup",
    "GET /api/v1/enterprises/{enterprise_id}/facts",
    "GET /api/v1/rules",
    "POST /api/v1/rules/{code}/evaluate",
    "GET /api/v1/enterprises/{enterprise_id}/rule-results",
    "GET /api/v1/appeals",
    "POST /api/v1/appeals",
    "GET /api/v1/appeals/{appeal_id}",
    "GET /api/v1/appeals/{appeal_id}/status",
    "GET /api/v1/service/scoreboard",
    "GET /api/v1/briefings",
    "GET /api/v1/briefings/{briefing_id}",
    "GET /api/v1/policies",
    "POST /api/v1/policies",
    "GET /api/v1/policies/{policy_id}",
    "GET /api/v1/fund-items",
    "GET /api/v1/fund-items/{item_id}",
    "POST /api/v1/fund-items/{item_id}/eligible",
    "GET /api/v1/policy-applications",
    "GET /api/v1/policy-applications/{application_id}",
    "POST /api/v1/policy-applications/{application_id}/review",
    "GET /api/v1/policy-awards",
    "POST /api/v1/policy-payments",
}
ROLLUP = "GET /api/v1/indicators/rollup"
FACTS = "GET /api/v1/enterprises/{enterprise_id}/facts"
#: Operations whose successful answers need ids or names that exist: random ones almost never do, so they are
#: called explicitly below with known ones.
EVALUATE = "POST /api/v1/rules/{code}/evaluate"
RESULTS = "GET /api/v1/enterprises/{enterprise_id}/rule-results"
BRIEFING = "GET /api/v1/briefings/{briefing_id}"
#: Policy cashing operations that need existing policies, items and applications: called with real ones in
#: gaoxin/policy/tests/test_api_contract.py (here only fuzzed).
POLICY_WITH_IDS = {
    "POST /api/v1/policies",
    "GET /api/v1/policies/{policy_id}",
    "GET /api/v1/fund-items/{item_id}",
    "POST /api/v1/fund-items/{item_id}/eligible",
    "GET /api/v1/policy-applications/{application_id}",
    "POST /api/v1/policy-applications/{application_id}/review",
    "POST /api/v1/policy-payments",
}
#: Schema-valid bodies the platform refuses for a documented reason (422), e.g. a policy whose expiry date is before
#: its effective date: the "positive data is accepted" check does not apply to them.
DOMAIN_REFUSALS = {"POST /api/v1/policies"}
EXPLICIT_ONLY = POLICY_WITH_IDS | {
    BRIEFING,
    "GET /api/v1/enterprises/{enterprise_id}",
    ROLLUP,
    FACTS,
    EVALUATE,
    RESULTS,
    "POST /api/v1/appeals",
    "GET /api/v1/appeals/{appeal_id}",
    "GET /api/v1/appeals/{appeal_id}/status",
}


@dataclass
class Seed:
    token: str
    enterprise_ids: list[int]
    briefing_id: int


@pytest.fixture
def seed() -> Seed:
    """Three parks, a small industry tree, eight enterprises of every kind, current and expired qualifications."""
    parks = [
        f.ParkFactory(code="JW", name="金湾园区", short_name="金湾"),
        f.ParkFactory(code="HQ", name="横琴园区", short_name="横琴"),
        f.ParkFactory(code="NP", name="南屏科技工业园", short_name="南屏"),
    ]
    chips = f.IndustryFactory(code="IC", name="集成电路")
    industries = [chips, f.IndustryFactory(code="IC01", name="芯片设计", parent=chips, gbt_codes="6520")]
    today = dt.date.today()
    enterprises = []
    for n in range(8):
        e = f.EnterpriseFactory(
            name=f"珠海{'华芯云帆海洋星辰'[n]}科技{n}有限公司",
            park=parks[n % 3],
            industry=industries[n % 2] if n % 4 else None,
            chain_stage=[ChainStage.UPSTREAM, ChainStage.MIDSTREAM, ""][n % 3],
            is_above_scale=n % 2 == 0,
            above_scale_since=dt.date(2020, 1, 1) if n % 2 == 0 else None,
            registered_capital=Decimal("1234567.89") * n if n % 3 else None,
            status=EnterpriseStatus.MOVED_OUT if n == 7 else EnterpriseStatus.ACTIVE,
            email=f"contact{n}@example.cn" if n % 2 else "",
        )
        enterprises.append(e)
        f.QualificationFactory(enterprise=e, qtype=f.qualification_type("hnte"))
        if n % 2:
            f.QualificationFactory(
                enterprise=e,
                qtype=f.qualification_type("srdi_sme"),
                level=QualificationLevel.PROVINCIAL,
                recognized_on=today - dt.timedelta(days=1200),
                valid_until=today - dt.timedelta(days=1),
            )
    # monthly figures of 2019 and 2020 (a leaver and an entrant among them), a target and an official rate, so
    # that rollups are not empty
    output, value_added = Indicator.objects.get(code="output_value"), Indicator.objects.get(code="value_added")
    facts_store(
        actor=None,
        inputs=[
            FactInput(e.pk, indicator, year, month, Decimal(100 + 10 * n + year % 10 + month))
            for n, e in enumerate(enterprises)
            for indicator in (output, value_added)
            for year in (2019, 2020)
            for month in (10, 11)
            if (n, year) not in {(0, 2020), (1, 2019)}
        ],
    )
    Target.objects.create(year=2020, indicator=output, kind=TargetKind.TOTAL, value=Decimal(20000))
    OfficialRate.objects.create(indicator=value_added, year=2020, month=11, rate=Decimal("5.8"))
    token = api_token_issue(actor=None, user=f.officer(username="integration"))[1]
    briefing = briefing_generate(actor=None, year=2020, month=11, park=None, template=None)
    return Seed(token=token, enterprise_ids=[e.pk for e in enterprises], briefing_id=briefing.pk)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The project's WSGI application, kept from closing the test transaction's connection after each request
    (what django.test.Client does for its own requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(operation: Any, mode: GenerationMode, auth: dict[str, str], seen: Counter[tuple[str, str, int]]) -> None:
    """Generate EXAMPLES requests of one operation in one mode, call each and run every check on the response."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        excluded = [positive_data_acceptance] if operation.label in DOMAIN_REFUSALS else []
        response = case.call_and_validate(headers=auth, excluded_checks=excluded)
        seen[(operation.label, mode.value, response.status_code)] += 1

    run()


def test_api_conforms_to_its_openapi_document(seed: Seed, wsgi_app: WSGIHandler) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == EXPECTED_OPERATIONS
    auth = {"Authorization": f"Bearer {seed.token}"}
    seen: Counter[tuple[str, str, int]] = Counter()

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, auth, seen)

    # explicit calls with ids that exist, and with random ones
    detail = schema["/api/v1/enterprises/{enterprise_id}"]["GET"]
    for pk in seed.enterprise_ids:
        response = detail.Case(path_parameters={"enterprise_id": pk}).call_and_validate(headers=auth)
        seen[(detail.label, "explicit", response.status_code)] += 1

    @given(pk=st.integers(min_value=max(seed.enterprise_ids) + 1, max_value=2**63 - 1))
    @settings(max_examples=10, deadline=None, database=None, derandomize=True)
    def missing(pk: int) -> None:
        response = detail.Case(path_parameters={"enterprise_id": pk}).call_and_validate(headers=auth)
        seen[(detail.label, "explicit", response.status_code)] += 1

    missing()

    # rollups and series of indicators, parks and enterprises that exist
    rollup_op, facts_op = (
        schema["/api/v1/indicators/rollup"]["GET"],
        schema["/api/v1/enterprises/{enterprise_id}/facts"]["GET"],
    )
    for indicator in ("output_value", "工业增加值", "研发费用占营收比", "从业人员", "no-such-indicator"):
        for by in (None, "park", "industry", "chain", "scale", "qualification"):
            for scope in ("zone", "JW", "NOPE"):
                query = {"indicator": indicator, "period": "2020-11", "scope": scope} | ({"by": by} if by else {})
                response = rollup_op.Case(query=query).call_and_validate(headers=auth)
                seen[(rollup_op.label, "explicit", response.status_code)] += 1
                if indicator == "output_value" and scope == "zone" and response.status_code == 200:
                    assert response.json()["total"]["enterprises"] == 7
    for pk in seed.enterprise_ids:
        for query in ({"indicator": "output_value"}, {"indicator": "增加值", "year": 2020}):
            response = facts_op.Case(path_parameters={"enterprise_id": pk}, query=query).call_and_validate(headers=auth)
            seen[(facts_op.label, "explicit", response.status_code)] += 1

    # rule sets: every shipped code over facts sent in the body and over the seeded enterprises; stored results
    evaluate_op, results_op = (
        schema["/api/v1/rules/{code}/evaluate"]["POST"],
        schema["/api/v1/enterprises/{enterprise_id}/rule-results"]["GET"],
    )
    facts_body = {"uscc": "91440400MA4UXXXX0X", "years": {"2025": {"revenue": 1500, "main_business_revenue": 1400}}}
    for code in ("hnte", "tech_sme", "innovative_sme", "srdi_sme", "little_giant", "above_scale_industry"):
        response = evaluate_op.Case(path_parameters={"code": code}, body=facts_body).call_and_validate(headers=auth)
        seen[(evaluate_op.label, "explicit", response.status_code)] += 1
        for pk in seed.enterprise_ids[:2]:
            response = evaluate_op.Case(
                path_parameters={"code": code}, query={"enterprise_id": pk}, body={}
            ).call_and_validate(headers=auth)
            seen[(evaluate_op.label, "explicit", response.status_code)] += 1
    for pk in seed.enterprise_ids:
        response = results_op.Case(path_parameters={"enterprise_id": pk}).call_and_validate(headers=auth)
        seen[(results_op.label, "explicit", response.status_code)] += 1

    # a briefing that exists, and one that does not
    briefing_op = schema["/api/v1/briefings/{briefing_id}"]["GET"]
    for pk in (seed.briefing_id, seed.briefing_id + 1000):
        response = briefing_op.Case(path_parameters={"briefing_id": pk}).call_and_validate(headers=auth)
        seen[(BRIEFING, "explicit", response.status_code)] += 1

    # it really ran: every operation, both modes, the answers each must have given
    calls = Counter(label for (label, _, _) in seen.elements())
    assert set(calls) == EXPECTED_OPERATIONS
    assert all(count >= 10 for count in calls.values()), calls
    for label in EXPECTED_OPERATIONS - EXPLICIT_ONLY:
        assert seen[(label, "positive", 200)] > 0, (label, seen)
    for label in (
        "GET /api/v1/enterprises",
        "GET /api/v1/qualifications",
        "GET /api/v1/enterprises/{enterprise_id}",
        ROLLUP,
        FACTS,
    ):
        assert seen[(label, "negative", 422)] > 0, (label, seen)
    assert seen[(detail.label, "explicit", 200)] == len(seed.enterprise_ids)
    assert seen[(detail.label, "explicit", 404)] == 10
    assert seen[(ROLLUP, "explicit", 200)] == 4 * 6 * 2  # four indicators, six groupings, the zone and a park
    assert seen[(ROLLUP, "explicit", 404)] == 6 * 3 + 4 * 6  # the unknown indicator, the unknown park
    assert seen[(EVALUATE, "explicit", 200)] == 6 * 3
    assert seen[(RESULTS, "explicit", 200)] == len(seed.enterprise_ids)
    assert seen[(FACTS, "explicit", 200)] == 2 * len(seed.enterprise_ids)
    assert seen[(BRIEFING, "explicit", 200)] == 1
    assert seen[(BRIEFING, "explicit", 404)] == 1
    assert not [key for key in seen if key[2] >= 500]
