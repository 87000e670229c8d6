"""Property-based contract test of the policy operations of /api/v1/ (schemathesis, as tests/test_schemathesis.py does
for the whole API): no server error, declared status codes, bodies conforming to the document — as an officer over the
small zone of conftest.py, with one application in review. Business rules the schema cannot say (an expiry date before
the effective date, a USCC not in the registry) answer a documented 422, so schemathesis' "valid data accepted" check
is left out here."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gaoxin.accounts.services import api_token_issue
from gaoxin.policy.tests.conftest import fill_and_submit

POLICY_OPERATIONS = {
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
EXAMPLES = 25


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_policy_operations_conform(zone: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    application = fill_and_submit(zone, zone["a_user"])
    token = api_token_issue(actor=None, user=zone["officer"])[1]
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.label in POLICY_OPERATIONS]
    assert {op.label for op in operations} == POLICY_OPERATIONS
    seen: Counter[tuple[str, int]] = Counter()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                # business rules beyond the schema (expiry before effect, an unknown USCC …) answer a documented 422
                response = case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])
                seen[(case.operation.label, response.status_code)] += 1

            run()
    detail = schema["/api/v1/policy-applications/{application_id}"]["GET"]
    response = detail.Case(path_parameters={"application_id": application.pk}).call_and_validate(headers=auth)
    assert response.status_code == 200
    assert not [key for key in seen if key[1] >= 500]
    assert {label for label, _status in seen} == POLICY_OPERATIONS
