from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _facts_changed(sender: Any, enterprise_ids: list[int], reason: str, **kwargs: Any) -> None:
    from gaoxin.rules.services import request_evaluation

    request_evaluation(reason, enterprise_ids)


def _load_shipped(sender: Any, **kwargs: Any) -> None:
    from gaoxin.rules.services import sync_shipped

    sync_shipped()


class RulesConfig(AppConfig):
    name = "gaoxin.rules"
    verbose_name = _("规则引擎")

    def ready(self) -> None:
        # The shipped rule sets are published versions as soon as the database exists (and after every upgrade).
        post_migrate.connect(_load_shipped, sender=self, dispatch_uid="rules_load_shipped")
        # Yearly facts or qualifications changed: re-evaluate those enterprises in the background after the commit.
        from gaoxin.core.signals import facts_changed

        facts_changed.connect(_facts_changed, dispatch_uid="rules_facts_changed")
