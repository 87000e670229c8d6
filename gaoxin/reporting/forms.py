"""Forms of the reporting pages. The enterprise's figure sheet is built from the round's indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.core.forms import StyledFormMixin
from gaoxin.registry.models import Park
from gaoxin.reporting import services


def _period_choices(today: dt.date, months: int = 14) -> list[tuple[str, str]]:
    choices = []
    year, month = today.year, today.month
    for _i in range(months):
        choices.append((f"{year}-{month:02d}", f"{year}年{month}月"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


class RoundOpenForm(StyledFormMixin, forms.Form):
    period = forms.ChoiceField(label=_("统计期"))
    deadline = forms.DateTimeField(
        label=_("截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("填报指标"), queryset=services.reportable_indicators(), widget=forms.CheckboxSelectMultiple
    )
    selection = forms.ChoiceField(
        label=_("应报企业"),
        choices=[
            (services.Selection.ABOVE_SCALE, _("在营的规上企业")),
            (services.Selection.PREVIOUS, _("上月报送过的企业")),
            (services.Selection.ACTIVE, _("全部在营企业")),
        ],
        widget=forms.RadioSelect,
        initial=services.Selection.ABOVE_SCALE,
    )
    parks = forms.ModelMultipleChoiceField(
        label=_("园区"),
        queryset=Park.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即全区"),
    )
    jump_threshold = forms.DecimalField(
        label=_("环比波动阈值(%)"),
        min_value=1,
        max_value=1000,
        decimal_places=1,
        help_text=_("企业当月数比上月增减超过该比例时须填写说明"),
    )
    note = forms.CharField(label=_("填报说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = _period_choices(today)
        last_year, last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        self.fields["period"].initial = f"{last_year}-{last_month:02d}"
        self.fields["deadline"].initial = timezone.localtime(services.default_deadline(last_year, last_month))
        self.fields["jump_threshold"].initial = settings.REPORTING_JUMP_THRESHOLD
        self.fields["indicators"].initial = list(services.reportable_indicators().values_list("pk", flat=True))

    def year_month(self) -> tuple[int, int]:
        year, month = self.cleaned_data["period"].split("-")
        return int(year), int(month)


class ExtendForm(StyledFormMixin, forms.Form):
    deadline = forms.DateTimeField(
        label=_("新的截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    reason = forms.CharField(label=_("延期原因"), max_length=200)


class MemberAddForm(StyledFormMixin, forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class CorrectionForm(StyledFormMixin, forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("更正后的当月数"), max_digits=20, decimal_places=4)
    reason = forms.CharField(label=_("更正原因"), max_length=200)
