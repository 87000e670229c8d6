"""Forms of the account pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import normalize
from gaoxin.core.forms import StyledFormMixin
from gaoxin.registry.models import Department, Park


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败5次，账号将被锁定30分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("确认新密码"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", gettext("两次输入的新密码不一致"))
        return data


class RegisterForm(StyledFormMixin, forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=200)
    full_name = forms.CharField(label=_("您的姓名"), max_length=60)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    username = forms.CharField(label=_("登录用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput)

    def clean_phone(self) -> str:
        try:
            value = normalize.phone(self.cleaned_data["phone"])
        except normalize.CellError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not value.startswith("1"):
            raise forms.ValidationError(gettext("请填写手机号，用于接收审核结果"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", gettext("两次输入的密码不一致"))
        return data


class UserForm(StyledFormMixin, forms.ModelForm):
    parks = forms.ModelMultipleChoiceField(
        label=_("负责园区"), queryset=Park.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    enterprise_uscc = forms.CharField(label=_("企业（统一社会信用代码）"), required=False, max_length=30)

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "email", "role", "department", "is_active"]
        labels = {"is_active": _("启用")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = Department.objects.all()
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.initial["parks"] = list(self.instance.parks.all())
            if self.instance.enterprise_id:
                self.initial["enterprise_uscc"] = self.instance.enterprise.uscc

    def clean_enterprise_uscc(self) -> Any:
        from gaoxin.registry.models import Enterprise

        code = normalize.uscc(self.cleaned_data.get("enterprise_uscc"))
        if not code:
            return None
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(gettext("企业库中没有该统一社会信用代码的企业"))
        return enterprise


class BindingDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("驳回"))])
    reason = forms.CharField(label=_("意见"), required=False, max_length=300)


ROLE_CHOICES = [("", _("全部角色")), *Role.choices]


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=ROLE_CHOICES)
