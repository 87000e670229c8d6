"""Demo policy cashing for the demo zone: a dozen zone policies with their fund items (R&D subsidy, 高企 award, 小升规
award, talent rent subsidy as 免申即享, energy saving, trade shows …), applications in every state with their history,
experts' scores, a public notice, a paid disbursement batch and a 免申即享 round. Deterministic for a seed; runs after
the registry-wide evaluation (the eligible lists come from its stored results). The demo enterprise account's own
enterprise gets an application it can follow and a near-miss to read under 适合我的政策."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.policy import amounts, services, workflow
from gaoxin.policy.models import (
    Application,
    ApplicationEvent,
    AppStatus,
    BatchStatus,
    Channel,
    DisbursementBatch,
    ExpertAssignment,
    FundItem,
    Policy,
    PolicyStatus,
    PublicNotice,
    Stage,
)
from gaoxin.registry.models import Department, Enterprise, EnterpriseStatus
from gaoxin.rules import facts as rule_facts
from gaoxin.rules.models import EnterpriseResult
from gaoxin.rules.services import published_in_force
from gaoxin.workcalendar.selectors import work_calendar

Y = Decimal

#: (title, 文号, issuer, level, category, summary, budget 元, [fund items])
#: fund item: (code, name, rule, 免申即享, amount kind, amount, fact, percent, cap, tiers, budget, materials)
POLICIES: list[dict[str, Any]] = [
    {
        "title": "珠海高新区关于促进企业加大研发投入的若干措施",
        "number": "珠高新〔2026〕5号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "innovation",
        "summary": "对科技型中小企业上年度研发费用按比例给予补助，单个企业最高200万元。",
        "budget": Y("30000000"),
        "items": [
            {
                "code": "YF-2026",
                "name": "2026年度企业研发费用补助",
                "rule": "tech_sme",
                "kind": "percent",
                "fact": "rd_expense",
                "percent": Y("10"),
                "cap": Y("2000000"),
                "budget": Y("20000000"),
                "materials": [("上年度研发费用专项审计报告", "pdf"), ("研发项目立项文件", "pdf,docx")],
                "sheet": [("研发投入强度", 40), ("研发组织管理", 30), ("成果转化情况", 30)],
            }
        ],
    },
    {
        "title": "珠海高新区高新技术企业培育和认定奖励办法",
        "number": "珠高新〔2025〕21号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "innovation",
        "summary": "对首次通过或重新通过高新技术企业认定的企业给予一次性奖励。",
        "budget": Y("15000000"),
        "items": [
            {
                "code": "GQ-2026",
                "name": "高新技术企业认定奖励",
                "rule": "hnte",
                "kind": "fixed",
                "fixed": Y("300000"),
                "budget": Y("12000000"),
                "materials": [("高新技术企业证书", "pdf,jpg,png")],
                "stages": ["form", "department", "leader", "notice", "payment"],
            }
        ],
    },
    {
        "title": "珠海高新区促进工业企业升规入统奖励办法",
        "number": "珠高新〔2026〕8号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "industry_it",
        "summary": "首次纳入规模以上工业统计的企业，按上年度营业收入分档给予奖励。",
        "budget": Y("8000000"),
        "items": [
            {
                "code": "XSG-2026",
                "name": "小升规企业奖励",
                "rule": "above_scale_industry",
                "kind": "tiers",
                "fact": "revenue",
                "tiers": [["2000", "100000"], ["5000", "200000"], ["10000", "300000"]],
                "budget": Y("6000000"),
                "materials": [("统计部门入库证明", "pdf,jpg,png"), ("上年度财务报表", "pdf,xlsx")],
                "stages": ["form", "department", "leader", "notice", "payment"],
            }
        ],
    },
    {
        "title": "珠海高新区科技人才安居保障实施办法",
        "number": "珠高新〔2026〕11号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "talent",
        "summary": "对规模以上工业企业新引进的人才给予租房补贴，经数据比对免申即享，企业无需申报。",
        "budget": Y("3000000"),
        "items": [
            {
                "code": "ZF-2026",
                "name": "规上工业企业人才租房补贴（免申即享）",
                "rule": "above_scale_industry",
                "no_application": True,
                "kind": "fixed",
                "fixed": Y("30000"),
                "budget": Y("2400000"),
                "commitments": "补贴用于企业人才租房；如有虚报，退回补贴并承担相应责任。",
            }
        ],
    },
    {
        "title": "珠海市节能降耗专项资金管理办法",
        "number": "珠工信〔2025〕17号",
        "issuer": "珠海市工业和信息化局",
        "level": "city",
        "category": "energy",
        "summary": "支持企业实施节能技术改造，按项目投资额给予补助。",
        "budget": Y("5000000"),
        "items": [
            {
                "code": "JN-2026",
                "name": "节能技术改造项目补助",
                "rule": "",
                "kind": "fixed",
                "fixed": Y("200000"),
                "budget": Y("3000000"),
                "materials": [("节能量审核报告", "pdf"), ("项目投资发票汇总表", "xlsx,pdf")],
            }
        ],
    },
    {
        "title": "珠海高新区支持企业开拓市场若干措施",
        "number": "珠高新〔2026〕3号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "commerce",
        "summary": "对企业参加境内外重点展会的展位费给予补贴。",
        "budget": Y("2000000"),
        "items": [
            {
                "code": "ZH-2026",
                "name": "境内外展会参展补贴",
                "rule": "",
                "kind": "fixed",
                "fixed": Y("50000"),
                "budget": Y("1500000"),
                "materials": [("展位费合同及发票", "pdf,jpg"), ("参展现场照片", "jpg,png")],
                "stages": ["form", "department", "payment"],
            }
        ],
    },
    {
        "title": "珠海高新区专精特新企业梯度培育奖励办法",
        "number": "珠高新〔2026〕9号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "industry_it",
        "summary": "对新认定的省级专精特新中小企业、国家级专精特新“小巨人”企业给予奖励。",
        "budget": Y("10000000"),
        "items": [
            {
                "code": "ZJTX-2026",
                "name": "专精特新中小企业奖励",
                "rule": "srdi_sme",
                "kind": "fixed",
                "fixed": Y("200000"),
                "budget": Y("4000000"),
                "materials": [("专精特新中小企业认定文件", "pdf")],
                "stages": ["form", "leader", "notice", "payment"],
            },
            {
                "code": "XJR-2026",
                "name": "专精特新“小巨人”企业奖励",
                "rule": "little_giant",
                "kind": "fixed",
                "fixed": Y("500000"),
                "budget": Y("5000000"),
                "materials": [("小巨人企业认定文件", "pdf")],
                "stages": ["form", "leader", "notice", "payment"],
            },
        ],
    },
    {
        "title": "珠海高新区创新型中小企业培育措施",
        "number": "珠高新〔2026〕10号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "innovation",
        "summary": "对新入库的创新型中小企业给予一次性奖励。",
        "budget": Y("3000000"),
        "items": [
            {
                "code": "CXX-2026",
                "name": "创新型中小企业入库奖励",
                "rule": "innovative_sme",
                "kind": "fixed",
                "fixed": Y("50000"),
                "budget": Y("2500000"),
                "materials": [("创新型中小企业公告截图", "pdf,jpg,png")],
                "stages": ["form", "department", "notice", "payment"],
            }
        ],
    },
    {
        "title": "珠海高新区集成电路产业发展扶持办法",
        "number": "珠高新〔2025〕30号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "leading_industry",
        "summary": "支持集成电路设计企业首轮流片，按流片费用给予补贴。",
        "budget": Y("20000000"),
        "items": [
            {
                "code": "LP-2026",
                "name": "集成电路首轮流片补贴",
                "rule": "",
                "kind": "fixed",
                "fixed": Y("1000000"),
                "budget": Y("10000000"),
                "materials": [("流片合同", "pdf"), ("流片费用发票", "pdf")],
            }
        ],
    },
    {
        "title": "珠海高新区高层次人才安家补贴实施细则",
        "number": "珠高新〔2025〕18号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "talent",
        "summary": "对企业新引进的高层次人才给予安家补贴。",
        "budget": Y("6000000"),
        "items": [
            {
                "code": "AJ-2026",
                "name": "高层次人才安家补贴",
                "rule": "",
                "kind": "fixed",
                "fixed": Y("100000"),
                "budget": Y("4000000"),
                "materials": [("人才认定证书", "pdf,jpg"), ("劳动合同", "pdf"), ("社保缴纳证明", "pdf")],
                "stages": ["form", "department", "leader", "notice", "payment"],
            }
        ],
    },
    {
        "title": "广东省促进中小企业数字化转型若干措施",
        "number": "粤工信〔2025〕42号",
        "issuer": "广东省工业和信息化厅",
        "level": "provincial",
        "category": "industry_it",
        "summary": "省级政策，由区内转报；本平台提供政策解读和申报指引。",
        "budget": None,
        "items": [],
    },
    {
        "title": "珠海高新区限额以上商贸企业入库奖励办法",
        "number": "珠高新〔2024〕26号",
        "issuer": "珠海高新区管委会",
        "level": "zone",
        "category": "commerce",
        "summary": "对首次纳入限额以上统计的批发零售企业给予奖励（已到期）。",
        "budget": Y("1000000"),
        "expired": True,
        "items": [],
    },
]


@dataclass
class DemoPolicyResult:
    policies: int = 0
    items: int = 0
    applications: int = 0
    offers: int = 0
    paid: int = 0

    def summary(self) -> str:
        return (
            f"政策兑现：政策 {self.policies} 个、申报项目 {self.items} 个，申报 {self.applications} 件"
            f"（已拨付 {self.paid} 件），免申即享名单 {self.offers} 家。"
        )


def _demo_user(username: str, role: str, full_name: str, phone: str) -> User:
    from gaoxin.registry.demo import DEMO_PASSWORD

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, full_name=full_name, phone=phone, role=role
        )
    return user


def _event(application: Application, at: dt.datetime, actor: Any, action: str, text: str, stage: str = "") -> None:
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        actor_label=actor.display_name if actor else "系统",
        stage=stage,
        action=action,
        text=text,
    )
    ApplicationEvent.objects.filter(pk=event.pk).update(at=at)


def seed_policies(*, today: dt.date, seed: int) -> DemoPolicyResult:
    """Idempotent: does nothing when policies exist."""
    result = DemoPolicyResult()
    if Policy.objects.exists() or not Enterprise.objects.exists():
        return result
    rng = random.Random(f"{seed}:policy")
    officer = User.objects.filter(username="officer").first() or _demo_user("officer", Role.OFFICER, "陈思敏", "")
    leader = User.objects.filter(username="leader").first() or _demo_user("leader", Role.LEADER, "周志远", "")
    finance = User.objects.filter(username="finance").first() or _demo_user("finance", Role.FINANCE, "林美玲", "")
    experts = [User.objects.filter(username="expert").first() or _demo_user("expert", Role.EXPERT, "郑国华", "")]
    for n, (name, phone) in enumerate(
        [("王立新", "18926281011"), ("刘晓燕", "18926281012"), ("张伟明", "18926281013"), ("何少华", "18926281014")],
        start=2,
    ):
        experts.append(_demo_user(f"expert{n}", Role.EXPERT, name, phone))
    department = Department.objects.filter(code="KJCY").first()
    with transaction.atomic():
        items = _seed_library(officer, department, today, result)
    calendar = work_calendar()
    versions = {v.code: v for v in published_in_force(today)}
    demo_enterprise = User.objects.filter(username="enterprise").values_list("enterprise_id", flat=True).first()
    for item in items:
        if item.no_application:
            continue
        with transaction.atomic():
            _seed_applications(
                item, versions, today, calendar, rng, officer, leader, finance, experts, demo_enterprise, result
            )
    offer_item = next((i for i in items if i.no_application), None)
    if offer_item is not None:
        with transaction.atomic():
            _seed_offers(offer_item, officer, today, rng, result)
    return result


def _seed_library(
    officer: User, department: Department | None, today: dt.date, result: DemoPolicyResult
) -> list[FundItem]:
    items: list[FundItem] = []
    for spec in POLICIES:
        expired = spec.get("expired", False)
        policy = services.policy_save(
            actor=officer,
            data={
                "title": spec["title"],
                "number": spec["number"],
                "issuer": spec["issuer"],
                "level": spec["level"],
                "category": spec["category"],
                "effective_from": dt.date(today.year - (2 if expired else 1), 1, 1),
                "expires_on": dt.date(today.year - 1, 12, 31) if expired else dt.date(today.year + 2, 12, 31),
                "summary": spec["summary"],
                "body": _body(spec),
                "budget_yuan": spec["budget"],
            },
        )
        services.policy_publish(actor=officer, policy=policy)
        if expired:
            services.policy_expire(actor=officer, policy=policy, reason="有效期届满")
        result.policies += 1
        for s in spec["items"]:
            no_app = s.get("no_application", False)
            item = services.fund_item_save(
                actor=officer,
                policy=policy,
                data={
                    "code": s["code"],
                    "name": s["name"],
                    "description": spec["summary"],
                    "department": department,
                    "eligibility_code": s["rule"],
                    "no_application": no_app,
                    "amount_kind": s["kind"],
                    "amount_fixed_yuan": s.get("fixed"),
                    "amount_fact": s.get("fact", ""),
                    "amount_percent": s.get("percent"),
                    "amount_cap_yuan": s.get("cap"),
                    "amount_tiers": s.get("tiers", []),
                    "budget_yuan": s["budget"],
                    "opens_on": today - dt.timedelta(days=60),
                    "closes_on": today + dt.timedelta(days=45),
                    "stages": s.get("stages")
                    or (workflow.NO_APPLICATION_STAGES if no_app else workflow.DEFAULT_STAGES),
                    "experts_per_application": 3,
                    "score_sheet": [
                        {"code": f"s{n}", "label": label, "max": top}
                        for n, (label, top) in enumerate(s.get("sheet", [("综合评价", 100)]), start=1)
                    ],
                    "score_aggregate": "trimmed",
                    "commitments": s.get("commitments", "所提交材料真实、有效；获得资金后三年内不迁出本区。"),
                },
                materials=[{"name": m, "kinds": k, "required": True} for m, k in s.get("materials", [])],
            )
            services.fund_item_set_status(actor=officer, item=item, status="open")
            items.append(item)
            result.items += 1
    return items


def _body(spec: dict[str, Any]) -> str:
    return (
        f"第一条 为贯彻落实国家和省、市有关政策，{spec['summary']}特制定本办法。\n"
        "第二条 本办法适用于在本区注册、具有独立法人资格、依法纳税的企业。\n"
        "第三条 申报条件、支持标准和申报材料见各申报项目。\n"
        "第四条 同一项目已获本区其他财政资金支持的，不得重复申报。\n"
        "第五条 申报单位对材料真实性负责，弄虚作假的取消资格、追回资金，并纳入信用记录。\n"
        "第六条 本办法由管委会科技产业局负责解释。"
    )


#: How the applications of an item are spread over the states (applied in this order over the eligible enterprises).
STATES = [
    AppStatus.PAID,
    AppStatus.PAID,
    AppStatus.PAYABLE,
    AppStatus.IN_NOTICE,
    AppStatus.APPROVED,
    ("in_review", Stage.LEADER),
    ("in_review", Stage.DEPARTMENT),
    ("in_review", Stage.EXPERT),
    ("in_review", Stage.EXPERT),
    ("in_review", Stage.FORM),
    ("in_review", Stage.FORM),
    AppStatus.RETURNED,
    AppStatus.REJECTED,
    AppStatus.WITHDRAWN,
    AppStatus.DRAFT,
]


def _seed_applications(
    item: FundItem,
    versions: dict[str, Any],
    today: dt.date,
    calendar: Any,
    rng: random.Random,
    officer: User,
    leader: User,
    finance: User,
    experts: list[User],
    demo_enterprise: int | None,
    result: DemoPolicyResult,
) -> None:
    if item.eligibility_code and item.eligibility_code in versions:
        ids = list(
            EnterpriseResult.objects.filter(ruleset=versions[item.eligibility_code], result__in=("pass", "unknown"))
            .order_by("enterprise_id")
            .values_list("enterprise_id", flat=True)[:200]
        )
    else:
        ids = list(
            Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("id").values_list("pk", flat=True)[:400]
        )
    if not ids:
        return
    rng.shuffle(ids)
    if demo_enterprise and item.code == "JN-2026":
        if demo_enterprise in ids:
            ids.remove(demo_enterprise)
        ids.insert(0, demo_enterprise)  # the demo account follows an application of its own
    review = workflow.review_stages(item)
    plan = [s for s in STATES if not (isinstance(s, tuple) and s[1] not in review)]
    chosen = ids[: min(len(ids), len(plan) + rng.randint(0, 4))]
    docs = rule_facts.facts_documents([Enterprise(pk=pk) for pk in chosen])
    names = dict(Enterprise.objects.filter(pk__in=chosen).values_list("pk", "name"))
    formula = amounts.Formula.of(item)
    notice: PublicNotice | None = None
    batch: DisbursementBatch | None = None
    for n, pk in enumerate(chosen):
        state = plan[n % len(plan)]
        status, stage = (AppStatus.IN_REVIEW, state[1]) if isinstance(state, tuple) else (state, "")
        days_ago = rng.randint(8, 40)
        submitted = timezone.now() - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
        requested = amounts.compute(formula, docs[pk], as_of=today).yuan or item.amount_fixed_yuan or Y("100000")
        application = services._create_application(
            fund_item=item,
            enterprise_id=pk,
            channel=Channel.APPLY,
            status=status,
            facts=docs[pk],
            eligibility={
                "result": "pass" if item.eligibility_code else "none",
                "summary": "提交时核验符合申报条件"
                if item.eligibility_code
                else "本项目不设系统核验条件，由形式审查核对",
            },
            requested_yuan=requested,
            project_name=f"{names[pk][:6]}{item.name[:8]}项目",
            project_summary="项目已按计划实施，相关投入已完成审计。",
            bank_name=rng.choice(["中国银行珠海分行", "中国工商银行珠海分行", "中国建设银行珠海分行", "珠海华润银行"]),
            bank_account="62" + "".join(str(rng.randint(0, 9)) for _ in range(16)),
            account_name=names[pk],
            commitments_accepted=True,
            submitted_at=None if status == AppStatus.DRAFT else submitted,
        )
        result.applications += 1
        at = submitted
        _event(application, at - dt.timedelta(hours=2), None, "draft", "创建申报草稿，企业信息和年度数据已由平台带出")
        if status == AppStatus.DRAFT:
            continue
        _event(application, at, None, "submit", f"提交申报，受理编号{application.number}", review[0])
        if status == AppStatus.WITHDRAWN:
            _event(application, at + dt.timedelta(days=1), None, "withdraw", "企业撤回申报，材料需要完善")
            continue
        target = stage or review[-1]
        passed = review if status != AppStatus.IN_REVIEW else review[: review.index(target)]
        if status in (AppStatus.RETURNED, AppStatus.REJECTED):
            passed = []
        day = at
        for s in passed:
            day += dt.timedelta(days=rng.randint(1, 3))
            if s == Stage.EXPERT:
                _seed_scores(application, experts, officer, rng, day)
            actor = leader if s == Stage.LEADER else officer
            _event(application, day, actor, "pass", f"{Stage(s).label}通过", s)
        if status == AppStatus.RETURNED:
            application.stage = review[0]
            application.reason = "上年度审计报告缺少盖章页，请补充后重新提交"
            _event(
                application,
                at + dt.timedelta(days=2),
                officer,
                "return",
                f"形式审查退回补正：{application.reason}",
                review[0],
            )
        elif status == AppStatus.REJECTED:
            application.reason = "申报项目不属于本政策支持范围"
            _event(
                application,
                at + dt.timedelta(days=2),
                officer,
                "reject",
                f"形式审查不予支持：{application.reason}",
                review[0],
            )
        elif status == AppStatus.IN_REVIEW:
            application.stage = target
            application.stage_started = timezone.localdate(day)
            application.stage_due = calendar.add_working_days(
                application.stage_started, workflow.days_for(item, target)
            )
            if target == Stage.EXPERT and n % 2 == 0:
                _seed_scores(application, experts, officer, rng, day, partial=True)
        else:
            application.awarded_yuan = requested
            application.decided_at = day
            application.stage = Stage.NOTICE if workflow.has_notice(item) else Stage.PAYMENT
            if status in (AppStatus.IN_NOTICE, AppStatus.PAYABLE, AppStatus.PAID) and workflow.has_notice(item):
                notice = notice or _notice(item, officer, today, calendar, status)
                application.notice = notice if status == AppStatus.IN_NOTICE else application.notice
                _event(application, day + dt.timedelta(days=1), officer, "notice", "拟支持名单公示", Stage.NOTICE)
            if status in (AppStatus.PAYABLE, AppStatus.PAID):
                application.stage = Stage.PAYMENT
                _event(
                    application,
                    day + dt.timedelta(days=12),
                    officer,
                    "notice_end",
                    "公示期满无异议，等待拨付",
                    Stage.NOTICE,
                )
            if status == AppStatus.PAID:
                batch = batch or _batch(item, finance, today)
                application.batch = batch
                application.paid_on = batch.paid_on
                _event(
                    application,
                    timezone.now() - dt.timedelta(days=2),
                    finance,
                    "paid",
                    f"已拨付（{batch.paid_on:%Y年%m月%d日}）",
                    Stage.PAYMENT,
                )
                result.paid += 1
        application.save()


def _seed_scores(
    application: Application,
    experts: list[User],
    officer: User,
    rng: random.Random,
    day: dt.datetime,
    partial: bool = False,
) -> None:
    chosen = rng.sample(experts, 3)
    totals = []
    for k, expert in enumerate(chosen):
        row = ExpertAssignment.objects.create(application=application, expert=expert, assigned_by=officer, random=True)
        if partial and k == 2:
            continue
        total = Y(rng.randint(62, 92))
        totals.append(total)
        row.scores = {"s1": str(total)}
        row.total, row.comment, row.scored_at = total, "材料完整，研发投入持续，建议支持。", day
        row.save()
    application.score = services.aggregate(totals, application.fund_item.score_aggregate)


def _notice(item: FundItem, officer: User, today: dt.date, calendar: Any, status: str) -> PublicNotice:
    start = today - dt.timedelta(days=2)
    return PublicNotice.objects.create(
        fund_item=item,
        title=f"关于{item.name}拟支持名单的公示",
        starts_on=start,
        ends_on=calendar.notice_end(start, item.notice_days),
        days=item.notice_days,
        contact="公示期内如有异议，请以书面形式署名向管委会科技产业局反映（电话0756-3629000）",
        published_by=officer,
    )


def _batch(item: FundItem, finance: User, today: dt.date) -> DisbursementBatch:
    number = services._next_batch_number(today.year)
    return DisbursementBatch.objects.create(
        number=number,
        title=f"{item.name}第一批",
        status=BatchStatus.PAID,
        created_by=finance,
        paid_on=today - dt.timedelta(days=2),
        voucher=f"GK{today:%Y%m}{number[-3:]}",
        paid_by=finance,
    )


def _seed_offers(item: FundItem, officer: User, today: dt.date, rng: random.Random, result: DemoPolicyResult) -> None:
    run = services.offers_generate(actor=officer, item=item, today=today)
    result.offers = run.created
    candidates = list(Application.objects.filter(fund_item=item, status=AppStatus.CANDIDATE).order_by("id"))
    budget_fits = int(item.budget_yuan // (item.amount_fixed_yuan or Y(1)))
    keep = candidates[: max(0, min(len(candidates), budget_fits) - 5)]
    for application in candidates[len(keep) :][:3]:
        services.offer_exclude(actor=officer, application=application, reason="企业已迁出本区，不再符合条件")
    for application in candidates[len(keep) + 3 :]:
        application.delete()  # beyond this round's budget: next round
    if not keep:
        return
    services.offers_send(actor=officer, item=item, today=today)
    for n, application in enumerate(
        Application.objects.filter(fund_item=item, status=AppStatus.OFFERED).order_by("id")
    ):
        if n % 3 == 0:
            continue  # still to confirm
        application.status = AppStatus.APPROVED if n % 3 == 1 else AppStatus.DECLINED
        if application.status == AppStatus.APPROVED:
            application.bank_name, application.bank_account = "中国银行珠海分行", "62" + str(10**15 + n)
            application.account_name = application.enterprise.name
            application.awarded_yuan, application.confirmed_at = application.requested_yuan, timezone.now()
            application.stage = Stage.NOTICE
            _event(application, timezone.now(), None, "confirm", "企业确认享受")
        else:
            _event(application, timezone.now(), None, "decline", "企业明确放弃")
        application.save()


def policy_status_counts() -> dict[str, int]:
    return {s: Application.objects.filter(status=s).count() for s in AppStatus.values}


__all__ = ["POLICIES", "DemoPolicyResult", "PolicyStatus", "policy_status_counts", "seed_policies"]
