from django.urls import path

from gaoxin.registry import views_portal

app_name = "portal"
urlpatterns = [
    path("profile/", views_portal.profile, name="profile"),
    path("profile/contacts/", views_portal.contacts_edit, name="contacts_edit"),
]
