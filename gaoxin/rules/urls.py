from django.urls import path

from gaoxin.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run, name="run"),
    path("<int:pk>/", views.ruleset_detail, name="ruleset_detail"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
    path("editor/", views.editor_list, name="editor_list"),
    path("editor/new/", views.editor_new, name="editor_new"),
    path("editor/<int:pk>/", views.editor_edit, name="editor_edit"),
    path("editor/<int:pk>/preview/", views.editor_preview, name="editor_preview"),
]
