"""Forms of the registry pages. They parse and check fields; the services decide and save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import normalize
from gaoxin.core.forms import StyledFormMixin
from gaoxin.registry import selectors
from gaoxin.registry.identity import check_uscc
from gaoxin.registry.models import (
    Chain,
    ChainStage,
    Department,
    Enterprise,
    EnterpriseStatus,
    Industry,
    Park,
    Qualification,
    QualificationType,
    Zone,
)
from gaoxin.registry.services import CHECK_NAMES, OFFICER_FIELDS
from gaoxin.rules.engine.vocabulary import FLAGS

PHONE_FIELDS = ("contact_phone", "finance_contact_phone")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PhoneCleaningMixin:
    cleaned_data: dict[str, Any]

    def _clean_phone(self, name: str) -> str:
        try:
            return normalize.phone(self.cleaned_data.get(name, ""))
        except normalize.CellError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_contact_phone(self) -> str:
        return self._clean_phone("contact_phone")

    def clean_finance_contact_phone(self) -> str:
        return self._clean_phone("finance_contact_phone")


class EnterpriseForm(StyledFormMixin, PhoneCleaningMixin, forms.ModelForm):
    registered_capital_wan = forms.DecimalField(
        label=_("注册资本(万元)"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=4
    )

    class Meta:
        model = Enterprise
        # The fields an officer maintains (services.OFFICER_FIELDS); capital is entered in 万元 by its own field.
        fields = [name for name in OFFICER_FIELDS if name != "registered_capital"]
        widgets = {"founded_on": DateInput(), "above_scale_since": DateInput()}

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["park"]).queryset = selectors.park_scope(actor)
        cast(forms.ChoiceField, self.fields["industry"]).choices = [("", "---------"), *selectors.industry_choices()]
        cast(forms.ModelChoiceField, self.fields["commissioner"]).queryset = User.objects.filter(
            role=Role.COMMISSIONER, is_active=True
        )
        if self.instance.pk and self.instance.registered_capital is not None:
            self.initial["registered_capital_wan"] = (self.instance.registered_capital / 10000).normalize()

    def clean_nic_code(self) -> str:
        code = normalize.text(self.cleaned_data.get("nic_code", "")).upper()
        if code and not (len(code) == 5 and code[0].isalpha() and code[1:].isdigit()):
            raise forms.ValidationError(gettext("应为门类字母加4位数字，如 C3973"))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("above_scale_since") and not data.get("is_above_scale"):
            self.add_error("above_scale_since", gettext("非规上企业不填入统日期"))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        wan = self.cleaned_data.get("registered_capital_wan")
        data["registered_capital"] = None if wan is None else (wan * 10000).quantize(Decimal("0.01"))
        return data


class EnterpriseCreateForm(EnterpriseForm):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    accept_checksum = forms.BooleanField(label=_("校验位未通过，仍接受此代码（早期试点代码）"), required=False)
    override_reason = forms.CharField(label=_("例外接受原因"), required=False, max_length=300)

    field_order = ["uscc", "accept_checksum", "override_reason", "name", "park"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        result = check_uscc(data.get("uscc", ""))
        data["uscc"] = result.code
        if result.ok:
            data["override_reason"] = ""
        elif result.checksum_only and data.get("accept_checksum"):
            if not normalize.text(data.get("override_reason")):
                self.add_error("override_reason", gettext("接受校验位未通过的代码须写明原因"))
        else:
            hint = gettext("；如确为早期试点代码，可勾选例外接受并写明原因") if result.checksum_only else ""
            self.add_error("uscc", result.message + hint)
        return data


class ContactsForm(StyledFormMixin, PhoneCleaningMixin, forms.ModelForm):
    """What an enterprise may change itself, from the portal."""

    class Meta:
        model = Enterprise
        fields = ["contact_name", "contact_phone", "finance_contact_name", "finance_contact_phone", "email"]


class QualificationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["qtype", "level", "certificate_no", "recognized_on", "valid_until"]
        widgets = {"recognized_on": DateInput(), "valid_until": DateInput()}
        help_texts = {"valid_until": _("留空时按资质类型的有效期自动计算（如高企3年）")}


class DeleteReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("删除原因"), max_length=300)


class EnterpriseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=Park.objects.none(), required=False, empty_label=_("全部园区")
    )
    industry = forms.TypedChoiceField(label=_("产业"), required=False, coerce=int, empty_value=None)
    chain_stage = forms.ChoiceField(label=_("产业链环节"), required=False)
    qualification = forms.ModelChoiceField(
        label=_("资质"), queryset=QualificationType.objects.all(), required=False, empty_label=_("全部资质")
    )
    above_scale = forms.ChoiceField(
        label=_("规上"), required=False, choices=[("", _("规上和规下")), ("1", _("仅规上")), ("0", _("仅规下"))]
    )
    status = forms.ChoiceField(label=_("状态"), required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("name", _("按名称")),
            ("-founded_on", _("成立日期从新到旧")),
            ("founded_on", _("成立日期从旧到新")),
            ("-updated_at", _("最近更新")),
        ],
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["park"]).queryset = selectors.park_scope(actor)
        cast(forms.ChoiceField, self.fields["industry"]).choices = [
            ("", gettext("全部产业")),
            *selectors.industry_choices(),
        ]
        cast(forms.ChoiceField, self.fields["chain_stage"]).choices = [("", gettext("全部环节")), *ChainStage.choices]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", gettext("全部状态")), *EnterpriseStatus.choices]

    def filters(self) -> selectors.EnterpriseFilters:
        data = self.cleaned_data if self.is_valid() else {}
        above = data.get("above_scale")
        return selectors.EnterpriseFilters(
            q=data.get("q", "") or "",
            park=data["park"].pk if data.get("park") else None,
            industry=data.get("industry"),
            chain_stage=data.get("chain_stage", "") or "",
            qualification=data["qualification"].pk if data.get("qualification") else None,
            above_scale=None if above in (None, "") else above == "1",
            status=data.get("status", "") or "",
            sort=data.get("sort") or "name",
        )


class ZoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Zone
        fields = ["name", "short_name", "city", "region_code"]


class ParkForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Park
        fields = ["code", "name", "short_name", "sort_order"]


class DepartmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "sort_order"]


class IndustryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Industry
        fields = ["code", "name", "parent", "gbt_codes", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = Industry.objects.filter(parent__isnull=True)
        parent.empty_label = gettext("（无：主导产业）")


class ChainForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Chain
        fields = ["name", "sort_order"]


class ChainLinkForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("环节"), choices=ChainStage.choices)
    industry = forms.ModelChoiceField(label=_("产业"), queryset=Industry.objects.all())


class EnterpriseChecksForm(StyledFormMixin, forms.Form):
    """The yes/no matters the criteria ask about (核实事项), one row each: the answer in the criteria's own words,
    the date it was verified and on what basis. Leaving the answer empty means not verified (待核实)."""

    def __init__(self, *args: Any, checks: dict[str, Any], **kwargs: Any) -> None:
        initial: dict[str, Any] = {}
        for name, check in checks.items():
            initial[f"{name}-value"] = "yes" if check.value else "no"
            initial[f"{name}-checked_on"] = check.checked_on
            initial[f"{name}-basis"] = check.basis
        super().__init__(*args, initial=initial, **kwargs)
        self.rows = []
        for name in CHECK_NAMES:
            info = FLAGS[name]
            # (added after StyledFormMixin has styled the declared fields: styled here)
            self.fields[f"{name}-value"] = forms.ChoiceField(
                label=info.label,
                required=False,
                choices=[("", _("未核实（待核实）")), ("no", info.when_false), ("yes", info.when_true)],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{name}-checked_on"] = forms.DateField(
                label=_("核实日期"), required=False, widget=DateInput(attrs={"class": "form-control"})
            )
            self.fields[f"{name}-basis"] = forms.CharField(
                label=_("核实依据"),
                required=False,
                max_length=200,
                widget=forms.TextInput(
                    attrs={"class": "form-control", "placeholder": _("如：信用中国查询、应急管理局函复、企业承诺书")}
                ),
            )
            self.rows.append((name, info.label))

    def row_fields(self) -> list[tuple[str, Any, Any, Any]]:
        return [
            (label, self[f"{name}-value"], self[f"{name}-checked_on"], self[f"{name}-basis"])
            for name, label in self.rows
        ]

    def answers(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        out = {}
        for name, _label in self.rows:
            choice = data.get(f"{name}-value") or ""
            out[name] = {
                "value": None if not choice else choice == "yes",
                "checked_on": data.get(f"{name}-checked_on") if choice else None,
                "basis": data.get(f"{name}-basis") if choice else "",
            }
        return out
