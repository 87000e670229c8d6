"""Background work of the rules engine (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def evaluate_registry_task(trigger: str, enterprise_ids: list[int] | None = None) -> int:
    """Re-evaluate the registry (or some enterprises) against every published rule set; returns the results stored."""
    from gaoxin.rules.services import evaluate_registry

    return evaluate_registry(trigger=trigger, enterprise_ids=enterprise_ids).results
