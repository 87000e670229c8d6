from django.urls import path

from gaoxin.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run, name="run"),
    path("<int:pk>/", views.ruleset_detail, name="ruleset_detail"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
]
