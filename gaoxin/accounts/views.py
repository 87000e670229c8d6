"""Account pages: login (with lockout), password change, enterprise self-registration, binding review, users."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.accounts import forms, permissions, selectors, services
from gaoxin.accounts.models import BindingStatus
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import DomainError, PermissionDenied
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改"))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


def register(request: AuthedRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            binding = services.enterprise_user_register(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data.get("email", ""),
                uscc=data["uscc"],
                enterprise_name=data["enterprise_name"],
                position=data.get("position", ""),
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            login(request, binding.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功。管委会审核通过后，您即可查看和维护本企业信息。"))
            return redirect("core:home")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def binding_list(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_decide_binding(request.user):
        raise PermissionDenied(permissions.can_decide_binding(request.user).reason)
    status = request.GET.get("status", BindingStatus.PENDING)
    if status not in BindingStatus.values:
        status = BindingStatus.PENDING
    page = Paginator(selectors.binding_list(request.user, status=status), 30).get_page(request.GET.get("page"))
    return render(
        request, "accounts/binding_list.html", {"page": page, "status": status, "statuses": BindingStatus.choices}
    )


@login_required
@require_POST
def binding_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    binding = selectors.binding_get(request.user, pk)
    form = forms.BindingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择通过或驳回"))
        return redirect("accounts:binding_list")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.binding_approve(actor=request.user, binding=binding)
            messages.success(
                request,
                _("已通过：%(user)s 绑定 %(enterprise)s")
                % {"user": binding.user.display_name, "enterprise": binding.enterprise_name},
            )
        else:
            services.binding_reject(actor=request.user, binding=binding, reason=form.cleaned_data["reason"])
            messages.success(request, _("已驳回：%(enterprise)s") % {"enterprise": binding.enterprise_name})
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect("accounts:binding_list")


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_users(request.user))
    form = forms.UserFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.user_list(request.user, q=data.get("q", ""), role=data.get("role", ""))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "form": form})


def _save_user(request: AuthedRequest, form: forms.UserForm, user=None) -> HttpResponse | None:  # type: ignore[no-untyped-def]
    data = form.cleaned_data
    try:
        if user is None:
            created, password = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                role=data["role"],
                parks=data["parks"],
                department=data["department"],
                enterprise=data["enterprise_uscc"],
                is_active=data["is_active"],
            )
            messages.success(
                request,
                _("已创建用户 %(username)s，一次性密码：%(password)s（只显示这一次，首次登录须修改）")
                % {"username": created.username, "password": password},
            )
        else:
            services.user_update(
                actor=request.user,
                user=user,
                data={
                    "full_name": data["full_name"],
                    "phone": data["phone"],
                    "email": data["email"],
                    "role": data["role"],
                    "department": data["department"],
                    "enterprise": data["enterprise_uscc"],
                    "is_active": data["is_active"],
                },
                parks=data["parks"],
            )
            messages.success(request, _("用户 %(username)s 已保存") % {"username": user.username})
    except DomainError as exc:
        attach_error(form, exc)
        return None
    return redirect("accounts:user_list")


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_users(request.user))
    form = forms.UserForm(request.POST or None, initial={"role": Role.OFFICER, "is_active": True})
    if request.method == "POST" and form.is_valid():
        response = _save_user(request, form)
        if response:
            return response
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(request.user, pk)
    form = forms.UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        response = _save_user(request, form, selectors.user_get(request.user, pk))
        if response:
            return response
    return render(request, "accounts/user_form.html", {"form": form, "creating": False, "u": user})


@login_required
@require_POST
def user_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(request.user, pk)
    password = services.user_reset_password(actor=request.user, user=user)
    messages.success(
        request,
        _("%(username)s 的一次性密码：%(password)s（只显示这一次，登录后须修改）")
        % {"username": user.username, "password": password},
    )
    return redirect("accounts:user_edit", pk=pk)
