"""Forms of the enterprise service pages. Attachments are read from `request.FILES.getlist("files")` and checked by
the service (by content, not by name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.core.forms import StyledFormMixin
from gaoxin.registry.models import Department, Park
from gaoxin.service.models import AppealCategory, Channel, GridKind, Rating, Urgency
from gaoxin.service.selectors import category_choices, commissioners, department_officers, leaders


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path)


class AppealForm(StyledFormMixin, forms.Form):
    category = CategoryChoiceField(label=_("诉求分类"), queryset=AppealCategory.objects.none())
    title = forms.CharField(label=_("诉求标题"), max_length=120)
    content = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 6}))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AppealCategory.objects.filter(pk__in=[c.pk for c in category_choices()]).select_related(
            "parent"
        )


class RecordForm(AppealForm):
    enterprise = forms.CharField(
        label=_("企业"), max_length=200, help_text=_("统一社会信用代码或企业全称（须在您的数据范围内）")
    )
    channel = forms.ChoiceField(
        label=_("受理渠道"),
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.VISIT, Channel.COMMISSIONER)],
        initial=Channel.PHONE,
    )
    received_at = forms.DateTimeField(
        label=_("受理时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("不填即现在"),
    )

    field_order = ["enterprise", "channel", "received_at", "category", "title", "content", "urgency"]


class DispatchForm(StyledFormMixin, forms.Form):
    lead = forms.ModelChoiceField(label=_("主办部门"), queryset=Department.objects.none())
    co = forms.ModelMultipleChoiceField(
        label=_("协办部门"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    lead_days = forms.IntegerField(
        label=_("主办时限(工作日)"), min_value=1, max_value=60, required=False, help_text=_("不填按默认时限")
    )
    co_days = forms.IntegerField(label=_("协办时限(工作日)"), min_value=1, max_value=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.exclude(code=settings.SERVICE_CENTRE_DEPARTMENT).order_by("sort_order", "code")
        for name in ("lead", "co"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = departments


class TextForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(StyledFormMixin, forms.Form):
    days = forms.IntegerField(label=_("延期(工作日)"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("延期原因"), max_length=300)


class RateForm(StyledFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period, or this year so far."""
        today = timezone.localdate()
        if self.is_valid() and self.cleaned_data["start"] <= self.cleaned_data["end"]:
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return dt.date(today.year, 1, 1), today


class CategoryForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=60)
    parent = forms.ModelChoiceField(
        label=_("上级分类"), queryset=AppealCategory.objects.filter(parent__isnull=True), required=False
    )
    is_consultation = forms.BooleanField(label=_("咨询类（时限较短）"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)


class VisitForm(StyledFormMixin, forms.Form):
    enterprise = forms.CharField(
        label=_("企业"), max_length=200, help_text=_("统一社会信用代码或企业全称（须在您的数据范围内）")
    )
    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    people_met = forms.CharField(label=_("接待人员"), max_length=200)
    findings = forms.CharField(label=_("走访情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(
        label=_("企业反映的问题"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一条，保存后可一键转为诉求"),
    )
    needs = forms.CharField(
        label=_("企业需求"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一条")
    )


class CommissionerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A user shown as 姓名（登录名）."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.username}）"


class GridForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("网格名称"), max_length=100, help_text=_("如：唐家湾主园区A区、港湾大道科创楼宇"))
    kind = forms.ChoiceField(label=_("网格类型"), choices=GridKind.choices, initial=GridKind.PARK)
    park = forms.ModelChoiceField(label=_("所在园区"), queryset=Park.objects.order_by("code"), required=False)
    commissioner = CommissionerField(label=_("网格服务专员"), queryset=commissioners())
    include_park = forms.BooleanField(label=_("包含所在园区的全部企业"), required=False)
    enterprises = forms.CharField(
        label=_("网格企业"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一家：统一社会信用代码或企业全称；保存后以此清单为准"),
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["commissioner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = commissioners()


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("Excel（.xlsx、.xls）或CSV（UTF-8或GBK编码），按模板填写"))

    def clean_file(self) -> Any:
        from pathlib import Path

        from gaoxin.core.importing import ACCEPTED_SUFFIXES

        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("文件过大：不能超过%(size)sMB") % {"size": limit // (1024 * 1024)})
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("只支持 Excel（.xlsx、.xls）和 CSV 文件"))
        return upload


class EscalationForm(StyledFormMixin, forms.Form):
    head = CommissionerField(label=_("部门负责人"), queryset=leaders(), required=False)
    leader = CommissionerField(
        label=_("分管领导"), queryset=leaders(), required=False, help_text=_("不设置时，逾期件督办全体领导")
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["head"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = department_officers(department)
