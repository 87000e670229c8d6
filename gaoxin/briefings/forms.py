"""Forms of the briefing pages (validation of shape only; the services check the rest)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.briefings.models import BriefingKind, BriefingTemplate, ReferenceKey, Section
from gaoxin.core.forms import StyledFormMixin


class GenerateForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=BriefingKind.choices, initial=BriefingKind.MONTHLY)
    period = forms.CharField(
        label=_("统计期"), max_length=10, help_text=_("1-N月累计，写作YYYY-MM，如2020-11；已预填有数据的最新月份")
    )
    scope = forms.ChoiceField(label=_("范围"))
    template = forms.ChoiceField(label=_("模板"), required=False)

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], templates: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
        cast(forms.ChoiceField, self.fields["template"]).choices = templates or [("", _("默认措辞"))]


class EditForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    text = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 28, "class": "briefing-text"}),
        help_text=_("“一、”为一级标题，“（一）”为二级标题，“1.”开头的段落第一句加粗；其余每行为一段。"),
        strip=False,
    )


class TemplateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=60)
    title = forms.CharField(label=_("标题"), max_length=60, help_text=_("如：经济运行简报（前面自动加范围和统计期）"))
    zone_name = forms.CharField(label=_("本区称谓"), max_length=30, help_text=_("如：高新区、我区"))
    park_term = forms.CharField(label=_("园区称谓"), max_length=10, help_text=_("如：园区、片区（用于“分园区看”）"))
    organization = forms.CharField(label=_("发文单位"), max_length=60, required=False)
    is_default = forms.BooleanField(label=_("设为默认模板（定时简报使用默认模板）"), required=False)

    def __init__(self, *args: Any, instance: BriefingTemplate | None = None, **kwargs: Any) -> None:
        initial = kwargs.pop("initial", {}) or {}
        chosen = list(instance.sections) if instance is not None else [s.value for s in Section]
        if instance is not None:
            initial.update(
                {
                    k: getattr(instance, k)
                    for k in ("name", "title", "zone_name", "park_term", "organization", "is_default")
                }
            )
        else:
            initial.setdefault("title", "经济运行简报")
            initial.setdefault("zone_name", "高新区")
            initial.setdefault("park_term", "园区")
        for i, code in enumerate([*chosen, *[s.value for s in Section if s.value not in chosen]], start=1):
            initial[f"use_{code}"] = code in chosen
            initial[f"order_{code}"] = i
        super().__init__(*args, initial=initial, **kwargs)
        for section in Section:
            self.fields[f"use_{section.value}"] = forms.BooleanField(label=section.label, required=False)
            self.fields[f"order_{section.value}"] = forms.IntegerField(
                label=_("顺序"), min_value=1, max_value=99, widget=forms.NumberInput(attrs={"class": "form-control"})
            )

    def section_rows(self) -> list[tuple[Any, Any]]:
        """(checkbox, order) bound fields, in the current order."""
        rows = [(self[f"use_{s.value}"], self[f"order_{s.value}"]) for s in Section]

        def order(row: tuple[Any, Any]) -> int:
            value = row[1].value()
            try:
                return int(value)
            except (TypeError, ValueError):
                return 99

        return sorted(rows, key=order)

    def sections(self) -> list[str]:
        chosen = [
            (self.cleaned_data[f"order_{s.value}"], i, s.value)
            for i, s in enumerate(Section)
            if self.cleaned_data.get(f"use_{s.value}")
        ]
        return [code for _order, _i, code in sorted(chosen)]

    def visible_fields(self) -> list[Any]:  # the section rows are laid out by the template
        return [f for f in super().visible_fields() if not f.name.startswith(("use_", "order_"))]


class ReferenceForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    key = forms.ChoiceField(label=_("项目"), choices=ReferenceKey.choices)
    value = forms.IntegerField(label=_("数值（家）"), min_value=0, max_value=1_000_000)
    source = forms.CharField(label=_("来源"), max_length=100, required=False)
