from django.urls import path

from gaoxin.indicators import views

app_name = "monitoring"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("breakdown/", views.drill, name="drill"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("weekly/", views.weekly, name="weekly"),
    path("small-to-above/", views.small_to_above, name="small_to_above"),
    path("targets/", views.targets, name="targets"),
    path("targets/new/", views.target_edit, name="target_create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("rates/new/", views.rate_edit, name="rate_create"),
    path("rates/<int:pk>/edit/", views.rate_edit, name="rate_edit"),
]
