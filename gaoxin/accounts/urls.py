from django.contrib.auth import views as auth_views
from django.urls import path

from gaoxin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("register/", views.register, name="register"),
    path("bindings/", views.binding_list, name="binding_list"),
    path("bindings/<int:pk>/decide/", views.binding_decide, name="binding_decide"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
]
