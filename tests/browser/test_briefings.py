"""Briefing journey: an officer generates the monthly briefing of the 2020 zone (STYLE_CORPUS.md), reads it, edits a
sentence (the generated text is kept), downloads Word, PDF and Excel; a park officer sees only their park's."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

from gaoxin.briefings.models import Briefing
from gaoxin.briefings.tests.factories import golden_zone
from gaoxin.indicators.catalogue import load_catalogue
from gaoxin.indicators.models import Indicator
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_generates_edits_and_downloads_a_briefing(page: Any, browser: Any, live_server: Any, shots: Any,
                                                          tmp_path: Path) -> None:  # fmt: skip
    load_catalogue(Indicator)  # transactional tests flush data-migration rows
    zone = golden_zone()
    f.officer(username="kjj1", full_name="王科员")
    f.park_officer(zone["parks"]["TJW"], username="tjw1", full_name="李园区")

    login(page, "kjj1", f.DEFAULT_PASSWORD)
    page.goto("/briefings/")
    assert "还没有简报" in page.inner_text("#briefings")
    page.click("#new-briefing")
    page.wait_for_selector("#generate-form")
    assert page.input_value("#id_period") == "2020-11"  # the latest month with figures
    page.select_option("#id_scope", "zone")
    shots(page, "81-briefing-generate")
    page.click("#generate-form button[type=submit]")
    page.wait_for_selector("#briefing-text")
    paper = page.inner_text("#briefing-text")
    assert "高新区2020年1-11月经济运行简报" in paper
    assert "实现总产值297.99亿元，同比下降3.6%" in paper
    assert "高于区下达指标任务（2.5%）3.3个百分点" in paper
    assert "完成年度任务（44亿元）的85.1%" in paper
    shots(page, "82-briefing-detail", full_page=True)

    page.click("#edit-briefing")
    page.wait_for_selector("#edit-form")
    text = page.input_value("#id_text")
    page.fill("#id_text", text.replace("需重点跟踪走访。", "需重点跟踪走访，由经济发展局牵头约谈。"))
    page.locator("#id_text").evaluate("el => el.scrollTop = el.scrollHeight")
    shots(page, "83-briefing-edit")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "由经济发展局牵头约谈" in page.inner_text("#briefing-text")
    assert "王科员" in page.inner_text("#edited-note")
    shots(page, "84-briefing-edited", full_page=True)
    page.click("#generated-tab")
    page.wait_for_selector("#briefing-text")
    assert "由经济发展局牵头约谈" not in page.inner_text("#briefing-text")  # the generated version is kept

    files = {}
    for fmt in ("docx", "pdf", "xlsx"):
        with page.expect_download() as info:
            page.click(f"#download-{fmt}")
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        files[fmt] = target
    assert files["docx"].name == "高新区2020年1-11月经济运行简报.docx"
    paragraphs = [p.text for p in Document(io.BytesIO(files["docx"].read_bytes())).paragraphs]
    assert any("由经济发展局牵头约谈" in p for p in paragraphs)  # the edited text is exported
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(files["xlsx"])
    assert book[book.sheetnames[1]]["D3"].value == 2979900.0  # 工业总产值, 万元, as the rollup

    # a park officer sees only their park's briefings and can write one for it
    other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    park_page = other.new_page()
    login(park_page, "tjw1", f.DEFAULT_PASSWORD)
    park_page.goto("/briefings/new/")
    options = park_page.locator("#id_scope option").all_inner_texts()
    assert options == ["唐家湾主园区"]
    park_page.click("#generate-form button[type=submit]")
    park_page.wait_for_selector("#briefing-text")
    assert "唐家湾主园区规上工业企业共计2家" in park_page.inner_text("#briefing-text")
    park_page.goto("/briefings/")
    listed = park_page.inner_text("#briefings")
    assert "唐家湾主园区2020年1-11月经济运行简报" in listed
    assert "高新区2020年1-11月经济运行简报" not in listed
    zone_briefing = Briefing.objects.get(park__isnull=True)
    assert park_page.goto(f"/briefings/{zone_briefing.pk}/").status == 404
    other.close()

    page.goto("/briefings/")
    assert page.locator("#briefings tbody tr").count() == 2
    shots(page, "85-briefing-list", full_page=True)
