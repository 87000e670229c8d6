"""The default appeal category tree, loaded by a data migration (an administrator edits it afterwards).

Codes are stable identifiers; names are what people read. `True` marks consultation (咨询) categories, whose default
time limit is the short one of the "124" rule.
"""

from __future__ import annotations

from typing import Any

#: (code, name, consultation, ((child code, child name), …))
DEFAULT_CATEGORIES: tuple[tuple[str, str, bool, tuple[tuple[str, str], ...]], ...] = (
    (
        "ZCZX",
        "政策咨询",
        True,
        (("ZCZX01", "政策解读"), ("ZCZX02", "申报条件"), ("ZCZX03", "兑现进度"), ("ZCZX04", "资质认定")),
    ),
    ("RZ", "融资", False, (("RZ01", "银行贷款"), ("RZ02", "融资担保"), ("RZ03", "股权融资"), ("RZ04", "上市辅导"))),
    ("YD", "用地", False, (("YD01", "土地供应"), ("YD02", "厂房租赁"), ("YD03", "规划调整"), ("YD04", "不动产登记"))),
    ("RC", "人才", False, (("RC01", "人才认定"), ("RC02", "人才住房"), ("RC03", "子女入学"), ("RC04", "招聘用工"))),
    ("SP", "审批", False, (("SP01", "项目立项"), ("SP02", "工程建设许可"), ("SP03", "环评能评"), ("SP04", "证照办理"))),
    (
        "JCSS",
        "基础设施",
        False,
        (("JCSS01", "供电"), ("JCSS02", "供水排水"), ("JCSS03", "道路交通"), ("JCSS04", "网络通信")),
    ),
    ("AQ", "安全", False, (("AQ01", "安全生产"), ("AQ02", "消防"), ("AQ03", "治安环境"))),
    ("QT", "其他", False, (("QT01", "意见建议"), ("QT02", "投诉举报"), ("QT99", "其他事项"))),
)


def load_categories(model: Any) -> int:
    """Create the default tree where its codes are missing (existing rows, edited or not, are left alone)."""
    created = 0
    for order, (code, name, consultation, children) in enumerate(DEFAULT_CATEGORIES, start=1):
        root, made = model.objects.get_or_create(
            code=code, defaults={"name": name, "is_consultation": consultation, "sort_order": order * 10}
        )
        created += int(made)
        for child_order, (child_code, child_name) in enumerate(children, start=1):
            _row, made = model.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": root,
                    "is_consultation": consultation,
                    "sort_order": order * 10 + child_order,
                },
            )
            created += int(made)
    return created
