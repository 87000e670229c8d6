"""The qualification catalogue shipped with the platform (FORMATS.md 1b). Loaded by a data migration; from then
on it is data an administrator maintains. Validity: 高企 3 years (国科发火〔2016〕32号), 科小 the calendar year of
evaluation (国科发政〔2017〕115号), 专精特新/创新型 3 years (工信部 梯度培育办法); the ladder is DOMAIN.md's
科技型中小企业 → 高企 → 专精特新 → 小巨人 → 上市.
"""

from __future__ import annotations

from typing import Any

# code, name, aliases, category, has_levels, validity_years, ladder_rank
QUALIFICATION_TYPES: list[tuple[str, str, str, str, bool, int | None, int | None]] = [
    ("tech_sme", "科技型中小企业", "科小、科技型中小", "cultivation", False, 1, 1),
    ("hnte", "高新技术企业", "高企、国家高新技术企业", "cultivation", False, 3, 2),
    ("innovative_sme", "创新型中小企业", "创新型", "cultivation", False, 3, None),
    ("srdi_sme", "专精特新中小企业", "专精特新、省级专精特新中小企业", "cultivation", True, 3, 3),
    (
        "little_giant",
        "专精特新“小巨人”企业",
        '专精特新"小巨人"企业、专精特新"小巨人"、小巨人、国家级专精特新小巨人',
        "cultivation",
        False,
        3,
        4,
    ),
    ("single_champion", "制造业单项冠军", "单项冠军、制造业单项冠军企业", "cultivation", True, 3, None),
    ("listed", "上市企业", "上市、上市公司", "listing", False, None, 5),
    ("unicorn", "独角兽企业", "独角兽", "unicorn", False, None, None),
    ("unicorn_potential", "独角兽潜力企业", "潜在独角兽、独角兽潜力", "unicorn", False, None, None),
    ("unicorn_seed", "独角兽种子企业", "种子独角兽、独角兽种子", "unicorn", False, None, None),
    ("gazelle", "瞪羚企业", "瞪羚", "cultivation", False, None, None),
    ("tech_centre", "企业技术中心", "技术中心", "rd_centre", True, None, None),
    ("eng_centre", "工程技术研究中心", "工程中心、工程研究中心", "rd_centre", True, None, None),
    ("new_rd_institution", "新型研发机构", "", "rd_centre", True, None, None),
]


def load_catalogue(model: Any) -> None:
    """Create or refresh the shipped entries (the data migration passes its historical model)."""
    for order, (code, name, aliases, category, has_levels, years, rank) in enumerate(QUALIFICATION_TYPES):
        model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "aliases": aliases,
                "category": category,
                "has_levels": has_levels,
                "validity_years": years,
                "ladder_rank": rank,
                "sort_order": order * 10,
            },
        )
