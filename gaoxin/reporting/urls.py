from django.urls import path

from gaoxin.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("<int:pk>/extend/", views.round_extend, name="round_extend"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
