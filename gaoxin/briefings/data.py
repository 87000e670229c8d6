"""What a briefing is written from: the monitoring rollups (`indicators.rollups.rollup`, the function the cockpit,
the drill-down and the weekly 研判 call, on the same comparable basis, with the same targets and official rates),
counts from the registry and the reporting rounds, and the reference figures officers enter. Reads only.

The scope is the whole zone (`Enterprise.objects.all()`, answered from the pre-computed cells like the cockpit of a
zone-wide role) or one whole park (`park=`, its own targets and official rates apply, as on the cockpit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from gaoxin.indicators import analysis
from gaoxin.indicators import selectors as indicator_selectors
from gaoxin.indicators.models import Fact, FactSource, Indicator
from gaoxin.indicators.rollups import Rollup, period_end, rollup
from gaoxin.registry.models import Enterprise, EnterpriseStatus, Park, Qualification, QualificationCategory
from gaoxin.reporting.models import RoundEnterprise
from gaoxin.reporting.selectors import missing_members, round_for_period

#: The rollups of a briefing: key → (indicator code, grouping, enterprises filter). "service" and "software" are the
#: 规上 firms of the tertiary sector and of 软件和信息技术服务业 (by GB/T 4754 section letters, see settings).
ROLLUPS: dict[str, tuple[str, str | None, str]] = {
    "output_value": ("output_value", "industry", ""),
    "output_by_park": ("output_value", "park", ""),
    "value_added": ("value_added", None, ""),
    "fixed_asset_investment": ("fixed_asset_investment", None, ""),
    "industrial_investment": ("industrial_investment", None, ""),
    "tech_upgrade_investment": ("tech_upgrade_investment", None, ""),
    "service_revenue": ("revenue", None, "service"),
    "software_revenue": ("revenue", None, "software"),
    "import_export": ("import_export", None, ""),
    "export_value": ("export_value", None, ""),
    "retail_sales": ("retail_sales", "scale", ""),
    "electricity": ("electricity", None, ""),
    "energy": ("energy", None, ""),
    "energy_intensity": ("energy_intensity", None, ""),
}

#: Qualification counts of the innovation section: key → (qualification type codes, or a category).
QUALIFICATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "hnte": (("hnte",), ""),
    "tech_sme": (("tech_sme",), ""),
    "unicorn": ((), QualificationCategory.UNICORN),
    "little_giant": (("little_giant",), ""),
}


@dataclass(frozen=True)
class QualificationCount:
    total: int
    new_this_year: int


@dataclass(frozen=True)
class Drag:
    """An enterprise pulling the scope's growth down: its 1-N月 figure this year and last, YoY, and its 拉动 (its change
    over the comparable base of the scope, in 百分点; the contributions add up to the scope's YoY)."""

    name: str
    park: str
    value: Decimal
    last_year: Decimal
    yoy: Decimal | None
    contribution: Decimal


@dataclass(frozen=True)
class Missing:
    """Who has not reported the period: from the reporting round when there is one, else the carried figures."""

    expected: int | None
    names: list[str]
    from_round: bool


@dataclass
class BriefingData:
    year: int
    month: int
    park: Park | None
    rollups: dict[str, Rollup] = field(default_factory=dict)
    #: 规上 enterprises that entered the statistics this year: among the period's industrial ones, and all of them
    entrants: int = 0
    entrants_all: int = 0
    qualifications: dict[str, QualificationCount] = field(default_factory=dict)
    references: dict[str, int] = field(default_factory=dict)
    drags: list[Drag] = field(default_factory=list)
    missing: Missing | None = None
    candidates: int | None = None
    candidates_year: int | None = None

    def get(self, key: str) -> Rollup | None:
        """The rollup of `key` when it has figures (a rollup without a single enterprise is a missing figure)."""
        result = self.rollups.get(key)
        if result is None or not result.total.enterprises:
            return None
        return result


def scope_enterprises(park: Park | None) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(park=park) if park is not None else Enterprise.objects.all()


def _sector_filter(sections: list[str]) -> Q:
    condition = Q()
    for letter in sections:
        condition |= Q(nic_code__startswith=letter)
    return condition


def _enterprises_for(kind: str, settings_: Any) -> QuerySet[Enterprise]:
    """The enterprises a rollup runs over, before the park: everything (the cockpit's scope, answered from the
    pre-computed cells), or the 规上 firms of some GB/T 4754 sections (computed exactly)."""
    if kind == "service":
        return Enterprise.objects.filter(_sector_filter(settings_.BRIEFING_SERVICE_SECTIONS), is_above_scale=True)
    if kind == "software":
        return Enterprise.objects.filter(_sector_filter(settings_.BRIEFING_SOFTWARE_SECTIONS), is_above_scale=True)
    return Enterprise.objects.all()


def gather(year: int, month: int, park: Park | None, *, sections: set[str] | None = None) -> BriefingData:
    """Every figure of the briefing of 1-N月 for the zone or one park (only what `sections` need, when given)."""
    from django.conf import settings

    wanted = sections or {
        "industry",
        "investment",
        "services",
        "trade",
        "energy",
        "small_to_above",
        "innovation",
        "risks",
    }
    need = {
        "industry": {"output_value", "output_by_park", "value_added"},
        "investment": {"fixed_asset_investment", "industrial_investment", "tech_upgrade_investment"},
        "services": {"service_revenue", "software_revenue"},
        "trade": {"import_export", "export_value", "retail_sales"},
        "energy": {"electricity", "energy", "energy_intensity", "value_added"},
        "risks": {"output_value", "value_added", "fixed_asset_investment", "industrial_investment"},
    }
    keys: set[str] = set()
    for section in wanted:
        keys |= need.get(section, set())
    if "risks" in wanted:  # targets behind 序时进度: every indicator of the briefing that has a target
        keys |= {k for s in wanted for k in need.get(s, set())} | {
            "tech_upgrade_investment",
            "import_export",
            "retail_sales",
            "energy_intensity",
        }
    if park is not None:
        keys.discard("output_by_park")
    data = BriefingData(year, month, park)
    indicators = {
        i.code: i for i in Indicator.objects.filter(is_active=True).select_related("numerator", "denominator")
    }
    for key in [k for k in ROLLUPS if k in keys]:
        code, by, kind = ROLLUPS[key]
        indicator = indicators.get(code)
        if indicator is None:
            continue
        data.rollups[key] = rollup(
            indicator, year=year, month=month, enterprises=_enterprises_for(kind, settings), by=by, park=park
        )
    enterprises = scope_enterprises(park)
    end = period_end(year, month)
    if "industry" in wanted and indicators.get("output_value") is not None:
        data.entrants = _entrants(indicators.get("output_value"), year, month, enterprises, end)
    if "small_to_above" in wanted:
        data.entrants_all = _entrants(None, year, month, enterprises, end)
    if "innovation" in wanted:
        data.qualifications = qualification_counts(enterprises, year, end)
    data.references = reference_figures(year)
    if "risks" in wanted:
        output = indicators.get("output_value")
        if output is not None:
            data.drags = drags(output, year, month, enterprises, settings.BRIEFING_DRAG_LIMIT)
            data.missing = missing_reports(output, year, month, enterprises)
    if "small_to_above" in wanted:
        data.candidates_year = indicator_selectors.latest_annual_year("revenue")
        if data.candidates_year is not None:
            found = indicator_selectors.small_to_above_candidates(year=data.candidates_year, enterprises=enterprises)
            data.candidates = len(found)
    return data


def _entrants(
    indicator: Indicator | None, year: int, month: int, enterprises: QuerySet[Enterprise], end: dt.date
) -> int:
    """规上 enterprises that entered the statistics (入统) this year, up to the period's end."""
    firms = enterprises.filter(
        is_above_scale=True, above_scale_since__gte=dt.date(year, 1, 1), above_scale_since__lte=end
    )
    if indicator is not None:  # those among the period's industrial enterprises (the 规上工业 count)
        firms = firms.filter(facts__indicator=indicator, facts__year=year, facts__month=month)
    return firms.distinct().count()


def qualification_counts(enterprises: QuerySet[Enterprise], year: int, day: dt.date) -> dict[str, QualificationCount]:
    """Active enterprises in scope holding a valid qualification on `day`, and those of them first recognised this
    year, per innovation key (a category such as 独角兽培育库 counts an enterprise once)."""
    valid = Qualification.objects.filter(
        Q(recognized_on__isnull=True) | Q(recognized_on__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        enterprise__in=enterprises.filter(status=EnterpriseStatus.ACTIVE),
    )
    result = {}
    for key, (codes, category) in QUALIFICATIONS.items():
        rows = valid.filter(qtype__category=category) if category else valid.filter(qtype__code__in=codes)
        counted = rows.aggregate(
            total=Count("enterprise", distinct=True),
            new=Count("enterprise", distinct=True, filter=Q(recognized_on__gte=dt.date(year, 1, 1))),
        )
        result[key] = QualificationCount(counted["total"] or 0, counted["new"] or 0)
    return result


def reference_figures(year: int) -> dict[str, int]:
    from gaoxin.briefings.models import ReferenceFigure

    return dict(ReferenceFigure.objects.filter(year=year).values_list("key", "value"))


def drags(indicator: Indicator, year: int, month: int, enterprises: QuerySet[Enterprise], limit: int) -> list[Drag]:
    """The enterprises whose fall pulls the scope's 1-N月 growth down most (拉动 as on the drill-down and the weekly
    研判: the change over the comparable set's base). One read per year, the names of the few shown only."""
    rows = Fact.objects.filter(indicator=indicator, month=month, year__in=(year, year - 1))
    if enterprises.query.where:
        rows = rows.filter(enterprise__in=enterprises)
    now: dict[int, Decimal] = {}
    then: dict[int, Decimal] = {}
    for enterprise_id, fact_year, cumulative in rows.values_list("enterprise_id", "year", "cumulative").iterator(
        chunk_size=10000
    ):
        (now if fact_year == year else then)[enterprise_id] = cumulative
    comparable = now.keys() & then.keys()
    base = sum((then[pk] for pk in comparable), Decimal(0))
    if not base:
        return []
    falling = sorted(((now[pk] - then[pk]) / base * 100, pk) for pk in comparable if now[pk] < then[pk])[:limit]
    firms = Enterprise.objects.select_related("park").in_bulk([pk for _c, pk in falling])
    result = []
    for contribution, pk in falling:
        last = then[pk]
        yoy = (now[pk] / last - 1) * 100 if last else None
        result.append(Drag(firms[pk].name, firms[pk].park.name, now[pk], last, yoy, contribution))
    return result


def missing_reports(indicator: Indicator, year: int, month: int, enterprises: QuerySet[Enterprise]) -> Missing | None:
    """The period's reporting round's 催报 list (reporting.selectors.missing_members) within the scope; without a
    round, the enterprises whose figure of the month is carried (analysis.missing_reports, the weekly 研判's card)."""
    round_ = round_for_period(year, month)
    if round_ is not None:
        members = RoundEnterprise.objects.filter(round=round_)
        if enterprises.query.where:
            members = members.filter(enterprise__in=enterprises)
        expected = members.count()
        if not expected:
            return None
        late = missing_members(members, round_).select_related("enterprise").order_by("enterprise__name")
        return Missing(expected, [m.enterprise.name for m in late], True)
    carried = Fact.objects.filter(indicator=indicator, year=year, month=month, source=FactSource.CARRIED)
    if enterprises.query.where:
        carried = carried.filter(enterprise__in=enterprises)
    if not carried.exists():
        return Missing(None, [], False)
    found = analysis.missing_reports(indicator, year=year, month=month, enterprises=enterprises)
    return Missing(None, [m.enterprise.name for m in found], False)
