"""Excel exports of policy cashing: applications (and 免申即享 lists), disbursement batches for the bank or treasury
system, policies and fund items, awards and payments — the columns an officer and a provincial 惠企 platform read.
Experts never receive exports; contact data and bank accounts are left out for those who may not see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.core.excel import table_xlsx
from gaoxin.policy import permissions, workflow
from gaoxin.policy.models import Application, DisbursementBatch, FundItem, Policy


def _yuan(value: Any) -> Any:
    return value if value is not None else ""


def applications_xlsx(actor: Any, rows: Iterable[Application]) -> bytes:
    contacts = permissions.can_view_contacts(actor)
    headers = [
        str(_("受理编号")),
        str(_("申报项目")),
        str(_("统一社会信用代码")),
        str(_("企业名称")),
        str(_("所属园区")),
        str(_("方式")),
        str(_("状态")),
        str(_("提交时间")),
        str(_("测算金额(元)")),
        str(_("核定金额(元)")),
        str(_("专家评分")),
        str(_("拨付日期")),
        str(_("原因")),
    ]
    if contacts:
        headers += [str(_("开户银行")), str(_("银行账号")), str(_("账户名称"))]
    body = []
    for a in rows:
        line = [
            a.number,
            a.fund_item.name,
            a.enterprise.uscc,
            a.enterprise.name,
            a.enterprise.park.name if a.enterprise.park_id else "",
            str(a.get_channel_display()),
            str(workflow.enterprise_label(a)),
            a.submitted_at.strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
            _yuan(a.requested_yuan),
            _yuan(a.awarded_yuan),
            _yuan(a.score),
            a.paid_on.isoformat() if a.paid_on else "",
            a.reason,
        ]
        if contacts:
            line += [a.bank_name, a.bank_account, a.account_name]
        body.append(line)
    return table_xlsx(str(_("政策申报")), headers, body)


def batch_xlsx(batch: DisbursementBatch, rows: list[Application]) -> bytes:
    """One line per payment, in the columns a bank's bulk-payment import expects
    (账户名称, 账号, 开户行, 金额, 用途)."""
    headers = [
        str(_("序号")),
        str(_("收款账户名称")),
        str(_("收款账号")),
        str(_("开户银行")),
        str(_("金额(元)")),
        str(_("用途")),
        str(_("受理编号")),
        str(_("统一社会信用代码")),
    ]
    body = [
        [
            n,
            a.account_name or a.enterprise.name,
            a.bank_account,
            a.bank_name,
            a.awarded_yuan,
            f"{a.fund_item.name}",
            a.number,
            a.enterprise.uscc,
        ]
        for n, a in enumerate(rows, start=1)
    ]
    total = sum((a.awarded_yuan or 0 for a in rows), 0)
    note = str(_("批次%(n)s，共%(c)s笔，合计%(t)s元") % {"n": batch.number, "c": len(rows), "t": f"{total:.2f}"})
    return table_xlsx(str(_("拨付批次")), headers, body, note=note)


POLICY_HEADERS = [
    "外部编号",
    "政策名称",
    "文号",
    "发文机关",
    "层级",
    "政策类别",
    "生效日期",
    "失效日期",
    "政策资金总额(元)",
    "政策摘要",
    "状态",
]


def policies_xlsx(rows: Iterable[Policy]) -> bytes:
    body = [
        [
            p.external_id or f"P{p.pk}",
            p.title,
            p.number,
            p.issuer,
            str(p.get_level_display()),
            str(p.get_category_display()),
            p.effective_from.isoformat(),
            p.expires_on.isoformat() if p.expires_on else "",
            _yuan(p.budget_yuan),
            p.summary,
            str(p.get_status_display()),
        ]
        for p in rows
    ]
    return table_xlsx("政策", POLICY_HEADERS, body)


ITEM_HEADERS = [
    "项目编码",
    "申报项目",
    "所属政策文号",
    "申报条件规则集",
    "免申即享",
    "金额计算方式",
    "定额(元)",
    "计算依据指标",
    "比例(%)",
    "上限(元)",
    "项目预算(元)",
    "申报开始",
    "申报截止",
    "状态",
]


def items_xlsx(rows: Iterable[FundItem]) -> bytes:
    body = [
        [
            i.code,
            i.name,
            i.policy.number,
            i.eligibility_code,
            "是" if i.no_application else "否",
            str(i.get_amount_kind_display()),
            _yuan(i.amount_fixed_yuan),
            i.amount_fact,
            _yuan(i.amount_percent),
            _yuan(i.amount_cap_yuan),
            i.budget_yuan,
            i.opens_on.isoformat(),
            i.closes_on.isoformat(),
            str(i.get_status_display()),
        ]
        for i in rows
    ]
    return table_xlsx("申报项目", ITEM_HEADERS, body)


def stats_xlsx(s: Any) -> bytes:
    """The statistics page as one sheet per table (the same figures, amounts in yuan)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    tables = [
        ("按政策", s.by_policy),
        ("按园区", s.by_park),
        ("按主导产业", s.by_industry),
    ]
    for title, lines in tables:
        sheet = book.add_worksheet(title)
        headers = ["分组", "申报数", "获支持数", "通过率(%)", "未通过数", "核定金额(元)", "已拨付(元)"]
        for c, h in enumerate(headers):
            sheet.write(0, c, h, bold)
        for r, line in enumerate([*lines, s.total], start=1):
            rate = line.pass_rate
            sheet.write_row(
                r,
                0,
                [
                    line.group,
                    line.applied,
                    line.passed,
                    float(round(rate, 1)) if rate is not None else "",
                    line.rejected,
                    float(line.committed),
                    float(line.paid),
                ],
            )
        sheet.set_column(0, 0, 40)
    sheet = book.add_worksheet("环节用时")
    for c, h in enumerate(["环节", "办理件数", "平均用时(工作日)", "当前超时件数"]):
        sheet.write(0, c, h, bold)
    for r, st in enumerate(s.stages, start=1):
        sheet.write_row(r, 0, [st.label, st.handled, float(st.average_days) if st.average_days else "", st.overdue_now])
    sheet = book.add_worksheet("超期兑现")
    for c, h in enumerate(["受理编号", "企业", "申报项目", "工作日", "状态"]):
        sheet.write(0, c, h, bold)
    for r, late in enumerate(s.late, start=1):
        a = late.application
        sheet.write_row(
            r, 0, [a.number, a.enterprise.name, a.fund_item.name, late.days, "已拨付" if late.paid else "未拨付"]
        )
    book.close()
    return buffer.getvalue()
