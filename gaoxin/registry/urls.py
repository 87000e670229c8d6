from django.urls import path

from gaoxin.registry import views, views_import

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/qualifications/new/", views.qualification_create, name="qualification_create"),
    path("enterprises/<int:pk>/checks/", views.enterprise_checks, name="enterprise_checks"),
    path("enterprises/<int:pk>/qualifications/<int:qid>/edit/", views.qualification_edit, name="qualification_edit"),
    path(
        "enterprises/<int:pk>/qualifications/<int:qid>/delete/", views.qualification_delete, name="qualification_delete"
    ),
    path("qualifications/expiring/", views.expiring, name="expiring"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/<str:token>/", views_import.import_preview, name="import_preview"),
    path("import/<str:token>/commit/", views_import.import_commit, name="import_commit"),
    path("import-templates/<str:kind>.xlsx", views_import.import_template, name="import_template"),
    path("structure/", views.structure, name="structure"),
    path("structure/<str:kind>/new/", views.structure_edit, name="structure_create"),
    path("structure/<str:kind>/<int:pk>/edit/", views.structure_edit, name="structure_edit"),
    path("structure/zone/edit/", views.structure_edit, {"kind": "zone"}, name="zone_edit"),
    path("structure/chain/<int:pk>/links/", views.chain_link_add, name="chain_link_add"),
    path("structure/links/<int:pk>/remove/", views.chain_link_remove, name="chain_link_remove"),
]
