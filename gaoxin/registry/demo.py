"""The demo zone written by `manage.py seed_demo`: a plausible Guangdong national high-tech zone (珠海高新区,
行政区划 440400) with its parks, departments, industry tree, chains, enterprises, qualifications and one user per
role.

Two halves:
- `generate_enterprises` is pure (no database): it turns (count, seed, years, today) into `EnterpriseSpec` rows.
  The benchmarks reuse it to write an import file in the FORMATS.md 1a layout.
- `seed_demo` writes the structure (upserted by code), the enterprises with bulk inserts (no per-row services:
  3,000 enterprises take a couple of seconds), one audit entry per enterprise, and the demo users through
  `gaoxin.accounts.services` so passwords are validated and user creation is audited like any other.

Invariants:
- the same seed, enterprise count, years and day give the same data: every random draw comes from
  `random.Random(f"{seed}:…")` (string seeds hash with SHA-512, so PYTHONHASHSEED does not matter);
- every USCC passes the GB 32100-2015 check digit, and its organisation code (characters 9–17) passes GB 11714's;
- enterprise names are unique, and no former name is another enterprise's current name;
- `search_text` is written with `identity.search_text`, as the services would;
- demo users share DEMO_PASSWORD (it meets the password rules) and need not change it at first login.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from pypinyin import lazy_pinyin
from stdnum.cn import uscc as stdnum_uscc

from gaoxin.accounts.roles import Role
from gaoxin.core import audit
from gaoxin.core.models import AuditAction, AuditEntry
from gaoxin.registry.identity import search_text
from gaoxin.registry.models import (
    Chain,
    ChainLink,
    ChainStage,
    Department,
    Enterprise,
    EnterpriseFormerName,
    EnterpriseStatus,
    Industry,
    Park,
    Qualification,
    QualificationLevel,
    QualificationType,
    Zone,
)

DEFAULT_ENTERPRISES = 3000
DEFAULT_YEARS = 5
DEFAULT_SEED = 2026
#: The password of every demo account: ≥ 10 characters and all four character classes. Documented in the README
#: and printed by `manage.py demo_accounts`.
DEMO_PASSWORD = "Demo@2026zone"  # noqa: S105 - a documented demo credential, never used outside the demo zone
SEED_REASON = "演示数据（seed_demo）"

# Zone structure -----------------------------------------------------------------------------------------------

ZONE = {"name": "珠海高新技术产业开发区", "short_name": "珠海高新区", "city": "珠海市", "region_code": "440400"}


@dataclass(frozen=True)
class ParkSpec:
    code: str
    name: str
    short_name: str
    district: str  # 行政区划 of the registration authority, used in USCCs and 科小 numbers
    address_prefix: str
    streets: tuple[str, ...]


PARKS: tuple[ParkSpec, ...] = (
    ParkSpec(
        "TJW",
        "唐家湾主园区",
        "唐家湾",
        "440402",
        "广东省珠海市高新区唐家湾镇",
        (
            "港湾大道科技一路",
            "港湾大道科技五路",
            "港湾大道科技六路",
            "大学路",
            "金峰西路",
            "金业南路",
            "创新海岸科技七路",
            "金鼎中珠上横路",
        ),
    ),
    ParkSpec(
        "NP",
        "南屏科技工业园",
        "南屏",
        "440402",
        "广东省珠海市香洲区南屏科技工业园",
        ("屏北一路", "屏北二路", "屏东一路", "屏东二路", "屏西八路", "屏工中路"),
    ),
    ParkSpec(
        "XQ",
        "新青科技工业园",
        "新青",
        "440403",
        "广东省珠海市斗门区新青科技工业园",
        ("新青一路", "新青二路", "新青三路", "新青四路", "新青五路", "珠峰大道"),
    ),
    ParkSpec(
        "SZ",
        "三灶科技工业园",
        "三灶",
        "440404",
        "广东省珠海市金湾区三灶镇三灶科技工业园",
        ("琴石路", "机场东路", "定湾一路", "定湾二路", "定湾三路", "安基东路"),
    ),
    ParkSpec(
        "FS",
        "富山工业园",
        "富山",
        "440403",
        "广东省珠海市斗门区富山工业园",
        ("富山二路", "富山三路", "富山五路", "雷蛛大道", "珠峰大道南"),
    ),
)

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("DZB", "党政办公室"),
    ("KJCY", "科技产业局"),
    ("JJFZ", "经济发展局"),
    ("TJ", "统计局"),
    ("CZ", "财政局"),
    ("TZCJ", "投资促进中心"),
    ("QYFW", "企业服务中心"),
    ("GHZY", "规划和自然资源局"),
    ("STHJ", "生态环境分局"),
)


@dataclass(frozen=True)
class IndustrySpec:
    code: str
    name: str
    gbt_codes: str  # GB/T 4754-2017 classes, the first is the one enterprises usually carry
    words: tuple[str, ...]  # what an enterprise of this field calls itself (华芯「微电子」有限公司)
    weight: float  # share of the zone's enterprises
    parks: tuple[float, ...]  # relative weights over PARKS (唐家湾, 南屏, 新青, 三灶, 富山)


def _leaf(code: str, name: str, gbt: str, words: str, weight: float, parks: tuple[float, ...]) -> IndustrySpec:
    return IndustrySpec(code, name, gbt, tuple(words.split()), weight, parks)


#: 主导产业 → 细分领域 (DOMAIN.md) with GB/T 4754-2017 codes, the words firms of the field use in their names, the
#: field's share of the zone's enterprises and its weights over the parks (唐家湾, 南屏, 新青, 三灶, 富山).
# fmt: off
INDUSTRIES: tuple[tuple[str, str, tuple[IndustrySpec, ...]], ...] = (
    ("01", "集成电路", (
        _leaf("0101", "芯片设计", "I6520", "微电子 半导体 集成电路 芯片科技 电子科技", 5.0, (8, 1, 1, 0.3, 0.2)),
        _leaf("0102", "功率器件与晶圆制造", "C3972,C3973", "半导体 功率半导体 微电子 电子", 1.5, (2, 1, 3, 1, 2)),
        _leaf("0103", "封装测试", "C3973", "封装技术 半导体封测 微电子 电子技术", 1.5, (1, 1, 3, 1, 2)),
        _leaf("0104", "半导体材料", "C3985", "半导体材料 电子材料 硅材料 电子科技", 1.5, (1, 1, 3, 1, 3)),
    )),
    ("02", "生物医药与医疗器械", (
        _leaf("0201", "原料药与中间体", "C2710", "药业 医药化工 制药 生物化学", 1.5, (0.5, 1, 1, 4, 3)),
        _leaf("0202", "创新药", "C2720,C2761,C2762", "生物医药 药业 生物科技 制药 生物制药", 4.0, (4, 2, 1, 4, 1)),
        _leaf("0203", "医疗器械", "C3581,C3584", "医疗器械 医疗科技 医学科技 医疗设备", 5.0, (3, 3, 2, 3, 1)),
        _leaf("0204", "体外诊断", "C2761,C3581", "生物技术 诊断技术 医学检验 基因科技", 2.5, (4, 2, 1, 2, 0.5)),
        _leaf("0205", "医药流通与健康服务", "F5151,F5154", "医药 医疗用品 健康科技 健康管理", 2.0, (4, 2, 1, 1, 0.5)),
    )),
    ("03", "智能制造与高端装备", (
        _leaf("0301", "工业机器人", "C3491", "机器人 智能装备 自动化 智能科技", 3.5, (3, 2, 2, 1, 2)),
        _leaf("0302", "精密仪器", "C4011,C4014", "精密仪器 仪器仪表 测控技术 光电科技 精密机械", 5.0, (3, 3, 2, 1, 1)),
        _leaf("0303", "智能装备", "C3499,C3562", "智能装备 自动化设备 机电 智能制造 装备科技", 8.0, (2, 2, 3, 2, 3)),
    )),
    ("04", "软件和信息服务", (
        _leaf("0401", "工业软件", "I6513,I6511", "软件 信息技术 工业软件 数字科技", 6.0, (9, 1, 0.3, 0.2, 0.1)),
        _leaf("0402", "信息技术服务", "I6531,I6532", "信息技术 网络科技 数据科技 云计算", 10.0, (8, 2, 0.5, 0.5, 0.2)),
        _leaf("0403", "数字内容", "I6572,I6579", "数字科技 文化传媒 互动娱乐 动漫科技", 4.0, (9, 1, 0.2, 0.2, 0.1)),
    )),
    ("05", "新能源", (
        _leaf("0501", "储能", "C3841", "储能科技 电池 新能源 能源科技 锂电科技", 3.0, (1, 1, 2, 2, 4)),
        _leaf("0502", "光伏", "C3825", "光伏科技 光电 新能源 太阳能科技", 2.0, (1, 1, 2, 2, 4)),
        _leaf("0503", "新能源汽车零部件", "C3670", "汽车电子 新能源科技 电机 汽车部件 动力科技", 3.0, (1, 1, 3, 2, 4)),
    )),
    ("06", "新材料", (
        _leaf("0601", "电子化学品", "C2661,C3985", "电子化学 化学材料 新材料 精细化工", 2.5, (1, 1, 3, 2, 3)),
        _leaf("0602", "高分子材料", "C2651", "高分子材料 塑胶 新材料 材料科技", 3.0, (1, 2, 3, 2, 3)),
        _leaf("0603", "先进复合材料", "C3062,C3091", "复合材料 碳材料 新材料 纤维科技", 2.0, (1, 1, 3, 2, 3)),
    )),
)

#: Enterprises outside the zone's industry tree (trade, services): in the registry with no industry node.
OTHER_SECTORS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("M7519", ("科技", "技术服务", "科技发展"), 5.0),
    ("F5179", ("贸易", "商贸", "进出口"), 4.0),
    ("L7243", ("企业管理咨询", "商务咨询"), 2.5),
    ("L7224", ("供应链管理", "供应链"), 1.5),
    ("L7221", ("产业园运营", "园区管理"), 0.5),
    ("E5011", ("建筑装饰工程", "装饰设计"), 1.5),
)
OTHER_PARKS = (6.0, 2.0, 1.0, 1.0, 1.0)

#: Chains as (name, ((stage, industry codes) …)). An enterprise of a listed industry sits at that stage.
CHAINS: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("集成电路产业链", (
        (ChainStage.UPSTREAM, ("0101", "0104")), (ChainStage.MIDSTREAM, ("0102",)), (ChainStage.DOWNSTREAM, ("0103",)),
    )),
    ("生物医药产业链", (
        (ChainStage.UPSTREAM, ("0201",)), (ChainStage.MIDSTREAM, ("0202", "0203", "0204")),
        (ChainStage.DOWNSTREAM, ("0205",)),
    )),
    ("智能制造产业链", (
        (ChainStage.UPSTREAM, ("0302", "0401")), (ChainStage.MIDSTREAM, ("0301", "0303")),
        (ChainStage.DOWNSTREAM, ("0402",)),
    )),
    ("新能源产业链", (
        (ChainStage.UPSTREAM, ("0601", "0602")), (ChainStage.MIDSTREAM, ("0501", "0502")),
        (ChainStage.DOWNSTREAM, ("0503",)),
    )),
    ("软件和信息服务产业链", (
        (ChainStage.UPSTREAM, ("0401",)), (ChainStage.MIDSTREAM, ("0402",)), (ChainStage.DOWNSTREAM, ("0403",)),
    )),
)
# fmt: on

# Names and people ---------------------------------------------------------------------------------------------

_BRAND_FIRST = (
    "华中金恒瑞博宏卓正泰康源鼎嘉德信诚睿凯汇远航星宇晨光海天和新"
    "永安盛捷智科精英维力格联创云泽润丰铭昊晟启弘粤珠澳湾南高"
)
_BRAND_SECOND = "芯微联通达越泰康源科创信诚锐峰宇航恒力拓盛昌瑞祥华辉腾飞迈威讯诺普安智成德美邦驰凌图"
#: Brands of well-known Zhuhai companies: a demo must not seem to describe a real enterprise.
_BRAND_AVOID = frozenset(
    {
        "格力",
        "金山",
        "丽珠",
        "全志",
        "炬芯",
        "健帆",
        "魅族",
        "远光",
        "英诺",
        "云洲",
        "汤臣",
        "冠宇",
        "纳思",
        "华发",
        "格创",
        "珠海",
    }
)

_SURNAMES: tuple[tuple[str, int], ...] = (
    ("陈", 10), ("李", 8), ("黄", 8), ("张", 7), ("梁", 6), ("林", 6), ("刘", 5), ("吴", 5), ("王", 5), ("何", 4),
    ("罗", 4), ("郑", 4), ("杨", 4), ("周", 3), ("谢", 3), ("钟", 3), ("邓", 3), ("冯", 3), ("曾", 3), ("叶", 3),
    ("苏", 2), ("卢", 2), ("潘", 2), ("徐", 2), ("朱", 2), ("胡", 2), ("赖", 2), ("彭", 2), ("蔡", 2), ("许", 2),
    ("郭", 2), ("江", 1), ("方", 1), ("孙", 1), ("马", 1), ("赵", 1), ("唐", 1), ("余", 1), ("袁", 1), ("汤", 1),
    ("谭", 1), ("莫", 1), ("欧阳", 1), ("司徒", 1),
)  # fmt: skip
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉志红玲峰国俊"
    "燕鹏浩宇婷雪琳晨欣怡嘉颖轩涵远豪锦荣耀宏永健斌立新海波振东晓佳慧"
)
_MOBILE_PREFIXES = tuple(
    str(p) for p in (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178)
) + tuple(str(p) for p in (180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199))

# Qualification batches ----------------------------------------------------------------------------------------

#: 广东省高新技术企业 recognition dates (month, day) by year; other years fall on 12-15.
_HNTE_BATCHES = {
    2015: (10, 10), 2016: (11, 30), 2017: (12, 11), 2018: (11, 28), 2019: (12, 2), 2020: (12, 9),
    2021: (12, 20), 2022: (12, 22), 2023: (12, 28), 2024: (11, 28), 2025: (12, 11),
}  # fmt: skip


@dataclass
class QualificationSpec:
    code: str  # QualificationType.code
    recognized_on: dt.date
    valid_until: dt.date | None = None
    level: str = ""
    certificate_no: str = ""


@dataclass
class EnterpriseSpec:
    uscc: str
    name: str
    park_code: str
    industry_code: str  # a 细分领域 code of INDUSTRIES, or "" outside the tree
    nic_code: str
    chain_stage: str
    founded_on: dt.date
    registered_capital: Decimal  # yuan
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    finance_contact_name: str
    finance_contact_phone: str
    email: str
    status: str = EnterpriseStatus.ACTIVE
    is_above_scale: bool = False
    above_scale_since: dt.date | None = None
    former_names: list[tuple[str, dt.date]] = field(default_factory=list)
    qualifications: list[QualificationSpec] = field(default_factory=list)
    strength: float = 0.0
    # how the name was built, so a 股改 (有限公司 → 股份有限公司) can rebuild it
    name_parts: tuple[str, str, str, str] = ("", "", "", "")

    @property
    def industrial(self) -> bool:
        return self.nic_code.startswith("C")

    @property
    def active(self) -> bool:
        return self.status == EnterpriseStatus.ACTIVE

    def holds(self, code: str, day: dt.date) -> bool:
        return any(
            q.code == code and q.recognized_on <= day and (q.valid_until is None or q.valid_until >= day)
            for q in self.qualifications
        )


def _leaves() -> list[tuple[str, IndustrySpec]]:
    return [(root_name, leaf) for _code, root_name, leaves in INDUSTRIES for leaf in leaves]


def leaf_by_code() -> dict[str, IndustrySpec]:
    return {leaf.code: leaf for _root, leaf in _leaves()}


def _chain_stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    for _name, links in CHAINS:
        for stage, codes in links:
            for code in codes:
                if str(stage) not in stages.setdefault(code, []):
                    stages[code].append(str(stage))
    return stages


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _valid_until(recognized_on: dt.date, years: int) -> dt.date:
    """The day before the anniversary, as `services.default_valid_until` computes it."""
    return _years_later(recognized_on, years) - dt.timedelta(days=1)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


# Identity codes -----------------------------------------------------------------------------------------------

#: Organisation codes may use every letter but I, O, Z, S, V (they are not in the USCC alphabet).
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: Guangdong's post-2015 organisation codes begin MA + a block that grows over the years.
_MA_BLOCKS = {2015: "4U", 2016: "4U", 2017: "4W", 2018: "51", 2019: "53", 2020: "55", 2021: "56", 2022: "57"}


def _org_check(body: str) -> str:
    """GB 11714-1997: check = 11 − Σ(value × weight) mod 11; 10 → X, 11 → 0."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _uscc(rng: random.Random, region: str, founded: dt.date) -> str:
    if founded.year >= 2015:
        block = _MA_BLOCKS.get(founded.year, "C" + rng.choice("0123456789ABCDEF"))
        body = "MA" + block + "".join(rng.choice(_ORG_CHARS) for _ in range(4))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    head = "91" + region + body + _org_check(body)
    return head + stdnum_uscc.calc_check_digit(head)


def person_name(rng: random.Random) -> str:
    surname = rng.choices([s for s, _ in _SURNAMES], weights=[w for _, w in _SURNAMES])[0]
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.72 else "")
    return surname + given


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _landline(rng: random.Random) -> str:
    return f"0756-{rng.choice('2367')}{rng.randrange(10**6):06d}"


class _Names:
    """Unique enterprise names: 珠海 + brand + industry word + organisational form, and variants."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.cores: set[str] = set()

    def brand(self, *, long: bool = False) -> str:
        rng = self.rng
        while True:
            brand = rng.choice(_BRAND_FIRST) + rng.choice(_BRAND_SECOND)
            if long or rng.random() < 0.1:
                brand += rng.choice(_BRAND_SECOND)
            if brand[0] != brand[1] and brand[:2] not in _BRAND_AVOID:
                return brand

    @staticmethod
    def render(style: str, brand: str, word: str, form: str) -> str:
        if style == "branch":
            return f"{brand}{word}（珠海）{form}"
        if style == "city":
            return f"珠海市{brand}{word}{form}"
        if style == "province":
            return f"广东{brand}{word}{form}"
        return f"珠海{brand}{word}{form}"

    def new(self, words: Sequence[str], founded: dt.date) -> tuple[str, tuple[str, str, str, str]]:
        rng = self.rng
        for attempt in range(300):
            roll = rng.random()
            # 珠海市… is the older naming habit; branches of out-of-town groups put （珠海） after the trade name.
            style = "city" if roll < (0.25 if founded.year < 2005 else 0.04) else "branch" if roll > 0.9 else "plain"
            if style == "plain" and rng.random() < 0.04:
                style = "province"
            form_roll = rng.random()
            form = "股份有限公司" if form_roll < 0.07 else "有限责任公司" if form_roll < 0.1 else "有限公司"
            parts = (style, self.brand(long=attempt >= 50), rng.choice(words), form)
            name = self.render(*parts)
            # unique by trade name + field, so no two firms differ only by 市 or 有限公司/股份有限公司
            core = parts[1] + parts[2]
            if core not in self.cores and name not in self.used:
                self.cores.add(core)
                self.used.add(name)
                return name, parts
        raise RuntimeError("企业名称组合已用尽")  # pragma: no cover - about 10⁴ trade names per field

    def claim(self, name: str) -> bool:
        if name in self.used:
            return False
        self.used.add(name)
        return True


def _capital_wan(rng: random.Random) -> Decimal:
    """Registered capital in 万元: log-normal around 500万, rounded the way founders round it."""
    wan = min(max(math.exp(rng.gauss(math.log(500), 1.25)), 10), 200000)
    step = 10 if wan < 200 else 50 if wan < 1000 else 100 if wan < 10000 else 1000
    return Decimal(max(step, round(wan / step) * step))


def _address(rng: random.Random, park: ParkSpec) -> str:
    street = rng.choice(park.streets)
    number = rng.randint(1, 399)
    roll = rng.random()
    if roll < 0.35:
        room = f"{rng.randint(1, 9)}{rng.randint(1, 30):02d}"
        return f"{park.address_prefix}{street}{number}号{rng.randint(1, 12)}栋{room}室"
    if roll < 0.5:
        return f"{park.address_prefix}{street}{number}号厂房{rng.randint(1, 6)}楼"
    return f"{park.address_prefix}{street}{number}号"


# The generator ------------------------------------------------------------------------------------------------


def generate_enterprises(
    count: int, *, seed: int = DEFAULT_SEED, years: int = DEFAULT_YEARS, today: dt.date | None = None
) -> list[EnterpriseSpec]:
    """`count` enterprises of the demo zone, with `years` years of qualification history up to `today`."""
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:enterprises")
    names = _Names(random.Random(f"{seed}:names"))
    stages = _chain_stages()
    leaves = _leaves()
    sectors: list[tuple[str, IndustrySpec | None, tuple[str, ...], tuple[float, ...]]] = [
        (leaf.gbt_codes, leaf, leaf.words, leaf.parks) for _root, leaf in leaves
    ]
    sectors += [(nic, None, words, OTHER_PARKS) for nic, words, _weight in OTHER_SECTORS]
    weights = [leaf.weight for _root, leaf in leaves] + [w for _nic, _words, w in OTHER_SECTORS]
    usccs: set[str] = set()
    earliest = dt.date(1992, 12, 1)  # the zone was founded in 1992
    specs: list[EnterpriseSpec] = []
    for _ in range(count):
        gbt, leaf, words, park_weights = rng.choices(sectors, weights=weights)[0]
        park = rng.choices(PARKS, weights=park_weights)[0]
        age_days = int(rng.expovariate(1 / (8 * 365))) + 45
        founded = max(earliest, today - dt.timedelta(days=age_days))
        region = park.district if rng.random() < 0.35 else "440400"
        code = _uscc(rng, region, founded)
        while code in usccs:
            code = _uscc(rng, region, founded)
        usccs.add(code)
        name, parts = names.new(words, founded)
        nic_codes = gbt.split(",")
        nic = nic_codes[0] if rng.random() < 0.7 else rng.choice(nic_codes)
        capital = _capital_wan(rng)
        legal = person_name(rng)
        contact = legal if rng.random() < 0.25 else person_name(rng)
        email = ""
        if rng.random() < 0.7:
            domain = "".join(lazy_pinyin(parts[1]))
            mailbox = rng.choice(["info", "hr", "service", "admin", "contact"])
            email = f"{mailbox}@{domain}{rng.choice(['.com', '.com.cn', '.cn'])}"
        age_years = (today - founded).days / 365.25
        capital_norm = min(max((math.log10(float(capital)) - 1) / 4, 0.0), 1.0)
        spec = EnterpriseSpec(
            uscc=code,
            name=name,
            park_code=park.code,
            industry_code=leaf.code if leaf else "",
            nic_code=nic,
            chain_stage=rng.choice(stages[leaf.code]) if leaf and leaf.code in stages else "",
            founded_on=founded,
            registered_capital=capital * 10000,
            address=_address(rng, park),
            legal_representative=legal,
            contact_name=contact,
            contact_phone=mobile(rng),
            finance_contact_name=person_name(rng),
            finance_contact_phone=_landline(rng) if rng.random() < 0.2 else mobile(rng),
            email=email,
            strength=rng.random() * 0.55 + 0.25 * min(age_years, 20) / 20 + 0.2 * capital_norm,
            name_parts=parts,
        )
        if age_years > 3:
            roll = rng.random()
            if roll < 0.015:
                spec.status = EnterpriseStatus.MOVED_OUT
            elif roll < 0.025:
                spec.status = EnterpriseStatus.DEREGISTERED
        specs.append(spec)
    _assign_scale_and_qualifications(specs, random.Random(f"{seed}:qualifications"), names, years, today)
    _assign_former_names(specs, names, random.Random(f"{seed}:former"), today)
    return specs


def _top(
    rng: random.Random,
    pool: Iterable[EnterpriseSpec],
    k: int,
    *,
    noise: float = 0.2,
    bonus: Callable[[EnterpriseSpec], float] | None = None,
) -> list[EnterpriseSpec]:
    """The k strongest of `pool`, with noise so that tiers overlap the way they do in a real zone."""
    scored = [(e.strength + rng.random() * noise + (bonus(e) if bonus else 0.0), i, e) for i, e in enumerate(pool)]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [e for _s, _i, e in scored[: max(k, 0)]]


def _batches(today: dt.date, month_day: tuple[int, int], first_year: int) -> list[dt.date]:
    return [dt.date(y, *month_day) for y in range(first_year, today.year + 1) if dt.date(y, *month_day) <= today]


def _assign_scale_and_qualifications(
    specs: list[EnterpriseSpec], rng: random.Random, names: _Names, years: int, today: dt.date
) -> None:
    """Tiers in realistic proportions (counts scale with the number of enterprises)."""
    n = len(specs)
    window_start = _years_later(today, -max(years, 1))
    active = [e for e in specs if e.active]
    tech = [e for e in active if e.industry_code or e.nic_code == "M7519"]

    def age(e: EnterpriseSpec) -> float:
        return (today - e.founded_on).days / 365.25

    def add(e: EnterpriseSpec, q: QualificationSpec) -> None:
        # history reaches back `years` years: older certificates that had already ended are left out
        if q.valid_until is None or q.valid_until >= window_start:
            e.qualifications.append(q)

    # 规上工业 (≈200 of 3,000) and a few 规上服务业 (software and IT services).
    industrial = [e for e in active if e.industrial and age(e) >= 2]
    for e in _top(rng, industrial, round(n * 200 / 3000), bonus=lambda e: float(e.registered_capital) / 2e9):
        e.is_above_scale = True
    services = [e for e in active if e.nic_code.startswith("I") and age(e) >= 2]
    for e in _top(rng, services, round(n * 30 / 3000)):
        e.is_above_scale = True
    for e in specs:
        if e.is_above_scale:
            start = max(_years_later(e.founded_on, 1), dt.date(2008, 1, 1))
            day = _between(rng, start, today - dt.timedelta(days=40))
            e.above_scale_since = day.replace(day=1)

    # 高新技术企业: ≈20% hold a valid certificate (3 years), ≈3% let it lapse. Certificate GR{year}44{serial}.
    hnte_days = [dt.date(y, *_HNTE_BATCHES.get(y, (12, 15))) for y in range(2008, today.year + 1)]
    hnte_days = [d for d in hnte_days if d <= today]
    valid_days = [d for d in hnte_days if _valid_until(d, 3) >= today]
    if not any(_valid_until(d, 3) <= today + dt.timedelta(days=183) for d in valid_days):
        # no natural cohort runs out within the warning window: a supplementary batch does
        valid_days.append(_years_later(today, -3) + dt.timedelta(days=75))
    serials: set[str] = set()

    def certificate(day: dt.date) -> str:
        while True:
            number = f"GR{day.year}44{rng.randint(100, max(19999, 2 * n)):06d}"
            if number not in serials:
                serials.add(number)
                return number

    def hnte(e: EnterpriseSpec, last: dt.date) -> None:
        day = last
        while day >= _years_later(e.founded_on, 1):
            add(e, QualificationSpec("hnte", day, _valid_until(day, 3), certificate_no=certificate(day)))
            if rng.random() < 0.2:  # some firms lapsed between certificates
                break
            earlier = [d for d in hnte_days if d.year == day.year - 3]
            if not earlier:
                break
            day = earlier[0]

    hnte_holders = _top(rng, [e for e in tech if age(e) >= 2.2], round(0.20 * n), noise=0.35)
    for e in hnte_holders:
        eligible = [d for d in valid_days if d >= _years_later(e.founded_on, 1)]
        if eligible:
            hnte(e, rng.choice(eligible))
    holder_set = {id(e) for e in hnte_holders}
    lapsed_days = [d for d in hnte_days if today > _valid_until(d, 3) >= window_start]
    if lapsed_days:
        lapsed_pool = [e for e in tech if id(e) not in holder_set and age(e) >= 4]
        for e in rng.sample(lapsed_pool, min(len(lapsed_pool), round(0.03 * n))):
            hnte(e, rng.choice(lapsed_days))

    # 创新型中小企业 (from 2022) and 专精特新中小企业 (provincial), both 3 years.
    def three_year(
        code: str, batches: list[dt.date], k_valid: int, k_lapsed: int, pool: list[EnterpriseSpec], level: str = ""
    ) -> list[EnterpriseSpec]:
        valid = [d for d in batches if _valid_until(d, 3) >= today]
        lapsed = [d for d in batches if today > _valid_until(d, 3) >= window_start]
        chosen = _top(rng, pool, k_valid + (k_lapsed if lapsed else 0), noise=0.5)
        holders = chosen[:k_valid]
        for e in holders:
            eligible = [d for d in valid if d > e.founded_on] or valid[-1:]
            if eligible:
                day = rng.choice(eligible)
                add(e, QualificationSpec(code, day, _valid_until(day, 3), level=level))
        for e in chosen[k_valid:]:
            day = rng.choice(lapsed)
            add(e, QualificationSpec(code, day, _valid_until(day, 3), level=level))
        return holders

    three_year("innovative_sme", _batches(today, (9, 20), 2022), round(0.08 * n), round(0.01 * n), tech)
    srdi_batches = _batches(today, (12, 26), 2018)
    srdi = three_year(
        "srdi_sme",
        srdi_batches,
        round(0.04 * n),
        round(0.005 * n),
        [e for e in tech if age(e) >= 3],
        QualificationLevel.PROVINCIAL,
    )

    # 专精特新"小巨人" (national, ~10 per 3,000): the strongest manufacturers among the 专精特新, recognised after
    # they became 专精特新 (the provincial title is the entry ticket).
    giants = _top(rng, srdi, round(n / 300), bonus=lambda e: 0.3 if e.industrial else 0.0)
    giant_days = [d for d in _batches(today, (8, 15), 2019) if _valid_until(d, 3) >= today]
    srdi_valid = [d for d in srdi_batches if _valid_until(d, 3) >= today]
    for e in giants:
        entry = next(q for q in e.qualifications if q.code == "srdi_sme")
        later = [d for d in giant_days if d > entry.recognized_on]
        if not later and giant_days and srdi_valid and srdi_valid[0] < giant_days[-1]:
            entry.recognized_on, entry.valid_until = srdi_valid[0], _valid_until(srdi_valid[0], 3)
            later = [d for d in giant_days if d > entry.recognized_on]
        if later:
            day = rng.choice(later)
            add(e, QualificationSpec("little_giant", day, _valid_until(day, 3)))
    for e in _top(rng, [e for e in giants if e.industrial], n // 2000):
        day = _between(rng, dt.date(2019, 12, 1), today)
        add(e, QualificationSpec("single_champion", day, level=QualificationLevel.NATIONAL))

    # 上市 (~5 per 3,000): the strongest mature 高企; a 股改 renames them …股份有限公司.
    listed = _top(
        rng, [e for e in hnte_holders if age(e) >= 8], round(n / 600), bonus=lambda e: float(e.registered_capital) / 1e9
    )
    listed_ids = {id(e) for e in listed}
    boards = [("688", "SH"), ("300", "SZ"), ("301", "SZ"), ("603", "SH"), ("002", "SZ"), ("920", "BJ")]
    for e in listed:
        board, suffix = rng.choice(boards)
        day = _between(rng, max(_years_later(e.founded_on, 6), dt.date(2009, 10, 30)), today - dt.timedelta(days=60))
        add(e, QualificationSpec("listed", day, certificate_no=f"{board}{rng.randrange(1000):03d}.{suffix}"))
        e.registered_capital = Decimal(rng.randint(8, 120) * 1000) * 10000
        e.strength += 0.5
        style, brand, word, form = e.name_parts
        renamed = _Names.render(style, brand, word, "股份有限公司")
        if form != "股份有限公司" and names.claim(renamed):
            e.former_names.append((e.name, day - dt.timedelta(days=rng.randint(300, 700))))
            e.name, e.name_parts = renamed, (style, brand, word, "股份有限公司")

    # 科技型中小企业: yearly, valid to 31 December. ≈25% this year; runs of consecutive years before. Listed and
    # large firms are past the size limits (staff ≤ 500, sales and assets ≤ 2亿).
    def tech_sme_no(year: int, e: EnterpriseSpec) -> str:
        return f"{year}{e.uscc[2:8]}{rng.randint(1, 9)}{rng.randrange(10**5):05d}"

    first_year = today.year - max(years, 1) + 1
    small = [e for e in tech if id(e) not in listed_ids and float(e.registered_capital) <= 1e8]
    pool = _top(rng, small, round(0.36 * n), noise=1.0, bonus=lambda e: 0.3 if id(e) in holder_set else 0.0)
    for e in pool:
        last_year = today.year if rng.random() < 0.7 else today.year - rng.randint(1, 2)
        for year in range(max(first_year, e.founded_on.year, last_year - rng.randint(0, 4)), last_year + 1):
            opens = max(dt.date(year, 3, 1), e.founded_on + dt.timedelta(days=30))
            closes = min(dt.date(year, 10, 31), today - dt.timedelta(days=1))
            if opens <= closes:
                day = _between(rng, opens, closes)
                add(e, QualificationSpec("tech_sme", day, dt.date(year, 12, 31), certificate_no=tech_sme_no(year, e)))

    # 独角兽培育库: yearly lists of 种子 / 潜力 / 独角兽, from young strong firms not listed; 瞪羚 likewise.
    list_days = _batches(today, (6, 28), 2020)
    young = [e for e in tech if age(e) <= 12 and id(e) not in listed_ids]
    cuts = (("unicorn", n // 3000), ("unicorn_potential", round(n / 400)), ("unicorn_seed", round(n / 120)))
    tiers = _top(rng, young, sum(k for _code, k in cuts), noise=0.4)
    if list_days:
        offset = 0
        for code, k in cuts:
            for e in tiers[offset : offset + k]:
                add(e, QualificationSpec(code, rng.choice(list_days[-2:])))
            offset += k
    gazelle_days = _batches(today, (11, 10), 2020)[-3:]
    if gazelle_days:
        for e in _top(rng, [e for e in tech if age(e) <= 8], round(0.02 * n), noise=0.6):
            add(e, QualificationSpec("gazelle", rng.choice(gazelle_days)))

    # 研发机构: one of each kind per firm at most, the higher levels drawn first from the stronger firms.
    holders_of: dict[str, set[int]] = {}

    def rd_centre(code: str, level: str, pool: list[EnterpriseSpec], k: int) -> None:
        have = holders_of.setdefault(code, set())
        for e in _top(rng, [e for e in {id(e): e for e in pool}.values() if id(e) not in have], k, noise=0.8):
            start = max(_years_later(e.founded_on, 3), dt.date(2010, 1, 1))
            if start < today - dt.timedelta(days=30):
                have.add(id(e))
                add(e, QualificationSpec(code, _between(rng, start, today - dt.timedelta(days=30)), level=level))

    mature = [e for e in tech if age(e) >= 4]
    rd_centre("tech_centre", QualificationLevel.NATIONAL, [*giants, *listed], n // 1500)
    rd_centre("tech_centre", QualificationLevel.PROVINCIAL, mature, round(0.008 * n))
    rd_centre("tech_centre", QualificationLevel.CITY, mature, round(0.015 * n))
    rd_centre("eng_centre", QualificationLevel.PROVINCIAL, mature, round(0.02 * n))
    rd_centre("eng_centre", QualificationLevel.CITY, mature, round(0.025 * n))
    rd_centre("new_rd_institution", QualificationLevel.PROVINCIAL, mature, round(0.003 * n))
    for e in specs:
        e.qualifications.sort(key=lambda q: (q.recognized_on, q.code))


def _assign_former_names(specs: list[EnterpriseSpec], names: _Names, rng: random.Random, today: dt.date) -> None:
    """About 3% renamed once: a new brand, or 珠海市… dropped the 市."""
    for e in specs:
        if e.former_names or rng.random() >= 0.03:
            continue
        start = _years_later(e.founded_on, 1)
        end = today - dt.timedelta(days=60)
        if start >= end:
            continue
        style, brand, word, form = e.name_parts
        old = (
            _Names.render("city", brand, word, form)
            if style == "plain" and rng.random() < 0.4
            else _Names.render(style, names.brand(), word, form)
        )
        if names.claim(old):
            e.former_names.append((old, _between(rng, start, end)))


# Writing the demo zone ----------------------------------------------------------------------------------------


@dataclass
class Structure:
    zone: Zone
    parks: dict[str, Park]
    departments: dict[str, Department]
    industries: dict[str, Industry]
    chains: dict[str, Chain]


def seed_structure() -> Structure:
    """Zone, parks, departments, industry tree and chains; existing rows (by code or name) are kept as they are."""
    zone = Zone.objects.order_by("id").first() or Zone.objects.create(**ZONE)

    parks = {p.code: p for p in Park.objects.all()}
    by_name = {p.name: p for p in parks.values()}
    for order, spec in enumerate(PARKS, start=1):
        if spec.code not in parks:
            parks[spec.code] = by_name.get(spec.name) or Park.objects.create(
                code=spec.code, name=spec.name, short_name=spec.short_name, sort_order=order * 10
            )

    departments = {d.code: d for d in Department.objects.all()}
    dept_by_name = {d.name: d for d in departments.values()}
    for order, (code, name) in enumerate(DEPARTMENTS, start=1):
        if code not in departments:
            departments[code] = dept_by_name.get(name) or Department.objects.create(
                code=code, name=name, sort_order=order * 10
            )

    industries = {i.code: i for i in Industry.objects.all()}
    for order, (code, name, leaves) in enumerate(INDUSTRIES, start=1):
        if code not in industries:
            gbt = ",".join(dict.fromkeys(c for leaf in leaves for c in leaf.gbt_codes.split(",")))
            industries[code] = Industry.objects.create(code=code, name=name, gbt_codes=gbt, sort_order=order * 10)
        for sub, leaf in enumerate(leaves, start=1):
            if leaf.code not in industries:
                industries[leaf.code] = Industry.objects.create(
                    code=leaf.code,
                    name=leaf.name,
                    parent=industries[code],
                    gbt_codes=leaf.gbt_codes,
                    sort_order=sub * 10,
                )

    chains = {c.name: c for c in Chain.objects.all()}
    links: list[ChainLink] = []
    for order, (name, stages) in enumerate(CHAINS, start=1):
        if name not in chains:
            chains[name] = Chain.objects.create(name=name, sort_order=order * 10)
        links += [
            ChainLink(chain=chains[name], stage=str(stage), industry=industries[code])
            for stage, codes in stages
            for code in codes
        ]
    ChainLink.objects.bulk_create(links, ignore_conflicts=True)
    return Structure(zone, parks, departments, industries, chains)


@dataclass
class SeedResult:
    skipped: bool = False
    enterprises: int = 0
    qualifications: int = 0
    former_names: int = 0
    above_scale: int = 0
    users: list[str] = field(default_factory=list)
    pending_bindings: int = 0
    seconds: float = 0.0
    counts_by_type: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "skipped": self.skipped,
            "enterprises": self.enterprises,
            "qualifications": self.qualifications,
            "qualifications_by_type": self.counts_by_type,
            "former_names": self.former_names,
            "above_scale": self.above_scale,
            "users": self.users,
            "pending_bindings": self.pending_bindings,
            "seconds": round(self.seconds, 2),
        }


def write_enterprises(specs: Sequence[EnterpriseSpec], structure: Structure) -> list[Enterprise]:
    """Bulk insert: enterprises, former names, qualifications and one audit entry per enterprise."""
    qtypes = {t.code: t for t in QualificationType.objects.all()}
    rows = [
        Enterprise(
            uscc=s.uscc,
            name=s.name,
            search_text=search_text(s.name, [old for old, _until in s.former_names]),
            park=structure.parks[s.park_code],
            industry=structure.industries[s.industry_code] if s.industry_code else None,
            nic_code=s.nic_code,
            chain_stage=s.chain_stage,
            founded_on=s.founded_on,
            registered_capital=s.registered_capital,
            address=s.address,
            legal_representative=s.legal_representative,
            contact_name=s.contact_name,
            contact_phone=s.contact_phone,
            finance_contact_name=s.finance_contact_name,
            finance_contact_phone=s.finance_contact_phone,
            email=s.email,
            is_above_scale=s.is_above_scale,
            above_scale_since=s.above_scale_since,
            status=s.status,
        )
        for s in specs
    ]
    created = Enterprise.objects.bulk_create(rows, batch_size=1000)
    if any(e.pk is None for e in created):  # a backend that cannot return ids from a bulk insert
        ids = dict(Enterprise.objects.filter(uscc__in=[e.uscc for e in created]).values_list("uscc", "pk"))
        for e in created:
            e.pk = ids[e.uscc]
    former = [
        EnterpriseFormerName(enterprise=e, name=old, until=until)
        for e, s in zip(created, specs, strict=True)
        for old, until in s.former_names
    ]
    EnterpriseFormerName.objects.bulk_create(former, batch_size=2000)
    qualifications = [
        Qualification(
            enterprise=e,
            qtype=qtypes[q.code],
            level=q.level if qtypes[q.code].has_levels else "",
            certificate_no=q.certificate_no,
            recognized_on=q.recognized_on,
            valid_until=q.valid_until,
        )
        for e, s in zip(created, specs, strict=True)
        for q in s.qualifications
        if q.code in qtypes
    ]
    Qualification.objects.bulk_create(qualifications, batch_size=2000)
    entries = [
        audit.build(
            actor=None,
            action=AuditAction.IMPORT_CREATE,
            target=e,
            enterprise_id=e.pk,
            changes={"统一社会信用代码": [None, e.uscc], "企业名称": [None, e.name]},
            reason=SEED_REASON,
        )
        for e in created
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    return created


# Demo users -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    phone: str
    #: What the account sees, in Chinese; {department} {park} {enterprise} {count} are filled from the database.
    scope: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "leader",
        Role.LEADER,
        "周志远",
        "13902261001",
        "全区数据只读：经济运行与简报、企业库、培育名单、诉求考核；政策兑现的领导审批",
    ),
    DemoAccount(
        "officer",
        Role.OFFICER,
        "陈思敏",
        "13726281002",
        "{department}：企业库维护与导入、规则编辑、政策兑现审核、经济运行简报",
    ),
    DemoAccount("service", Role.OFFICER, "罗嘉欣", "13902261010", "{department}：受理、分办、审核答复企业诉求"),
    DemoAccount(
        "park", Role.PARK_OFFICER, "黄志强", "13536281003", "仅{park}的{count}家企业，可编辑、审核本园区企业绑定"
    ),
    DemoAccount("commissioner", Role.COMMISSIONER, "梁晓彤", "13822601004", "挂点服务的{count}家企业"),
    DemoAccount(
        "expert", Role.EXPERT, "郑国华", "18926281005", "评审任务：分配给本人的政策申报（不含企业联系方式）、评分、回避"
    ),
    DemoAccount("finance", Role.FINANCE, "林美玲", "13631261006", "资金拨付：拨付批次、导出银行文件、登记拨付和回单"),
    DemoAccount("enterprise", Role.ENTERPRISE, "吴嘉俊", "13760261007", "本企业：{enterprise}"),
    DemoAccount("admin", Role.ADMIN, "平台管理员", "13902261008", "用户与角色、园区/部门/产业结构、资质目录"),
)
#: A self-registered enterprise user waiting for an officer to approve the binding.
PENDING_APPLICANT = DemoAccount(
    "applicant",
    Role.ENTERPRISE,
    "何静怡",
    "13539261009",
    "已注册、待审核绑定：{enterprise}（审核通过前看不到企业数据）",
)
DEMO_DEPARTMENTS = {"officer": "KJCY", "service": "QYFW", "commissioner": "QYFW", "finance": "CZ"}
DEMO_PARK = "NP"
COMMISSIONER_ENTERPRISES = 30


def _pick_enterprise_user_firm(specs: Sequence[EnterpriseSpec], today: dt.date) -> int | None:
    """The showcase firm: active, 高企 and several other qualifications, not listed (its ladder has room to climb)."""
    best: tuple[float, int] | None = None
    for i, s in enumerate(specs):
        if not s.active or s.holds("listed", today):
            continue
        score = (
            len({q.code for q in s.qualifications})
            + (2 if s.holds("hnte", today) else 0)
            + (1 if s.is_above_scale else 0)
        )
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best else None


def seed_users(
    specs: Sequence[EnterpriseSpec], enterprises: Sequence[Enterprise], structure: Structure, today: dt.date
) -> tuple[list[str], int]:
    """One user per role (existing usernames are left alone), commissioner assignments and a pending binding."""
    from gaoxin.accounts import services as account_services
    from gaoxin.accounts.models import User

    existing = set(
        User.objects.filter(username__in=[a.username for a in (*DEMO_ACCOUNTS, PENDING_APPLICANT)]).values_list(
            "username", flat=True
        )
    )
    created: list[str] = []
    showcase = _pick_enterprise_user_firm(specs, today)
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        if account.role == Role.ENTERPRISE and showcase is None:
            continue
        user, _password = account_services.user_create(
            actor=None,
            username=account.username,
            full_name=account.full_name,
            phone=account.phone,
            role=account.role,
            parks=[structure.parks[DEMO_PARK]] if account.role == Role.PARK_OFFICER else [],
            department=structure.departments[DEMO_DEPARTMENTS[account.username]]
            if account.username in DEMO_DEPARTMENTS
            else None,
            enterprise=enterprises[showcase] if account.role == Role.ENTERPRISE and showcase is not None else None,
            password=DEMO_PASSWORD,
        )
        created.append(user.username)
        if account.role == Role.COMMISSIONER:
            order = sorted(
                (i for i, s in enumerate(specs) if s.active),
                key=lambda i: (-(specs[i].strength + (0.5 if specs[i].is_above_scale else 0)), i),
            )
            picked = ([showcase] if showcase is not None else []) + [i for i in order if i != showcase]
            ids = [enterprises[i].pk for i in picked[:COMMISSIONER_ENTERPRISES]]
            Enterprise.objects.filter(pk__in=ids).update(commissioner=user)
    pending = 0
    if PENDING_APPLICANT.username not in existing:
        taken = {showcase}
        candidates = [
            i
            for i, s in enumerate(specs)
            if s.active and s.park_code == DEMO_PARK and i not in taken and s.qualifications
        ] or [i for i, s in enumerate(specs) if s.active and i not in taken]
        if candidates:
            target = specs[candidates[0]]
            account_services.enterprise_user_register(
                username=PENDING_APPLICANT.username,
                password=DEMO_PASSWORD,
                full_name=PENDING_APPLICANT.full_name,
                phone=PENDING_APPLICANT.phone,
                uscc=target.uscc,
                enterprise_name=target.name,
                position="财务经理",
            )
            created.append(PENDING_APPLICANT.username)
            pending = 1
    return created, pending


def registry_is_empty() -> bool:
    return not Enterprise.objects.exists()


def seed_demo(
    *,
    enterprises: int = DEFAULT_ENTERPRISES,
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
) -> SeedResult:
    """Write the demo zone into an empty registry (the caller checks emptiness; see the command)."""
    import time

    started = time.perf_counter()
    today = today or timezone.localdate()
    specs = generate_enterprises(enterprises, seed=seed, years=years, today=today)
    with transaction.atomic():
        structure = seed_structure()
        created = write_enterprises(specs, structure)
        users, pending = seed_users(specs, created, structure, today)
    counts: dict[str, int] = {}
    for s in specs:
        for q in s.qualifications:
            counts[q.code] = counts.get(q.code, 0) + 1
    return SeedResult(
        enterprises=len(created),
        qualifications=sum(counts.values()),
        former_names=sum(len(s.former_names) for s in specs),
        above_scale=sum(1 for s in specs if s.is_above_scale),
        users=users,
        pending_bindings=pending,
        seconds=time.perf_counter() - started,
        counts_by_type=counts,
    )


# The demo accounts table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccountRow:
    role: str
    username: str
    password: str
    scope: str


def demo_account_rows() -> list[DemoAccountRow]:
    """The demo accounts present in the database, with what each can see. Empty when there are none."""
    from gaoxin.accounts.models import User

    accounts = (*DEMO_ACCOUNTS, PENDING_APPLICANT)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in accounts])
        .select_related("department", "enterprise")
        .prefetch_related("parks")
    }
    # Every password change and reset is audited (accounts.services): reading the trail is exact and avoids
    # verifying nine Argon2 hashes (a third of a second each) every time `make run` starts.
    changed = {
        int(pk)
        for pk in AuditEntry.objects.filter(
            target_type=User._meta.label_lower,
            target_id__in=[str(u.pk) for u in users.values()],
            changes__has_key="密码",
        ).values_list("target_id", flat=True)
    }
    rows: list[DemoAccountRow] = []
    for account in accounts:
        user = users.get(account.username)
        if user is None:
            continue
        parks = list(user.parks.all())
        count = 0
        enterprise_name = user.enterprise.name if user.enterprise else ""
        if user.role == Role.PARK_OFFICER:
            count = Enterprise.objects.filter(park__in=parks).count()
        elif user.role == Role.COMMISSIONER:
            count = Enterprise.objects.filter(commissioner=user).count()
        elif account is PENDING_APPLICANT:
            binding = user.bindings.order_by("-created_at").first()
            enterprise_name = binding.enterprise_name if binding else ""
        scope = account.scope.format(
            department=user.department.name if user.department else "未分配部门",
            park="、".join(p.name for p in parks) or "（未指定园区）",
            enterprise=enterprise_name or "（未绑定）",
            count=count,
        )
        password = "（已修改）" if user.pk in changed else DEMO_PASSWORD
        role = str(Role(user.role).label) + ("（待审核）" if account is PENDING_APPLICANT else "")
        rows.append(DemoAccountRow(role, user.username, password, scope if user.is_active else scope + "（已停用）"))
    return rows
