"""The rule editor's forms: the rule set's heading, its criteria (a formset of choices, no code typing) and its test
cases. They produce a `builder.RulePlan`; `builder.to_document` turns it into the engine's document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.core.forms import StyledFormMixin
from gaoxin.registry.models import QualificationType
from gaoxin.rules import builder
from gaoxin.rules.engine.vocabulary import FLAGS, YEARLY_FACTS

FACT_CHOICES = [(code, f"{info.label}（{info.unit}）") for code, info in YEARLY_FACTS.items()]
FLAG_CHOICES: list[tuple[str, Any]] = [(code, info.label) for code, info in FLAGS.items()]
KIND_CHOICES = [("value", _("数值条件")), ("qualification", _("持有资质")), ("flag", _("是/否条件"))]
MEASURE_CHOICES = [("fact", _("数值")), ("ratio", _("两项之比(%)")), ("growth", _("同比增长率(%)"))]
PERIOD_CHOICES = [("latest", _("上年度")), ("sum", _("近N年合计")), ("avg", _("近N年平均")), ("each", _("近N年每年"))]
OPERATOR_CHOICES = [
    (">=", _("不低于")),
    (">", _("高于")),
    ("<=", _("不高于")),
    ("<", _("低于")),
    ("between", _("介于")),
]
FACTS_HELP = _("每行一项：2025 营业收入 1500；成立日期 2015-03-01；规上 否；资质 高新技术企业 2024-12-01 2027-11-30")


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Unsuffixed(StyledFormMixin, forms.Form):
    """Labels without Django's ":" (Chinese labels sit above their fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class HeaderForm(_Unsuffixed):
    code = forms.RegexField(
        label=_("编码"),
        regex=r"^[a-z][a-z0-9_]{1,59}$",
        max_length=60,
        help_text=_("小写字母开头，可含数字和下划线，如 fund_rd_2026"),
        error_messages={"invalid": _("编码只能用小写字母、数字和下划线，且以字母开头")},
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    version = forms.CharField(label=_("版本"), max_length=30)
    source = forms.CharField(label=_("依据文件（文号）"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("生效日期"), widget=DATE)
    valid_to = forms.DateField(label=_("失效日期"), required=False, widget=DATE)
    decision = forms.ChoiceField(
        label=_("判定方式"),
        choices=[("all", _("同时满足全部条件")), ("any", _("满足任一条件即可"))],
        widget=forms.RadioSelect,
        initial="all",
    )
    as_of = forms.DateField(label=_("测试用例的评估基准日"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("失效日期不能早于生效日期"))
        return data


class CriterionForm(_Unsuffixed):
    label = forms.CharField(
        label=_("条件名称"), max_length=100, required=False, help_text=_("不填则按所选内容自动生成")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES)
    measure = forms.ChoiceField(label=_("取值"), choices=MEASURE_CHOICES, required=False)
    fact = forms.ChoiceField(label=_("指标"), choices=FACT_CHOICES, required=False)
    denominator = forms.ChoiceField(label=_("除以"), choices=[("", "—"), *FACT_CHOICES], required=False)
    period = forms.ChoiceField(label=_("期间"), choices=PERIOD_CHOICES, required=False)
    years = forms.IntegerField(label=_("N（年）"), min_value=1, max_value=10, initial=1, required=False)
    op = forms.ChoiceField(label=_("比较"), choices=OPERATOR_CHOICES, required=False)
    threshold = forms.DecimalField(label=_("门槛"), max_digits=18, decimal_places=4, required=False)
    upper = forms.DecimalField(label=_("上限（不含）"), max_digits=18, decimal_places=4, required=False)
    qualification = forms.ChoiceField(label=_("资质"), choices=(), required=False)
    flag = forms.ChoiceField(label=_("是/否事项"), choices=FLAG_CHOICES, required=False)
    expect = forms.ChoiceField(
        label=_("要求"), choices=[("false", _("否")), ("true", _("是"))], required=False, initial="false"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["qualification"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in QualificationType.objects.values_list("name", flat=True)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == "value":
            if data.get("threshold") is None:
                self.add_error("threshold", _("请填写门槛数值"))
            if data.get("op") == "between" and data.get("upper") is None:
                self.add_error("upper", _("“介于”需要填写上限"))
            if data.get("measure") == "ratio" and not data.get("denominator"):
                self.add_error("denominator", _("两项之比需要选择分母指标"))
            if data.get("period") in ("sum", "avg", "each") and (data.get("years") or 1) < 2:
                self.add_error("years", _("近N年请填写2年或以上"))
        elif kind == "qualification" and not data.get("qualification"):
            self.add_error("qualification", _("请选择资质"))
        elif kind == "flag" and not data.get("flag"):
            self.add_error("flag", _("请选择是/否事项"))
        return data

    def plan(self) -> builder.CriterionPlan:
        d = self.cleaned_data
        return builder.CriterionPlan(
            label=d.get("label") or "",
            kind=d["kind"],
            measure=d.get("measure") or "fact",
            fact=d.get("fact") or "revenue",
            denominator=d.get("denominator") or "",
            period=d.get("period") or "latest",
            years=d.get("years") or 1,
            op=d.get("op") or ">=",
            threshold=d.get("threshold"),
            upper=d.get("upper"),
            qualification=d.get("qualification") or "",
            flag=d.get("flag") or "",
            expect=d.get("expect") == "true",
        )

    @staticmethod
    def initial_of(row: builder.CriterionPlan) -> dict[str, Any]:
        return {
            "label": row.label,
            "kind": row.kind,
            "measure": row.measure,
            "fact": row.fact,
            "denominator": row.denominator,
            "period": row.period,
            "years": row.years,
            "op": row.op,
            "threshold": row.threshold,
            "upper": row.upper,
            "qualification": row.qualification,
            "flag": row.flag,
            "expect": "true" if row.expect else "false",
        }


class CaseForm(_Unsuffixed):
    name = forms.CharField(label=_("用例名称"), max_length=100)
    expect = forms.ChoiceField(
        label=_("应得结论"), choices=[("pass", _("符合")), ("fail", _("不符合")), ("unknown", _("待核实"))]
    )
    facts = forms.CharField(
        label=_("企业数据"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "每行一项：2025 营业收入 1500；成立日期 2015-03-01；规上 否；资质 高新技术企业 2024-12-01 2027-11-30"
        ),
    )

    def clean_facts(self) -> str:
        text = self.cleaned_data.get("facts") or ""
        try:
            builder.parse_facts(text)
        except builder.FactsTextError as exc:
            raise forms.ValidationError(str(exc)) from None
        return text


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, can_delete=True, min_num=1, validate_min=True)
CaseFormSet = forms.formset_factory(CaseForm, extra=0, can_delete=True)


def plan_from(header: HeaderForm, criteria: Any, cases: Any) -> builder.RulePlan:
    h = header.cleaned_data
    return builder.RulePlan(
        code=h["code"],
        name=h["name"],
        version=h["version"],
        source=h.get("source") or "",
        valid_from=h.get("valid_from"),
        valid_to=h.get("valid_to"),
        decision=h.get("decision") or "all",
        as_of=h.get("as_of"),
        criteria=[f.plan() for f in criteria.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")],
        cases=[
            builder.CasePlan(
                name=f.cleaned_data["name"], expect=f.cleaned_data["expect"], facts=f.cleaned_data["facts"]
            )
            for f in cases.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
    )
