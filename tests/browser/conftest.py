"""Playwright against Debian's chromium (never `playwright install`), on pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"浏览器测试需要 Debian 的 chromium（{CHROMIUM}）；请先运行 .ci/run 或 apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def shots(output_dir: Path) -> Any:
    folder = output_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(pg: Any, name: str, full_page: bool = False) -> Path:
        path = folder / f"{name}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def login(pg: Any, username: str, password: str) -> None:
    pg.goto("/accounts/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", password)
    pg.click("button[type=submit]")
    pg.wait_for_load_state("networkidle")


@pytest.fixture(autouse=True)
def _catalogue(transactional_db: Any) -> None:
    """Transactional tests flush the tables, data-migration rows included: put the catalogue back."""
    from gaoxin.registry.catalogue import load_catalogue
    from gaoxin.registry.models import QualificationType

    load_catalogue(QualificationType)
