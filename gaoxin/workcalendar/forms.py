"""Forms of the working-day calendar page (administrators)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.core.forms import StyledFormMixin


class YearImportForm(StyledFormMixin, forms.Form):
    notice = forms.CharField(label=_("依据"), max_length=200, required=False, help_text=_("如：国办发明电〔2026〕X号"))
    lines = forms.CharField(
        label=_("节假日安排"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一条：2027-02-10~2027-02-17,放假,春节；2027-02-07,上班,春节调休"),
    )


class DayForm(StyledFormMixin, forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    is_workday = forms.TypedChoiceField(
        label=_("当天"),
        choices=[("0", _("放假")), ("1", _("上班"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("名称"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
