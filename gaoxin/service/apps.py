from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "gaoxin.service"
    label = "service"
    verbose_name = _("企业服务")

    def ready(self) -> None:
        """A commissioner's grid (网格) enterprises join their registry scope (see registry.selectors)."""
        from gaoxin.registry.selectors import SCOPE_EXTENSIONS
        from gaoxin.service.selectors import grid_scope_provider

        if grid_scope_provider not in SCOPE_EXTENSIONS:
            SCOPE_EXTENSIONS.append(grid_scope_provider)
