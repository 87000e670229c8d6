from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "gaoxin.policy"
    label = "policy"
    verbose_name = _("政策兑现")

    def ready(self) -> None:
        # A draft rule set's dry run says what the fund items using it would need (docs/policy.md).
        from gaoxin.policy.services import dry_run_budget_notes
        from gaoxin.rules.services import DRY_RUN_EXTENSIONS

        if dry_run_budget_notes not in DRY_RUN_EXTENSIONS:
            DRY_RUN_EXTENSIONS.append(dry_run_budget_notes)
