from django.urls import path

from gaoxin.service import views, views_portal

app_name = "service"
urlpatterns = [
    path("", views.appeal_list, name="appeal_list"),
    path("new/", views.appeal_record, name="appeal_record"),
    path("triage/", views.triage, name="triage"),
    path("inbox/", views.inbox, name="inbox"),
    path("scoreboard/", views.scoreboard, name="scoreboard"),
    path("notice/", views.notice, name="notice"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/problems/<int:pk>/raise/", views.problem_raise, name="problem_raise"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_edit, name="category_create"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("<int:pk>/answer/", views.appeal_answer, name="appeal_answer"),
    path("<int:pk>/dispatch/", views.appeal_dispatch, name="appeal_dispatch"),
    path("<int:pk>/merge/", views.appeal_merge, name="appeal_merge"),
    path("dispatches/<int:pk>/accept/", views.dispatch_accept, name="dispatch_accept"),
    path("dispatches/<int:pk>/clarify/", views.dispatch_clarify, name="dispatch_clarify"),
    path("dispatches/<int:pk>/return/", views.dispatch_return, name="dispatch_return"),
    path("dispatches/<int:pk>/reply/", views.dispatch_reply, name="dispatch_reply"),
    path("dispatches/<int:pk>/review/", views.dispatch_review, name="dispatch_review"),
    path("dispatches/<int:pk>/extend/", views.dispatch_extend, name="dispatch_extend"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("my/", views_portal.portal_list, name="portal_list"),
    path("my/new/", views_portal.portal_submit, name="portal_submit"),
    path("my/<int:pk>/", views_portal.portal_detail, name="portal_detail"),
    path("my/<int:pk>/rate/", views_portal.portal_rate, name="portal_rate"),
    path("my/<int:pk>/clarify/", views_portal.portal_clarify, name="portal_clarify"),
]
