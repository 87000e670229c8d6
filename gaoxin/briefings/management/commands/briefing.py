"""`manage.py briefing --period YYYY-MM [--scope zone or park code] [--format txt/docx/pdf/xlsx] [--out FILE]`:
the economic briefing of DOMAIN.md (FORMATS.md section 3), written from the rollups; nothing is saved.

txt without --out prints the text; the other formats need --out (a file; "-" writes the bytes to standard output).
`--template NAME` picks a saved template (default: the default template, else the shipped wording); `--json` prints
a JSON summary (and the text). Exit 1 for bad input (unknown park, bad period, no figures), with a Chinese message."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gaoxin.briefings import selectors
from gaoxin.briefings.exports import Sheet, render
from gaoxin.briefings.generator import date_line
from gaoxin.core.errors import DomainError

FORMATS = ("txt", "docx", "pdf", "xlsx")


class Command(BaseCommand):
    help = "生成经济运行简报（按统计期和范围，从经济运行汇总数据写出）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="统计期 YYYY-MM，即1-N月的累计期")
        parser.add_argument("--scope", default="zone", help="zone（全区，默认）或园区编码")
        parser.add_argument("--format", default="txt", choices=FORMATS, help="txt（默认）、docx、pdf 或 xlsx")
        parser.add_argument("--out", help="输出文件；txt 可省略（打印到屏幕），其他格式必须指定")
        parser.add_argument("--template", help="简报模板名称（默认用默认模板）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出摘要")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, out = options["format"], options["out"]
        if fmt != "txt" and not out:
            raise CommandError(f"--format {fmt} 需要用 --out 指定输出文件")
        try:
            year, month = selectors.parse_period(options["period"])
            park = selectors.park_by_code(options["scope"])
            template = selectors.template_get(options["template"]) if options["template"] else None
            wording = selectors.wording_of(template or selectors.default_template())
            result = selectors.draft(year=year, month=month, park=park, wording=wording)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        generated = result.generated
        if not result.has_figures or not generated.text.strip():
            raise CommandError(f"{year}年1-{month}月没有可写入简报的数据")
        sheet = Sheet(
            generated.title,
            generated.organization,
            date_line(timezone.localdate()),
            generated.text,
            [t.as_json() for t in generated.tables],
        )
        content = render(sheet, fmt)
        if out == "-":
            sys.stdout.buffer.write(content)
            return
        if out:
            Path(out).write_bytes(content)
        summary = {
            "title": generated.title,
            "period": f"{year}-{month:02d}",
            "scope": park.code if park is not None else "zone",
            "format": fmt,
            "out": out,
            "bytes": len(content),
            "paragraphs": [line for line in generated.text.splitlines() if line.strip()],
            "tables": [t.title for t in generated.tables],
            "seconds": round(result.seconds, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        elif out:
            self.stdout.write(
                f"已生成{generated.title}（{fmt}，{len(content)}字节，用时{result.seconds:.2f}秒）：{out}"
            )
        else:
            self.stdout.write(content.decode("utf-8"))
