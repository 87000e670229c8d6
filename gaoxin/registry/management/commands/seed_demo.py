"""`manage.py seed_demo [--enterprises N] [--years Y] [--seed S] [--if-empty] [--json]` (FORMATS.md §3): writes the
deterministic demo zone of `gaoxin.registry.demo` into an empty registry."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gaoxin.briefings.demo import seed_briefings
from gaoxin.indicators.demo import seed_monthly_facts
from gaoxin.policy.demo import seed_policies
from gaoxin.registry import demo
from gaoxin.registry.catalogue import QUALIFICATION_TYPES
from gaoxin.reporting.demo import seed_rounds
from gaoxin.rules.demo import seed_annual_facts, seed_checks
from gaoxin.rules.services import evaluate_registry
from gaoxin.service.demo import seed_appeals

_TYPE_NAMES = {code: name for code, name, *_rest in QUALIFICATION_TYPES}


class Command(BaseCommand):
    help = (
        "生成演示用高新区数据（珠海高新区模型）：园区、部门、产业树、产业链、企业、资质和各角色演示账号。"
        "同一随机种子生成同样的数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises",
            type=int,
            default=demo.DEFAULT_ENTERPRISES,
            help=f"企业数量（默认 {demo.DEFAULT_ENTERPRISES}；0 只生成园区、部门、产业等结构和账号）",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=demo.DEFAULT_YEARS,
            help=f"生成多少年的资质历史（默认 {demo.DEFAULT_YEARS}：更早已失效的证书不生成）",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help=f"随机种子（默认 {demo.DEFAULT_SEED}）")
        parser.add_argument("--if-empty", action="store_true", help="企业库已有企业时什么也不做（make demo 使用）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        count, years = options["enterprises"], options["years"]
        if count < 0:
            raise CommandError("--enterprises 不能为负数")
        if years < 1:
            raise CommandError("--years 至少为 1")
        if not demo.registry_is_empty():
            if options["if_empty"]:
                self._report(demo.SeedResult(skipped=True), options["json"])
                return
            raise CommandError("企业库已有企业数据，演示数据只能写入空库（加 --if-empty 时跳过而不报错）")
        result = demo.seed_demo(enterprises=count, years=years, seed=options["seed"])
        started = time.perf_counter()
        facts = seed_monthly_facts(years=years, seed=options["seed"], today=timezone.localdate())
        rounds = seed_rounds(today=timezone.localdate(), seed=options["seed"])
        yearly = seed_annual_facts(today=timezone.localdate(), seed=options["seed"])
        checks = seed_checks(today=timezone.localdate(), seed=options["seed"])
        evaluation = evaluate_registry(trigger="演示数据")
        appeals = seed_appeals(today=timezone.localdate(), seed=options["seed"])
        policies = seed_policies(today=timezone.localdate(), seed=options["seed"])
        briefings = seed_briefings(today=timezone.localdate())
        if options["json"]:
            payload = result.as_json() | {
                "monthly": {"enterprises": facts.enterprises, "facts": facts.facts, "periods": facts.periods},
                "rounds": {"rounds": rounds.rounds, "members": rounds.members, "pending": rounds.pending},
                "annual_facts": yearly.facts,
                "checks": checks,
                "rule_results": evaluation.results,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self._report(result, False)
        self.stdout.write(
            f"月度经济数据：{facts.enterprises} 家规上企业，{facts.periods}，共 {facts.facts} 条，"
            f"年度目标 {facts.targets} 项，用时 {time.perf_counter() - started:.1f} 秒。"
        )
        self.stdout.write(f"填报批次：今年 {rounds.rounds} 个月，最近一期尚有 {rounds.pending} 家未报（可催报）。")
        self.stdout.write(appeals.summary())
        self.stdout.write(policies.summary())
        self.stdout.write(briefings.summary())
        self.stdout.write(
            f"年度数据：{yearly.enterprises} 家企业近三年 {yearly.facts} 条；核实事项 {checks} 条；"
            f"全库评估 {evaluation.rulesets} 个规则集，"
            f"{evaluation.results} 条结果，用时 {evaluation.seconds} 秒。"
        )

    def _report(self, result: demo.SeedResult, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        if result.skipped:
            self.stdout.write("企业库已有数据，未生成演示数据。")
            return
        self.stdout.write(
            f"已生成演示数据：企业 {result.enterprises} 家（规上 {result.above_scale} 家，"
            f"曾用名 {result.former_names} 条），资质 {result.qualifications} 条，用时 {result.seconds:.1f} 秒。"
        )
        if result.counts_by_type:
            parts = [
                f"{_TYPE_NAMES.get(code, code)} {n}"
                for code, n in sorted(result.counts_by_type.items(), key=lambda kv: -kv[1])
            ]
            self.stdout.write("资质（含历史证书）：" + "，".join(parts))
        if result.users:
            self.stdout.write(
                f"演示账号：{'、'.join(result.users)}（密码 {demo.DEMO_PASSWORD}，运行 manage.py demo_accounts 查看）"
            )
        if result.pending_bindings:
            self.stdout.write(f"待审核的企业绑定申请：{result.pending_bindings} 条")
