"""`manage.py evaluate_rules RULESET --facts FILE.json [--as-of DATE] [--json]` (FORMATS.md section 3): one
enterprise's facts against the published rule set in force on the date. `--registry` instead re-evaluates the whole
registry against every published rule set and stores the results (what the background task does)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.core.errors import DomainError
from gaoxin.rules import services

WORDS = {"pass": "符合", "fail": "不符合", "unknown": "待核实"}


class Command(BaseCommand):
    help = "按规则集评估一家企业（或全库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ruleset", nargs="?", help="规则集编码，如 hnte、tech_sme")
        parser.add_argument("--facts", help="企业事实 JSON 文件（FORMATS.md 2a）")
        parser.add_argument("--as-of", dest="as_of", help="评估基准日 YYYY-MM-DD（默认今天）")
        parser.add_argument("--registry", action="store_true", help="全库评估并保存结果")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of 日期格式应为 YYYY-MM-DD：{options['as_of']}") from None
        if options["registry"]:
            run = services.evaluate_registry(trigger="命令行", as_of=as_of)
            payload = {"enterprises": run.enterprises, "rulesets": run.rulesets, "results": run.results}
            if options["json"]:
                self.stdout.write(json.dumps(payload | {"seconds": float(run.seconds or 0)}, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"全库评估完成：{run.enterprises}家企业 × {run.rulesets}个规则集，保存{run.results}条结果，"
                    f"用时{run.seconds}秒。"
                )
            return
        if not options["ruleset"] or not options["facts"]:
            raise CommandError(
                "用法：evaluate_rules 规则集编码 --facts 文件.json [--as-of 日期] [--json]，或 --registry"
            )
        path = Path(options["facts"])
        try:
            facts = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from None
        try:
            evaluation = services.evaluate_facts(options["ruleset"], facts, as_of=as_of)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(evaluation.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{evaluation.name}（{evaluation.version}）：{WORDS[evaluation.result.value]}")
        self.stdout.write(evaluation.summary)
        for warning in evaluation.warnings:
            self.stdout.write(f"注意：{warning}")
        for criterion in evaluation.criteria:
            self.stdout.write(f"  [{WORDS[criterion.result.value]}] {criterion.label}：{criterion.message}")
