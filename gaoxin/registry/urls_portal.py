from django.urls import path

from gaoxin.registry import views_portal
from gaoxin.reporting import views_portal as reporting_portal

app_name = "portal"
urlpatterns = [
    path("profile/", views_portal.profile, name="profile"),
    path("profile/contacts/", views_portal.contacts_edit, name="contacts_edit"),
]
# The enterprise's monthly reporting (填报) lives in the reporting app but belongs to the portal.
urlpatterns += [
    path("reports/", reporting_portal.report_list, name="report_list"),
    path("reports/<int:pk>/", reporting_portal.report_form, name="report_form"),
]
