from django.urls import include, path

from gaoxin.api import api

urlpatterns = [
    path("", include("gaoxin.core.urls")),
    path("accounts/", include("gaoxin.accounts.urls")),
    path("registry/", include("gaoxin.registry.urls")),
    path("portal/", include("gaoxin.registry.urls_portal")),
    path("monitoring/", include("gaoxin.indicators.urls")),
    path("reporting/", include("gaoxin.reporting.urls")),
    path("notifications/", include("gaoxin.notifications.urls")),
    path("rules/", include("gaoxin.rules.urls")),
    path("calendar/", include("gaoxin.workcalendar.urls")),
    path("service/", include("gaoxin.service.urls")),
    path("policy/", include("gaoxin.policy.urls")),
    path("briefings/", include("gaoxin.briefings.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
