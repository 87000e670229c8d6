"""Forms of the monitoring pages: annual targets and official rates (the services validate and save)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.core.forms import StyledFormMixin
from gaoxin.indicators.models import Indicator, OfficialRate, Target


class TargetForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["year", "park", "indicator", "kind", "value", "issuer"]
        help_texts = {"value": _("总量按指标单位填写（如万元）；增速填百分数，如 2.5")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["park"]).empty_label = str(_("全区"))
        cast(forms.ModelChoiceField, self.fields["indicator"]).queryset = Indicator.objects.filter(is_active=True)


class OfficialRateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = OfficialRate
        fields = ["indicator", "year", "month", "park", "rate", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["park"]).empty_label = str(_("全区"))
        cast(forms.ModelChoiceField, self.fields["indicator"]).queryset = Indicator.objects.filter(is_active=True)
