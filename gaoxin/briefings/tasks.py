"""Background work of briefings (run by `manage.py db_worker`): the scheduled weekly and monthly briefings."""

from __future__ import annotations

from django.tasks import task


@task()
def scheduled_briefing_task(job_id: int) -> int | None:
    """Generate the scheduled briefing of one job and notify the leaders; returns the briefing's id (None: nothing
    to do, or it failed — the job records why and the next daily run queues it again)."""
    from gaoxin.briefings.services import run_scheduled

    briefing = run_scheduled(job_id)
    return briefing.pk if briefing is not None else None
