"""Generated enterprises and generated fund-item rule sets, deterministic by seed, for tests and the benchmark.

`synthetic_facts(n, seed=…)` gives plausible enterprises of a zone (FORMATS.md 2a facts, money in 万元 with two
decimals) with what real registries have: missing facts and missing years, zero denominators, qualifications
expired, current, not yet valid or unknown, expert scores not yet given, declared figures out of range — and, for a
share of them (`edge_share`), figures placed exactly on the thresholds and band edges the shipped rule sets use
(ratios of exactly 3%, 10%, 60%, revenue of exactly 5000万元, growth of exactly 5%, registration exactly one year
before the as-of date …), so both evaluation paths are compared where they are most likely to differ.

`fund_item_document(i, seed=…)` gives a valid rule-set document of the kind the policy-cashing module attaches to a
fund item (专项资金申报项目): 5–12 comparisons over the fact vocabulary with fixed thresholds, an any() among some of
them, and a banded score with a threshold; each carries a test case so it is publishable.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..facts import Facts, HeldQualification
from ..ruleset import InputSpec, RuleSet
from ..vocabulary import FLAGS

CENT = Decimal("0.01")
QUALIFICATION_TYPES = ("高新技术企业", "专精特新中小企业", "科技型中小企业", "创新型中小企业", "专精特新“小巨人”企业")
PARKS = ("东区", "西区", "南区", "北区", "科学城")
INDUSTRIES = ("电子信息", "生物医药", "新材料", "高端装备", "新能源", "软件和信息服务")
CHAIN_LINKS = ("上游", "中游", "下游")


def _money(value: float) -> Decimal:
    return Decimal(repr(round(value, 2))).quantize(CENT)


def _maybe(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def shipped_inputs() -> list[InputSpec]:
    from ..loader import shipped_rulesets

    seen: dict[str, InputSpec] = {}
    for ruleset in shipped_rulesets():
        for code, spec in ruleset.inputs.items():
            seen.setdefault(code, spec)
    return list(seen.values())


def inputs_of(rulesets: Iterable[RuleSet]) -> list[InputSpec]:
    seen: dict[str, InputSpec] = {}
    for ruleset in rulesets:
        for code, spec in ruleset.inputs.items():
            seen.setdefault(code, spec)
    return list(seen.values())


def synthetic_facts(
    n: int,
    *,
    seed: int = 2025,
    year: int = 2024,
    as_of: dt.date = dt.date(2025, 6, 30),
    inputs: Iterable[InputSpec] | None = None,
    edge_share: float = 0.3,
    missing_share: float = 0.03,
) -> list[Facts]:
    """`n` generated enterprises with facts for the five years up to `year` (see the module docstring)."""
    rng = random.Random(seed)
    specs = list(inputs) if inputs is not None else shipped_inputs()
    years = list(range(year - 4, year + 1))
    out = []
    for i in range(n):
        out.append(_enterprise(rng, i, years, as_of, specs, edge_share, missing_share))
    return out


def _enterprise(
    rng: random.Random,
    i: int,
    years: list[int],
    as_of: dt.date,
    specs: list[InputSpec],
    edge_share: float,
    missing_share: float,
) -> Facts:
    facts = Facts(uscc=f"91440400MA{i:08d}", name=f"测试企业{i}")
    if not _maybe(rng, 0.02):
        facts.registered_on = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 25))
    revenue = rng.lognormvariate(7.4, 1.4)
    staff = max(1, int(rng.lognormvariate(4.2, 0.9)))
    assets = revenue * rng.uniform(0.4, 3.0)
    rd_share = rng.uniform(0.0, 0.1)
    for k, y in enumerate(years):
        if k:
            revenue *= rng.uniform(0.75, 1.5)
            assets *= rng.uniform(0.85, 1.3)
            staff = max(1, int(staff * rng.uniform(0.9, 1.2)))
        if _maybe(rng, 0.02):
            continue  # a year not reported at all
        liabilities = assets * rng.uniform(0.1, 0.95)
        rd = revenue * rd_share * rng.uniform(0.7, 1.3)
        row: dict[str, Decimal] = {
            "revenue": _money(revenue),
            "main_business_revenue": _money(revenue * rng.uniform(0.45, 1.0)),
            "hightech_revenue": _money(revenue * rng.uniform(0.2, 0.95)),
            "rd_expense": _money(rd),
            "rd_expense_domestic": _money(rd * rng.uniform(0.4, 1.0)),
            "total_cost": _money(revenue * rng.uniform(0.6, 1.1)),
            "total_assets": _money(assets),
            "total_liabilities": _money(liabilities),
            "net_assets": _money(assets - liabilities),
            "output_value": _money(revenue * rng.uniform(0.8, 1.2)),
            "value_added": _money(revenue * rng.uniform(0.15, 0.4)),
            "tax_paid": _money(revenue * rng.uniform(0.01, 0.08)),
            "export_value": _money(revenue * rng.uniform(0.0, 0.5)),
            "net_profit": _money(revenue * rng.uniform(-0.15, 0.2)),
            "energy_tce": _money(revenue * rng.uniform(0.01, 0.3)),
            "staff": Decimal(staff),
            "tech_staff": Decimal(int(staff * rng.uniform(0.0, 0.5))),
            "rd_staff": Decimal(int(staff * rng.uniform(0.0, 0.3))),
            "ip_class1": Decimal(rng.choice((0, 0, 0, 1, 1, 2, 3, 4, 5, 8))),
            "ip_class2": Decimal(rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 10))),
        }
        for name in list(row):
            if _maybe(rng, missing_share):
                del row[name]
        facts.years[y] = row
    for name in FLAGS:
        if not _maybe(rng, 0.05):
            facts.flags[name] = _maybe(rng, 0.15 if name not in {"core_ip_supports_products"} else 0.8)
    if _maybe(rng, 0.9):
        facts.texts["park"] = rng.choice(PARKS)
        facts.texts["industry"] = rng.choice(INDUSTRIES)
        facts.texts["chain_link"] = rng.choice(CHAIN_LINKS)
    if not _maybe(rng, 0.05):
        facts.qualifications = tuple(_qualification(rng, as_of) for _ in range(rng.choice((0, 0, 1, 1, 2, 3))))
    for spec in specs:
        if _maybe(rng, 0.25):
            continue  # not given (an expert score not yet in, a figure not declared)
        facts.inputs[spec.code] = _input(rng, spec)
    if _maybe(rng, edge_share):
        _edge(rng, facts, years, as_of, specs)
    return facts


def _qualification(rng: random.Random, as_of: dt.date) -> HeldQualification:
    kind = rng.choice(QUALIFICATION_TYPES)
    start = as_of + dt.timedelta(days=rng.randrange(-5 * 365, 200))
    choice = rng.random()
    if choice < 0.1:
        end = None
    elif choice < 0.2:
        end = as_of  # the last day of validity is the as-of date: still valid
        start = min(start, as_of)
    else:
        end = start + dt.timedelta(days=3 * 365 - 1)
    level = rng.choice((None, "省级", "国家级"))
    return HeldQualification(kind, level, None if _maybe(rng, 0.05) else start, end)


def _input(rng: random.Random, spec: InputSpec) -> Decimal | bool | str:
    if spec.type == "flag":
        return _maybe(rng, 0.3)
    if spec.type == "text":
        return rng.choice(("甲", "乙", "丙"))
    lo = spec.min if spec.min is not None else Decimal(0)
    if spec.max is not None:
        roll = rng.random()
        if roll < 0.03:
            return spec.max + 1  # out of range: the engine does not use it
        if roll < 0.1:
            return spec.max
        if roll < 0.15:
            return lo
        value = Decimal(rng.randint(int(lo * 2), int(spec.max * 2))) / 2
        return value.normalize() if value != value.to_integral_value() else Decimal(int(value))
    if spec.unit == "万元":
        return _money(rng.lognormvariate(6.0, 1.5))
    return Decimal(rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 9, 12, 15, 20)))


def _edge(rng: random.Random, facts: Facts, years: list[int], as_of: dt.date, specs: list[InputSpec]) -> None:
    """Put one or two figures exactly on an edge the rule sets test (lower bounds inclusive), or make a ratio's
    denominator zero."""
    last = years[-1]
    row = facts.years.setdefault(last, {})
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.randrange(16)
        base = Decimal(rng.choice((20, 40, 100, 200, 500, 1000))) * rng.randint(1, 60)
        if kind == 0:  # R&D ratio exactly on a band edge (1%…6%)
            row["revenue"] = base
            row["rd_expense"] = base * rng.choice((1, 2, 3, 4, 5, 6)) / 100
        elif kind == 1:  # 科技人员 share exactly 10%…30%
            staff = 20 * rng.randint(1, 25)
            row["staff"] = Decimal(staff)
            row["tech_staff"] = Decimal(staff) * rng.choice((10, 15, 20, 25, 30)) / 100
        elif kind == 2:  # revenue exactly on a threshold
            row["revenue"] = Decimal(rng.choice((1000, 1300, 1500, 2000, 5000, 20000)))
            row["main_business_revenue"] = Decimal(rng.choice((2000, 1999.99, 2000.01))).quantize(CENT)
        elif kind == 3:  # main business share exactly on an edge
            row["revenue"] = base
            row["main_business_revenue"] = base * rng.choice((50, 55, 60, 70, 80, 90)) / 100
        elif kind == 4:  # debt ratio exactly on an edge
            row["total_assets"] = base
            row["total_liabilities"] = base * rng.choice((55, 75, 80)) / 100
        elif kind == 5:  # growth exactly 0%, 5%, 10%, 15%, 30%
            before = facts.years.setdefault(last - 1, {})
            before["revenue"] = base
            before["main_business_revenue"] = base
            rate = Decimal(rng.choice((100, 105, 110, 115, 130))) / 100
            row["revenue"] = base * rate
            row["main_business_revenue"] = base * rate
        elif kind == 6:  # two-year compound growth exactly 5% (1.05² = 1.1025)
            facts.years.setdefault(last - 2, {})["revenue"] = Decimal(10000)
            row["revenue"] = Decimal(11025)
        elif kind == 7:  # a zero denominator
            target = rng.choice(("revenue", "staff", "total_assets", "total_cost"))
            row[target] = Decimal(0)
        elif kind == 8:  # a zero the year before (growth undefined) or the first/second year of the 高企 formula
            y = rng.choice((last - 1, last - 2))
            facts.years.setdefault(y, {})[rng.choice(("revenue", "net_assets", "main_business_revenue"))] = Decimal(0)
        elif kind == 9:  # 高企 growth exactly on 35%/25%/15%/5% (½ × (Y2/Y1 + Y3/Y2) − 1 with equal ratios)
            rate = Decimal(rng.choice((135, 125, 115, 105))) / 100
            for k, y in enumerate(years[-3:]):
                facts.years.setdefault(y, {})["net_assets"] = Decimal(400) * rate**k
        elif kind == 10:  # IP counts on the edges
            row["ip_class1"] = Decimal(rng.choice((0, 1, 4)))
            row["ip_class2"] = Decimal(rng.choice((0, 1, 2, 3, 4, 5)))
        elif kind == 11:  # registered exactly 1 or 3 years before the as-of date, or one day short
            years_back = rng.choice((1, 3))
            day = as_of.replace(year=as_of.year - years_back)
            facts.registered_on = day + dt.timedelta(days=rng.choice((0, 1)))
        elif kind == 12:  # 境内研发 / 高新收入 share exactly 60%
            total = sum((facts.years.get(y, {}).get("rd_expense", Decimal(0)) for y in years[-3:]), Decimal(0))
            if total:
                for y in years[-3:]:
                    yr = facts.years.setdefault(y, {})
                    if "rd_expense" in yr:
                        yr["rd_expense_domestic"] = yr["rd_expense"] * Decimal("0.6")
            row["revenue"] = base
            row["hightech_revenue"] = base * Decimal("0.6")
        elif kind == 13:  # an expert score or declared figure on its bounds, or missing
            for spec in specs:
                if spec.type == "number" and rng.random() < 0.5:
                    if spec.max is not None:
                        facts.inputs[spec.code] = rng.choice((spec.max, spec.min or Decimal(0)))
                    else:
                        facts.inputs[spec.code] = Decimal(rng.choice((500, 2000, 3, 15)))
                elif rng.random() < 0.3:
                    facts.inputs.pop(spec.code, None)
        elif kind == 14:  # qualifications unknown, or one expiring exactly on the as-of date, or starting after it
            if rng.random() < 0.3:
                facts.qualifications = None
            else:
                kind_q = rng.choice(QUALIFICATION_TYPES[:2])
                choice = rng.random()
                if choice < 0.4:
                    held = HeldQualification(kind_q, None, as_of - dt.timedelta(days=1095), as_of)
                elif choice < 0.7:
                    held = HeldQualification(kind_q, None, as_of - dt.timedelta(days=1096), as_of - dt.timedelta(1))
                else:
                    held = HeldQualification(kind_q, None, as_of + dt.timedelta(days=1), None)
                facts.qualifications = (*(facts.qualifications or ()), held)
        else:  # 规上 revenue edge for 小升规 and the 2000万 line
            row["revenue"] = Decimal(rng.choice((1299.99, 1300, 1999.99, 2000))).quantize(CENT)
            facts.flags["is_above_scale"] = rng.random() < 0.2


# --- generated fund-item rule sets ------------------------------------------------------------------------------------

#: (value expression, subject, op, thresholds to pick from)
_COMPARISONS: list[tuple[Any, str, str, tuple[Any, ...]]] = [
    ("revenue", "上年度营业收入", ">=", (500, 1000, 2000, 5000, 10000)),
    ("revenue", "上年度营业收入", "<=", (20000, 40000, 100000)),
    ("main_business_revenue", "上年度主营业务收入", ">=", (500, 1000, 2000)),
    ("tax_paid", "上年度实缴税费", ">=", (20, 50, 100, 300)),
    ("staff", "职工总数", "<=", (300, 500, 1000)),
    ("staff", "职工总数", ">=", (10, 20, 50)),
    ("tech_staff", "科技人员数", ">=", (5, 10, 30)),
    ("rd_staff", "研发人员数", ">=", (3, 10, 20)),
    ("ip_class1", "有效Ⅰ类知识产权", ">=", (1, 2, 4)),
    ("ip_class2", "有效Ⅱ类知识产权", ">=", (1, 3, 5)),
    ("export_value", "上年度出口额", ">=", (100, 500)),
    ("output_value", "上年度工业总产值", ">=", (2000, 5000)),
    ("net_profit", "上年度净利润", ">", (0, 100)),
    ("energy_tce", "综合能源消费量", "<=", (500, 1000, 5000)),
    ({"ratio": ["rd_expense", "revenue"]}, "研发费用占营业收入比例", ">=", (2, 3, 4, 5)),
    ({"ratio": ["tech_staff", "staff"]}, "科技人员占职工总数比例", ">=", (10, 20, 30)),
    ({"ratio": ["total_liabilities", "total_assets"]}, "资产负债率", "<=", (60, 70, 75, 80)),
    ({"ratio": ["main_business_revenue", "revenue"]}, "主营业务收入占比", ">=", (60, 70, 80)),
    ({"ratio": ["hightech_revenue", "revenue"]}, "高新技术产品收入占比", ">=", (50, 60)),
    ({"ratio": ["export_value", "revenue"]}, "出口额占营业收入比例", ">=", (10, 20)),
    ({"growth": "revenue"}, "营业收入同比增长率", ">=", (0, 10, 15, 20, 30)),
    ({"growth": "tax_paid"}, "实缴税费同比增长率", ">=", (0, 10)),
    ({"fact": "rd_expense", "years": 2}, "近两年研发费用合计", ">=", (100, 200, 500)),
    ({"fact": "revenue", "years": 3, "agg": "avg"}, "近三年营业收入平均值", ">=", (1000, 3000)),
    ({"cagr": "revenue", "years": 2}, "近两年营业收入复合增长率", ">=", (5, 10)),
    ({"sub": ["revenue", "total_cost"]}, "营业收入减成本费用", ">", (0, 100)),
    ({"years_since": "registered_on"}, "成立年限", ">=", (1, 2, 3, 5)),
    ("revenue", "上年度营业收入", "between", ((1000, 20000), (2000, 40000))),
]
_FLAG_CRITERIA = [
    ("serious_violation_listed", False, "未被列入严重违法失信名单"),
    ("major_incident_last_year", False, "上年度未发生重大安全、质量、环境污染事故"),
    ("restricted_industry", False, "不属于禁止、限制类行业"),
]
_BANDED = [
    ({"ratio": ["rd_expense", "revenue"]}, "研发投入强度", (6, 4, 3, 2, 1)),
    ({"growth": "revenue"}, "营业收入增长", (30, 20, 10, 5, 0)),
    ({"ratio": ["tech_staff", "staff"]}, "科技人员占比", (30, 20, 15, 10, 5)),
    ("tax_paid", "实缴税费", (1000, 500, 200, 100, 50)),
]


def fund_item_document(index: int, *, seed: int = 7, valid_from: dt.date = dt.date(2024, 1, 1)) -> dict[str, Any]:
    """A generated fund item's rule set (专项资金申报条件) as a rule-set document (see the module docstring)."""
    rng = random.Random(seed * 1000 + index)
    count = rng.randint(5, 12)
    picks = rng.sample(_COMPARISONS, k=min(count, len(_COMPARISONS)))
    criteria: list[dict[str, Any]] = []
    for k, (value, subject, op, choices) in enumerate(picks):
        threshold = rng.choice(choices)
        if op == "between":
            words = f"在{threshold[0]}至{threshold[1]}之间"
        else:
            words = {">=": "不低于", ">": "高于", "<=": "不超过", "<": "低于"}[op] + str(threshold)
        spec: dict[str, Any] = {
            "code": f"c{k + 1}",
            "label": f"{subject}{words}",
            "value": value,
            "subject": subject,
            "op": op,
            "threshold": list(threshold) if isinstance(threshold, tuple) else threshold,
        }
        if rng.random() < 0.12 and op in {">=", "<="} and not isinstance(value, dict):
            spec["each_year"] = 2
            spec["label"] = f"近两年每年{spec['label']}"
        criteria.append(spec)
    flag_name, expect, label = rng.choice(_FLAG_CRITERIA)
    criteria.append({"code": "clean", "label": label, "flag": flag_name, "expect": expect})
    band_value, band_label, edges = rng.choice(_BANDED)
    band_points = (40, 30, 20, 10, 5)
    bands = [{"min": edge, "points": pts} for edge, pts in zip(edges, band_points, strict=True)]
    bands.append({"points": 0})
    score_threshold = rng.choice((10, 20, 30))
    criteria.append(
        {"code": "score_ok", "label": f"{band_label}得分不低于{score_threshold}分", "points": "total", "op": ">=",
         "threshold": score_threshold}
    )  # fmt: skip
    codes = [c["code"] for c in criteria[: len(picks)]]
    alternatives = codes[-2:] if len(codes) >= 6 else []
    required = [c for c in codes if c not in alternatives]
    decision: list[Any] = [*required, "clean", "score_ok"]
    if alternatives:
        criteria.append({"code": "either", "label": "满足其中一项", "any": alternatives})
        decision.append("either")
    document: dict[str, Any] = {
        "code": f"fund_item_{index:02d}",
        "version": "1",
        "name": f"高新区专项资金申报项目{index}（生成）",
        "source": f"高新区专项资金管理办法（基准测试生成）第{index}号",
        "valid_from": valid_from,
        "notes": ["基准测试与一致性测试生成的申报条件：阈值比较、any 与分档评分。"],
        "criteria": criteria,
        "score": {
            "code": "total",
            "label": f"{band_label}评分",
            "sum": [{"code": "band_points", "label": band_label, "value": band_value, "bands": bands}],
        },
        "decision": {"all": decision},
    }
    document["tests"] = [_generated_case(document)]
    return document


def _generated_case(document: dict[str, Any]) -> dict[str, Any]:
    """A test case for a generated rule set: an empty enterprise is unknown (never fail) on every figure."""
    from ..compiler import compile_ruleset

    compiled = compile_ruleset({**document, "tests": []})
    facts = {"uscc": "91440400MA4GENERAT", "flags": {}, "years": {}}
    evaluation = compiled.evaluate(facts, as_of=dt.date(2025, 6, 30))
    return {
        "name": "没有任何数据的企业：待核实（缺数据不判不符合）",
        "as_of": dt.date(2025, 6, 30),
        "facts": facts,
        "expect": {"result": evaluation.result.value},
    }


def fund_item_rulesets(count: int = 50, *, seed: int = 7) -> list[RuleSet]:
    from ..compiler import compile_ruleset

    return [compile_ruleset(fund_item_document(i + 1, seed=seed)) for i in range(count)]
