"""Chinese first, English able to follow (STYLE.md): every user-facing text goes through Django's i18n.

- With the default language (zh-hans) the pages are Chinese, exactly as written in the templates and the code;
- with English active (Accept-Language or `translation.override`) the catalogue of gaoxin/locale/en is used;
- no template holds Chinese text outside `{% translate %}` / `{% blocktranslate %}` / `_("…")` or a comment;
- the English catalogue has no fuzzy or empty entries for the texts relied on below, its placeholders match the
  Chinese ones, and the committed .mo says what the .po says (run `make messages` after editing the .po).
"""

import ast
import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import PermissionDenied
from gaoxin.core.navigation import navigation_for
from gaoxin.testing import factories as f

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = PACKAGE / "templates"
LOCALE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """LocaleMiddleware activates the request's language in this thread and never deactivates it: a test that
    asked for English must not leave it active for the tests that follow."""
    translation.deactivate()
    yield
    translation.deactivate()


def choose(client, language: str) -> None:
    """What Django's set_language view does when a user picks a language: it writes the language cookie."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language


#: Chinese source text -> the English the tests below (and people) rely on.
ENGLISH = {
    "登录": "Log in",
    "用户名": "Username",
    "密码": "Password",
    "企业用户注册": "Enterprise user registration",
    "工作台": "Workbench",
    "企业库": "Enterprise registry",
    "资质到期提醒": "Expiring qualifications",
    "批量导入": "Bulk import",
    "企业绑定审核": "Enterprise binding review",
    "园区与产业": "Parks and industries",
    "用户与角色": "Users and roles",
    "本企业信息": "My enterprise",
    "修改密码": "Change password",
    "退出登录": "Log out",
    "企业名称": "Enterprise name",
    "统一社会信用代码": "Unified social credit code",
    "查询": "Search",
    "登记企业": "Register enterprise",
    "保存": "Save",
    "取消": "Cancel",
    "科室人员": "Bureau officer",
    "园区人员": "Park officer",
    "企业用户": "Enterprise user",
    "管理员": "Administrator",
    "您没有执行该操作的权限": "You do not have permission to perform this action",
}


# (a) Chinese by default --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client) -> None:
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "<title>登录 · " in html
    assert '<label class="form-label" for="id_username">用户名</label>' in html
    assert '<button type="submit" class="btn btn-primary w-100">登录</button>' in html
    assert "企业首次使用？" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_enterprise_list_is_chinese_by_default(client) -> None:
    f.EnterpriseFactory(name="珠海华芯微电子有限公司")
    client.force_login(f.officer())
    html = client.get(reverse("registry:enterprise_list")).content.decode()
    assert '<h2 class="page-title">企业库</h2>' in html
    assert ">企业库</a>" in html  # the navigation
    assert "<th>企业名称</th><th>统一社会信用代码</th>" in html
    assert 'placeholder="名称、信用代码或拼音首字母"' in html
    assert "珠海华芯微电子有限公司" in html
    assert "Enterprise registry" not in html


# (b) English when asked --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_in_english_when_chosen(client) -> None:
    choose(client, "en")
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "<title>Log in · " in html
    assert '<label class="form-label" for="id_username">Username</label>' in html
    assert '<label class="form-label" for="id_password">Password</label>' in html
    assert '<button type="submit" class="btn btn-primary w-100">Log in</button>' in html
    assert ">Enterprise user registration</a>" in html
    assert "企业用户注册" not in html


@pytest.mark.django_db
def test_navigation_and_page_in_english(client) -> None:
    client.force_login(f.officer())
    choose(client, "en")
    html = client.get(reverse("registry:enterprise_list")).content.decode()
    nav = re.findall(r'<a class="nav-link" href="[^"]*">([^<]*)</a>', html)
    assert nav == [
        "Workbench",
        "Economy",
        "Economic briefings",
        "Monthly reporting",
        "Policy cashing",
        "Enterprise appeals",
        "Enterprise registry",
        "Cultivation lists",
    ]
    more = re.findall(r'<a class="dropdown-item" href="[^"]*">([^<]*)</a>', html)
    assert more == ["Expiring qualifications", "Bulk import", "Enterprise binding review", "Parks and industries"]
    assert ">More</a>" in html
    assert '<h2 class="page-title">Enterprise registry</h2>' in html
    assert "<th>Enterprise name</th><th>Unified social credit code</th>" in html
    assert ">Change password</a>" in html
    assert ">Log out</button>" in html
    assert "Bureau officer" in html  # the role under the user's name
    assert ">企业库</a>" not in html


@pytest.mark.django_db
def test_navigation_follows_the_active_language() -> None:
    admin = f.admin()
    with translation.override("en"):
        english = [item.label for item in navigation_for(admin, "/")]
        assert str(Role.PARK_OFFICER.label) == "Park officer"
        assert PermissionDenied().message == "You do not have permission to perform this action"
    chinese = [item.label for item in navigation_for(admin, "/")]
    assert english == [
        "Workbench",
        "Economy",
        "Monthly reporting",
        "Policy cashing",
        "Enterprise registry",
        "Cultivation lists",
        "Enterprise binding review",
        "Parks and industries",
        "Users and roles",
        "Working-day calendar",
        "Appeal categories",
        "Service grids",
        "Escalation contacts",
    ]
    assert chinese == [
        "工作台",
        "经济运行",
        "月度填报",
        "政策兑现",
        "企业库",
        "培育名单",
        "企业绑定审核",
        "园区与产业",
        "用户与角色",
        "工作日历",
        "诉求分类",
        "服务网格",
        "督办对象",
    ]


@pytest.mark.django_db
def test_python_messages_follow_the_active_language(client) -> None:
    """A permission refusal raised by a service reads in the caller's language."""
    client.force_login(f.leader())
    choose(client, "en")
    english = client.get(reverse("registry:enterprise_create"))
    choose(client, "zh-hans")
    chinese = client.get(reverse("registry:enterprise_create"))
    assert english.status_code == chinese.status_code == 403
    assert "Only bureau officers and park officers can maintain the registry" in english.content.decode()
    assert "只有科室人员和园区人员可以维护企业库" in chinese.content.decode()


# (c) No Chinese outside the i18n tags ------------------------------------------------------------------------

_TRANSLATED = [
    re.compile(r"\{#.*?#\}", re.S),  # comments
    re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{%\s*trans(?:late)?\s+(?:\"[^\"]*\"|'[^']*')[^%]*%\}", re.S),
    re.compile(r"""_\((?:"[^"]*"|'[^']*')\)"""),  # translated literals in tags and filters: default:_("…")
]


def untranslated_chinese(source: str) -> list[str]:
    """The snippets of `source` holding CJK characters once translated text and comments are removed."""
    for pattern in _TRANSLATED:
        source = pattern.sub(" ", source)
    return [line.strip() for line in source.splitlines() if CJK.search(line)]


def test_scanner_finds_literal_chinese() -> None:
    assert untranslated_chinese("<p>企业库</p>") == ["<p>企业库</p>"]
    assert untranslated_chinese('<input placeholder="搜索">') == ['<input placeholder="搜索">']
    assert untranslated_chinese("{% if x %}是{% endif %}") == ["{% if x %}是{% endif %}"]
    assert untranslated_chinese('{% translate "企业库" %}{# 注释 #}{{ x|default:_("（空）") }}') == []
    assert untranslated_chinese("{% blocktranslate trimmed %}\n共 {{ n }} 条\n{% endblocktranslate %}") == []
    assert untranslated_chinese('{% translate "是" %}否') == ["否"]


def test_templates_have_no_chinese_outside_translation() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) >= 30
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in templates
        if (found := untranslated_chinese(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_templates_that_translate_load_i18n() -> None:
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if re.search(r"\{%\s*(?:translate|blocktranslate)\b|_\(", text := path.read_text(encoding="utf-8"))
        and not re.search(r"\{%\s*load\s[^%]*\bi18n\b", text)
    ]
    assert missing == []


# (d) The catalogue -------------------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict[str, object]]:
    """Entries of a .po file: msgctxt, msgid, msgstr (plural forms are not used here) and flags."""
    entries: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, object] = {"flags": set(), "msgctxt": None, "msgid": None, "msgstr": None}
        key = ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] = str(entry[key]) + ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if entry["msgid"] is not None:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict[str, object]]:
    return read_po(LOCALE / "django.po")


def test_english_is_a_configured_language_with_a_catalogue() -> None:
    assert django_settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(django_settings.LANGUAGES)
    assert LOCALE.parent.parent in [Path(p) for p in django_settings.LOCALE_PATHS]
    assert (LOCALE / "django.po").is_file()
    assert (LOCALE / "django.mo").is_file()


def test_relied_on_english_is_translated_and_not_fuzzy(po_entries) -> None:
    by_id = {entry["msgid"]: entry for entry in po_entries if entry["msgctxt"] is None}
    for chinese, english in ENGLISH.items():
        entry = by_id.get(chinese)
        assert entry is not None, chinese
        assert "fuzzy" not in entry["flags"], chinese  # type: ignore[operator]
        assert entry["msgstr"] == english, chinese


def test_catalogue_is_complete_and_placeholders_match(po_entries) -> None:
    header, *entries = po_entries
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]  # type: ignore[operator]
    assert "Language: en" in str(header["msgstr"])
    placeholder = re.compile(r"%\(\w+\)[sd]")
    problems = []
    for entry in entries:
        msgid, msgstr = str(entry["msgid"]), str(entry["msgstr"])
        if "fuzzy" in entry["flags"] or not msgstr:  # type: ignore[operator]
            problems.append(("untranslated or fuzzy", msgid))
        elif set(placeholder.findall(msgid)) != set(placeholder.findall(msgstr)):
            problems.append(("placeholders differ", msgid))
    assert problems == []


def test_compiled_catalogue_matches_the_po(po_entries) -> None:
    """The .mo is committed (run and test need no gettext tools): it must not lag behind the .po."""
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries[1:]:
        msgid, msgstr = str(entry["msgid"]), str(entry["msgstr"])
        context = entry["msgctxt"]
        got = compiled.pgettext(str(context), msgid) if context is not None else compiled.gettext(msgid)
        if got != msgstr:
            stale.append(msgid)
    assert stale == []


# Every page renders in both languages (a msgstr with a wrong placeholder would fail here, at render time) -------


@pytest.fixture
def zone_data(settings, tmp_path) -> dict[str, object]:
    from gaoxin.accounts import services as account_services
    from gaoxin.registry import services as registry_services

    settings.MEDIA_ROOT = tmp_path / "media"
    park = f.ParkFactory(name="唐家湾主园区")
    f.IndustryFactory(name="集成电路")
    officer = f.officer()
    enterprises = [f.EnterpriseFactory(park=park) for _index in range(27)]  # more than a page
    first = enterprises[0]
    registry_services.enterprise_update(
        actor=officer,
        enterprise=first,
        data={"name": "珠海新名科技有限公司", "is_above_scale": True},
        reason="工商变更",
    )
    qualification = f.QualificationFactory(enterprise=first)
    pending = account_services.enterprise_user_register(
        username="pending",
        password="Zhuhai@2026gx",
        full_name="王小明",
        phone="13800138000",
        uscc=enterprises[1].uscc,
        enterprise_name=enterprises[1].name,
    )
    return {
        "officer": officer,
        "admin": f.admin(),
        "commissioner": f.commissioner(),
        "expert": f.expert(),
        "enterprise": f.enterprise_user(first),
        "pending": pending.user,
        "first": first,
        "qualification": qualification,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_renders_in_both_languages(client, zone_data, language) -> None:
    first, qualification = zone_data["first"], zone_data["qualification"]
    pages = {
        "officer": [
            reverse("core:home"),
            reverse("registry:enterprise_list"),
            reverse("registry:enterprise_list") + "?page=2",
            reverse("registry:enterprise_detail", args=[first.pk]),
            reverse("registry:enterprise_edit", args=[first.pk]),
            reverse("registry:enterprise_create"),
            reverse("registry:qualification_create", args=[first.pk]),
            reverse("registry:qualification_edit", args=[first.pk, qualification.pk]),
            reverse("registry:expiring") + "?days=730",
            reverse("registry:structure"),
            reverse("registry:structure_create", args=["park"]),
            reverse("registry:import_upload"),
            reverse("accounts:binding_list"),
            reverse("accounts:password_change"),
        ],
        "admin": [
            reverse("core:home"),
            reverse("accounts:user_list"),
            reverse("accounts:user_create"),
            reverse("accounts:user_edit", args=[zone_data["officer"].pk]),
        ],
        "commissioner": [reverse("core:home")],
        "expert": [reverse("core:home")],
        "enterprise": [reverse("core:home"), reverse("portal:profile"), reverse("portal:contacts_edit")],
        "pending": [reverse("core:home")],
    }
    choose(client, language)
    headers: dict[str, str] = {}
    html_lang = '<html lang="en">' if language == "en" else '<html lang="zh-Hans">'
    for role, urls in pages.items():
        client.force_login(zone_data[role])
        for url in urls:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (role, url)
            assert html_lang in response.content.decode(), (role, url)
    client.force_login(zone_data["officer"])
    assert client.get("/registry/enterprises/999999/", headers=headers).status_code == 404
    csv = "统一社会信用代码,企业名称,所属园区\n91440400MA4UJ3XX1X,珠海错码科技有限公司,唐家湾主园区\n"
    upload = SimpleUploadedFile("企业.csv", csv.encode(), content_type="text/csv")
    response = client.post(reverse("registry:import_upload"), {"kind": "enterprises", "file": upload}, headers=headers)
    preview = client.get(response["Location"], headers=headers)
    assert preview.status_code == 200
    html = preview.content.decode()
    if language == "en":
        assert "Found 1 error(s) (in 1 row(s))." in html
        assert "Row 2" in html
    else:
        assert "发现1处错误（涉及1行）。" in html
        assert "第2行" in html


@pytest.mark.django_db
def test_a_browser_preferring_english_still_gets_chinese(client) -> None:
    """The zone works in Chinese: the browser's Accept-Language is not a choice; only the language cookie is."""
    html = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "企业用户注册" in html


@pytest.mark.django_db
def test_set_language_view_switches_and_back(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Enterprise user registration" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert "企业用户注册" in client.get(reverse("accounts:login")).content.decode()
