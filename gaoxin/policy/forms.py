"""Forms of the policy pages. They parse what the officer or the clerk typed; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.roles import Role
from gaoxin.core.forms import StyledFormMixin
from gaoxin.policy import amounts, workflow
from gaoxin.policy.models import (
    AmountKind,
    ObjectionOutcome,
    PolicyCategory,
    PolicyLevel,
    ScoreAggregate,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("政策名称"), max_length=200)
    number = forms.CharField(label=_("文号"), max_length=80, required=False, help_text=_("如 珠高新〔2026〕12号"))
    issuer = forms.CharField(label=_("发文机关"), max_length=100)
    level = forms.ChoiceField(label=_("层级"), choices=PolicyLevel.choices)
    category = forms.ChoiceField(label=_("政策类别"), choices=PolicyCategory.choices)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    expires_on = forms.DateField(label=_("失效日期"), required=False, widget=DATE)
    budget_yuan = forms.DecimalField(label=_("政策资金总额(元)"), required=False, min_value=0, decimal_places=2)
    summary = forms.CharField(
        label=_("政策摘要"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(label=_("政策全文"), required=False, widget=forms.Textarea(attrs={"rows": 12}))


def _lines(text: str) -> list[list[str]]:
    rows = []
    for raw in text.splitlines():
        raw = raw.strip()
        if raw:
            rows.append([part.strip() for part in raw.replace("｜", "|").split("|")])
    return rows


class FundItemForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("项目编码"), max_length=40)
    name = forms.CharField(label=_("申报项目名称"), max_length=200)
    description = forms.CharField(label=_("支持内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    eligibility_code = forms.CharField(
        label=_("申报条件（规则集编码）"),
        max_length=60,
        required=False,
        help_text=_("如 hnte、tech_sme、small_to_above"),
    )
    no_application = forms.BooleanField(label=_("免申即享（系统比对名单，企业确认即可）"), required=False)
    amount_kind = forms.ChoiceField(label=_("金额计算方式"), choices=AmountKind.choices)
    amount_fixed_yuan = forms.DecimalField(label=_("定额(元)"), required=False, min_value=0)
    amount_fact = forms.ChoiceField(
        label=_("计算依据（上年度指标）"),
        required=False,
        choices=[("", "—")] + [(k, v) for k, v in amounts.FACT_LABELS.items()],
    )
    amount_percent = forms.DecimalField(label=_("比例(%)"), required=False, min_value=0, max_value=100)
    amount_cap_yuan = forms.DecimalField(label=_("上限(元)"), required=False, min_value=0)
    amount_tiers = forms.CharField(
        label=_("分档"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一档：下限（指标单位，如万元）| 金额（元），例如“2000 | 100000”"),
    )
    budget_yuan = forms.DecimalField(label=_("项目预算(元)"), min_value=0)
    opens_on = forms.DateField(label=_("申报开始"), widget=DATE)
    closes_on = forms.DateField(label=_("申报截止"), widget=DATE)
    stages = forms.MultipleChoiceField(
        label=_("审核流程"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple, initial=workflow.DEFAULT_STAGES
    )
    experts_per_application = forms.IntegerField(label=_("每件评审专家数"), min_value=1, max_value=15, initial=3)
    score_sheet = forms.CharField(
        label=_("评分表"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项：评分项 | 满分，例如“技术先进性 | 40”"),
    )
    score_aggregate = forms.ChoiceField(label=_("得分汇总"), choices=ScoreAggregate.choices)
    notice_days = forms.IntegerField(label=_("公示期(工作日)"), min_value=1, max_value=30, initial=7)
    offer_days = forms.IntegerField(label=_("免申即享确认期限(工作日)"), min_value=1, max_value=60, initial=10)
    commitments = forms.CharField(label=_("企业承诺事项"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(
        label=_("申报材料清单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项：材料名称 | 文件类型（pdf,jpg,png,docx,xlsx…）| 必须/可选 | 说明"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [(r.value, r.label) for r in Role if r.value in workflow.OWNER_ROLES]
        for stage in workflow.CANONICAL:
            self.fields[f"role_{stage}"] = forms.ChoiceField(
                label=_("%(s)s办理角色") % {"s": Stage(stage).label},
                choices=roles,
                initial=workflow.DEFAULT_ROLES[stage],
                required=False,
            )
            self.fields[f"role_{stage}"].widget.attrs["class"] = "form-select"
            if stage == Stage.NOTICE:
                continue
            self.fields[f"days_{stage}"] = forms.IntegerField(
                label=_("%(s)s时限(工作日)") % {"s": Stage(stage).label},
                min_value=1,
                max_value=60,
                initial=workflow.DEFAULT_DAYS[stage],
            )
            self.fields[f"days_{stage}"].widget.attrs["class"] = "form-control"

    def clean_amount_tiers(self) -> list[list[str]]:
        out = []
        for n, parts in enumerate(_lines(self.cleaned_data["amount_tiers"]), start=1):
            if len(parts) != 2:
                raise forms.ValidationError(_("分档第%(n)s行应为“下限 | 金额”") % {"n": n})
            out.append(parts)
        return out

    def clean_score_sheet(self) -> list[dict[str, Any]]:
        out = []
        for n, parts in enumerate(_lines(self.cleaned_data["score_sheet"]), start=1):
            try:
                top = Decimal(parts[1]) if len(parts) == 2 else None
            except InvalidOperation:
                top = None
            if top is None or top <= 0:
                raise forms.ValidationError(_("评分表第%(n)s行应为“评分项 | 满分”") % {"n": n})
            out.append({"code": f"s{n}", "label": parts[0], "max": format(top.normalize(), "f")})
        return out

    def clean_materials(self) -> list[dict[str, Any]]:
        out = []
        for n, parts in enumerate(_lines(self.cleaned_data["materials"]), start=1):
            if not parts[0]:
                raise forms.ValidationError(_("材料清单第%(n)s行缺少材料名称") % {"n": n})
            out.append(
                {
                    "name": parts[0],
                    "kinds": parts[1] if len(parts) > 1 and parts[1] else "pdf",
                    "required": not (len(parts) > 2 and parts[2] in ("可选", "否", "optional")),
                    "note": parts[3] if len(parts) > 3 else "",
                }
            )
        return out

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("materials")
        data["stage_days"] = {
            s: data.pop(f"days_{s}") for s in workflow.CANONICAL if s != Stage.NOTICE and f"days_{s}" in data
        }
        roles = {s: data.pop(f"role_{s}", "") for s in workflow.CANONICAL}
        data["stage_roles"] = {s: r for s, r in roles.items() if r and r != workflow.DEFAULT_ROLES[s]}
        return data

    @staticmethod
    def initial_for(item: Any) -> dict[str, Any]:
        initial = {name: getattr(item, name) for name in ("code", "name", "description", "eligibility_code")}
        initial.update(
            {
                name: getattr(item, name)
                for name in (
                    "no_application",
                    "amount_kind",
                    "amount_fixed_yuan",
                    "amount_fact",
                    "amount_percent",
                    "amount_cap_yuan",
                    "budget_yuan",
                    "opens_on",
                    "closes_on",
                    "stages",
                    "experts_per_application",
                    "score_aggregate",
                    "notice_days",
                    "offer_days",
                    "commitments",
                )
            }
        )
        initial["amount_tiers"] = "\n".join(f"{a} | {b}" for a, b in item.amount_tiers or [])
        initial["score_sheet"] = "\n".join(f"{s['label']} | {s['max']}" for s in item.score_sheet or [])
        initial["materials"] = "\n".join(
            f"{m.name} | {m.kinds} | {'必须' if m.required else '可选'} | {m.note}".rstrip(" |")
            for m in item.materials.all()
        )
        for stage in workflow.CANONICAL:
            initial[f"role_{stage}"] = workflow.role_for(item, stage)
            if stage != Stage.NOTICE:
                initial[f"days_{stage}"] = workflow.days_for(item, stage)
        return initial


class ApplicationForm(StyledFormMixin, forms.Form):
    project_name = forms.CharField(label=_("项目名称"), max_length=200, required=False)
    project_summary = forms.CharField(
        label=_("项目简介"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("简要说明项目内容、投入和成效"),
    )
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    account_name = forms.CharField(label=_("账户名称"), max_length=200, required=False)
    commitments_accepted = forms.BooleanField(label=_("我单位已阅读并承诺遵守上述承诺事项"), required=False)


class ReviewForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("pass", _("通过")), ("return", _("退回补正")), ("reject", _("不予支持"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("意见或原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回或不予支持时必填，企业可见"),
    )
    amount = forms.DecimalField(label=_("核定金额(元)"), required=False, min_value=0, decimal_places=2)
    override = forms.BooleanField(label=_("批准超预算核定（仅领导）"), required=False)
    override_reason = forms.CharField(label=_("超预算理由"), max_length=300, required=False)


class ScoreForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, sheet: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in sheet:
            code = str(line.get("code") or line["label"])
            self.fields[f"score_{code}"] = forms.DecimalField(
                label=f"{line['label']}（{line['max']}{_('分')}）",
                min_value=0,
                max_value=Decimal(str(line["max"])),
                decimal_places=1,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
        self.order_fields([f for f in self.fields if f.startswith("score_")] + ["comment"])

    def scores(self) -> dict[str, Any]:
        return {k.removeprefix("score_"): v for k, v in self.cleaned_data.items() if k.startswith("score_")}


class NoticeForm(StyledFormMixin, forms.Form):
    starts_on = forms.DateField(label=_("公示开始"), widget=DATE)
    days = forms.IntegerField(label=_("公示期(工作日)"), min_value=1, max_value=30)
    contact = forms.CharField(label=_("异议受理方式"), max_length=300, required=False)


class ObjectionForm(StyledFormMixin, forms.Form):
    signed_by = forms.CharField(label=_("异议人（署名）"), max_length=100)
    contact = forms.CharField(label=_("联系方式"), max_length=100)
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    application = forms.ChoiceField(label=_("所涉企业"), required=False)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}))


def objection_form(entries: list[Any], data: Any = None, initial: Any = None) -> ObjectionForm:
    form = ObjectionForm(data, initial=initial)
    field = form.fields["application"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", "—")] + [(str(a.pk), a.enterprise.name) for a in entries]
    return form


class ConflictForm(StyledFormMixin, forms.Form):
    uscc = forms.CharField(label=_("企业统一社会信用代码"), min_length=18, max_length=18)
    relation = forms.CharField(
        label=_("关系说明"), max_length=200, help_text=_("如：曾在该企业任职、担任顾问、亲属在该企业任职")
    )


class ObjectionDecisionForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("核查结论"),
        choices=[(ObjectionOutcome.UPHELD, _("异议成立")), (ObjectionOutcome.DISMISSED, _("异议不成立"))],
    )
    finding = forms.CharField(label=_("核查意见"), widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("拨付日期"), widget=DATE)
    voucher = forms.CharField(label=_("凭证号"), max_length=60, required=False)


class OfferForm(StyledFormMixin, forms.Form):
    bank_name = forms.CharField(label=_("开户银行"), max_length=100)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40)
    account_name = forms.CharField(label=_("账户名称"), max_length=200, required=False)
    commitments_accepted = forms.BooleanField(label=_("我单位已阅读并承诺遵守上述承诺事项"), required=False)
