"""The registry's permission matrix: the eight roles × every registry action, through the pages (Django test
client, force_login) and the API (a Bearer token from api_token_issue) wherever the action exists in both.

One small world serves every cell: two parks, "mine" (金湾园区, assigned to the commissioner and — through a
scope extension, as the policy module will do — to the expert, bound to the enterprise user) and "theirs"
(横琴园区). The expected answer of each cell is derived from the tables below, which restate ARCHITECTURE.md's
"Roles and data scope"; a denied write is also checked to have changed nothing and written no audit entry.
After the matrix come the boundaries worth a test of their own.
"""

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import BindingStatus, EnterpriseBinding, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.services import api_token_issue
from gaoxin.core.models import AuditEntry
from gaoxin.registry import selectors, services
from gaoxin.registry.models import Enterprise, EnterpriseCheck, Park, Qualification
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
assert ROLES == ["leader", "officer", "park_officer", "commissioner", "expert", "finance", "enterprise", "admin"]

#: Which of the two enterprises each role can see at all.
VISIBLE: dict[str, set[str]] = {
    "leader": {"mine", "theirs"},
    "officer": {"mine", "theirs"},
    "admin": {"mine", "theirs"},
    "park_officer": {"mine"},
    "commissioner": {"mine"},
    "expert": {"mine"},
    "enterprise": {"mine"},
    "finance": set(),
}
EDITORS = {"officer", "park_officer"}
EXPORTERS = set(ROLES) - {"expert", "enterprise"}
CONTACT_VIEWERS = set(ROLES) - {"expert"}
BINDING_APPROVERS = {"officer", "park_officer", "admin"}
USER_MANAGERS = {"admin"}
STRUCTURE_EDITORS = {"admin", "officer"}

NAMES = {"mine": "珠海华芯微电子有限公司", "theirs": "横琴海洋生物有限公司"}
PHONES = {"mine": "13900000001", "theirs": "13900000002"}


@dataclass
class World:
    park_a: Park
    park_b: Park
    mine: Enterprise
    theirs: Enterprise
    users: dict[str, User]
    tokens: dict[str, str]
    binding: EnterpriseBinding

    def enterprise(self, key: str) -> Enterprise:
        return self.mine if key == "mine" else self.theirs


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    park_a = f.ParkFactory(code="JW", name="金湾园区")
    park_b = f.ParkFactory(code="HQ", name="横琴园区")
    commissioner = f.commissioner(username="commissioner")
    mine = f.EnterpriseFactory(
        uscc=f.make_uscc(201),
        name=NAMES["mine"],
        park=park_a,
        commissioner=commissioner,
        contact_name="王芳",
        contact_phone=PHONES["mine"],
    )
    theirs = f.EnterpriseFactory(
        uscc=f.make_uscc(202), name=NAMES["theirs"], park=park_b, contact_name="李强", contact_phone=PHONES["theirs"]
    )
    soon = timezone.localdate() + dt.timedelta(days=30)
    for e in (mine, theirs):
        f.QualificationFactory(enterprise=e, qtype=f.qualification_type("hnte"), valid_until=soon)
    users = {
        "leader": f.leader(username="leader"),
        "officer": f.officer(username="officer"),
        "park_officer": f.park_officer(park_a, username="park_officer"),
        "commissioner": commissioner,
        "expert": f.expert(username="expert"),
        "finance": f.finance(username="finance"),
        "enterprise": f.enterprise_user(mine, username="enterprise"),
        "admin": f.admin(username="admin"),
    }
    expert_pk = users["expert"].pk
    # What the policy module will register: the enterprises of the applications assigned to an expert.
    monkeypatch.setattr(selectors, "SCOPE_EXTENSIONS", [lambda actor: [mine.pk] if actor.pk == expert_pk else None])
    binding = account_services.enterprise_user_register(
        username="applicant",
        password="Zhuhai@2026gx",
        full_name="周申请",
        phone="13800138000",
        uscc=mine.uscc,
        enterprise_name=mine.name,
    )
    tokens = {role: api_token_issue(actor=None, user=user)[1] for role, user in users.items()}
    return World(park_a, park_b, mine, theirs, users, tokens, binding)


def page(client: Client, world: World, role: str) -> Client:
    client.force_login(world.users[role])
    return client


def api(client: Client, world: World, role: str, path: str, **params: Any) -> Any:
    return client.get(f"/api/v1{path}", params, headers={"Authorization": f"Bearer {world.tokens[role]}"})


def state() -> tuple[Any, ...]:
    """Everything a registry write could change, to assert that a denied one changed nothing."""
    return (
        list(Enterprise.objects.order_by("pk").values()),
        list(Qualification.objects.order_by("pk").values()),
        list(Park.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "username", "role", "enterprise_id", "is_active")),
        list(EnterpriseBinding.objects.order_by("pk").values("pk", "status", "decided_by_id")),
        AuditEntry.objects.count(),
    )


def denied(response: Any, status: int, before: tuple[Any, ...]) -> None:
    assert response.status_code == status
    assert state() == before


def enterprise_form(e: Enterprise, **changes: Any) -> dict[str, Any]:
    data = {
        "name": e.name,
        "park": e.park_id,
        "industry": e.industry_id or "",
        "nic_code": e.nic_code,
        "chain_stage": e.chain_stage,
        "founded_on": e.founded_on.isoformat() if e.founded_on else "",
        "registered_capital_wan": "",
        "address": e.address,
        "legal_representative": e.legal_representative,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
        "finance_contact_name": e.finance_contact_name,
        "finance_contact_phone": e.finance_contact_phone,
        "email": e.email,
        "above_scale_since": "",
        "status": e.status,
        "commissioner": e.commissioner_id or "",
        "reason": "核对营业执照",
    }
    return {**data, **changes}


def expected_read(role: str, key: str) -> int:
    return 200 if key in VISIBLE[role] else 404


def expected_write(role: str, key: str = "mine") -> int:
    """A write on an enterprise: not found outside the scope, forbidden inside it without the verb."""
    if key not in VISIBLE[role]:
        return 404
    return 302 if role in EDITORS else 403


# The matrix ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_enterprises_page(client: Client, world: World, role: str) -> None:
    html = page(client, world, role).get("/registry/enterprises/").content.decode()
    for key, name in NAMES.items():
        assert (name in html) == (key in VISIBLE[role]), (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_list_enterprises_api(client: Client, world: World, role: str) -> None:
    body = api(client, world, role, "/enterprises").json()
    assert body["count"] == len(VISIBLE[role])
    assert {row["id"] for row in body["items"]} == {world.enterprise(k).pk for k in VISIBLE[role]}
    quals = api(client, world, role, "/qualifications").json()
    assert {row["enterprise_id"] for row in quals["items"]} == {world.enterprise(k).pk for k in VISIBLE[role]}


@pytest.mark.parametrize("key", ["mine", "theirs"], ids=["in_scope", "out_of_scope"])
@pytest.mark.parametrize("role", ROLES)
def test_view_enterprise_page(client: Client, world: World, role: str, key: str) -> None:
    response = page(client, world, role).get(f"/registry/enterprises/{world.enterprise(key).pk}/")
    assert response.status_code == expected_read(role, key)
    assert (NAMES[key] in response.content.decode()) == (key in VISIBLE[role])


@pytest.mark.parametrize("key", ["mine", "theirs"], ids=["in_scope", "out_of_scope"])
@pytest.mark.parametrize("role", ROLES)
def test_view_enterprise_api(client: Client, world: World, role: str, key: str) -> None:
    response = api(client, world, role, f"/enterprises/{world.enterprise(key).pk}")
    assert response.status_code == expected_read(role, key)
    if response.status_code == 404:
        missing = api(client, world, role, f"/enterprises/{world.theirs.pk + 1000}")
        assert response.content == missing.content  # out of scope looks exactly like missing
    else:
        assert response.json()["name"] == NAMES[key]


@pytest.mark.parametrize("role", ROLES)
def test_edit_enterprise(client: Client, world: World, role: str) -> None:
    before = state()
    url = f"/registry/enterprises/{world.mine.pk}/edit/"
    response = page(client, world, role).post(url, enterprise_form(world.mine, name="珠海华芯半导体有限公司"))
    status = expected_write(role)
    if status != 302:
        denied(response, status, before)
        assert page(client, world, role).get(url).status_code == status
        return
    assert response.status_code == 302
    world.mine.refresh_from_db()
    assert world.mine.name == "珠海华芯半导体有限公司"
    entry = AuditEntry.objects.get(enterprise_id=world.mine.pk, action="update")
    assert (entry.actor, entry.changes) == (world.users[role], {"企业名称": [NAMES["mine"], "珠海华芯半导体有限公司"]})


@pytest.mark.parametrize("role", ROLES)
def test_create_enterprise(client: Client, world: World, role: str) -> None:
    before = state()
    uscc = f.make_uscc(299)
    data = {**enterprise_form(world.mine, name="珠海新登记科技有限公司", commissioner=""), "uscc": uscc}
    response = page(client, world, role).post("/registry/enterprises/new/", data)
    if role not in EDITORS:
        denied(response, 403, before)
        return
    assert response.status_code == 302
    created = Enterprise.objects.get(uscc=uscc)
    assert (created.name, created.park) == ("珠海新登记科技有限公司", world.park_a)
    assert AuditEntry.objects.filter(enterprise_id=created.pk, action="create").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_export_enterprises(client: Client, world: World, role: str) -> None:
    response = page(client, world, role).get("/registry/enterprises/export.xlsx")
    if role not in EXPORTERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    exported = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {NAMES[k] for k in VISIBLE[role]}


@pytest.mark.parametrize("role", ROLES)
def test_add_qualification(client: Client, world: World, role: str) -> None:
    before = state()
    data = {
        "qtype": f.qualification_type("tech_sme").pk,
        "level": "",
        "certificate_no": "KX-2026-001",
        "recognized_on": "2026-05-01",
        "valid_until": "",
    }
    response = page(client, world, role).post(f"/registry/enterprises/{world.mine.pk}/qualifications/new/", data)
    status = expected_write(role)
    if status != 302:
        denied(response, status, before)
        return
    assert response.status_code == 302
    added = Qualification.objects.get(certificate_no="KX-2026-001")
    assert (added.enterprise, added.qtype.code) == (world.mine, "tech_sme")
    assert AuditEntry.objects.filter(enterprise_id=world.mine.pk, action="create", actor=world.users[role]).count() == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ["mine", "theirs"])
def test_record_verified_matters(client: Client, world: World, role: str, key: str) -> None:
    """核实事项 are enterprise data: whoever may edit the enterprise records them; others are refused, changing
    nothing; an enterprise outside the caller's scope answers 404."""
    e = world.enterprise(key)
    before = state()
    checks_before = list(EnterpriseCheck.objects.values())
    data = {"major_incident_last_year-value": "no", "major_incident_last_year-checked_on": "2026-03-02",
            "major_incident_last_year-basis": "应急管理局函复"}  # fmt: skip
    response = page(client, world, role).post(f"/registry/enterprises/{e.pk}/checks/", data)
    status = expected_write(role, key)
    if status != 302:
        denied(response, status, before)
        assert list(EnterpriseCheck.objects.values()) == checks_before
        return
    check = EnterpriseCheck.objects.get(enterprise=e)
    assert (check.name, check.value, check.basis, check.checked_by) == (
        "major_incident_last_year",
        False,
        "应急管理局函复",
        world.users[role],
    )
    shown = page(client, world, role).get(f"/registry/enterprises/{e.pk}/").content.decode()
    assert "上年度未发生重大安全、质量、环境污染事故" in shown
    assert "应急管理局函复" in shown


@pytest.mark.parametrize("role", ROLES)
def test_see_contact_data_page(client: Client, world: World, role: str) -> None:
    response = page(client, world, role).get(f"/registry/enterprises/{world.mine.pk}/")
    html = response.content.decode()
    assert (PHONES["mine"] in html) == ("mine" in VISIBLE[role] and role in CONTACT_VIEWERS), role
    assert ("联系方式" in html) == ("mine" in VISIBLE[role] and role in CONTACT_VIEWERS), role


@pytest.mark.parametrize("role", ROLES)
def test_see_contact_data_api(client: Client, world: World, role: str) -> None:
    response = api(client, world, role, f"/enterprises/{world.mine.pk}")
    if "mine" not in VISIBLE[role]:
        assert response.status_code == 404
        return
    contacts = response.json()["contacts"]
    if role in CONTACT_VIEWERS:
        assert contacts == {
            "contact_name": "王芳",
            "contact_phone": PHONES["mine"],
            "finance_contact_name": "",
            "finance_contact_phone": "",
            "email": "",
        }
    else:
        assert contacts is None
        assert PHONES["mine"].encode() not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_view_expiring_list(client: Client, world: World, role: str) -> None:
    response = page(client, world, role).get("/registry/qualifications/expiring/")
    assert response.status_code == 200
    html = response.content.decode()
    for key, name in NAMES.items():
        assert (name in html) == (key in VISIBLE[role]), (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_approve_binding(client: Client, world: World, role: str) -> None:
    before = state()
    url = f"/accounts/bindings/{world.binding.pk}/decide/"
    response = page(client, world, role).post(url, {"decision": "approve"})
    if role not in BINDING_APPROVERS:
        denied(response, 404, before)
        assert page(client, world, role).get("/accounts/bindings/").status_code == 403
        return
    assert response.status_code == 302
    world.binding.refresh_from_db()
    assert (world.binding.status, world.binding.decided_by) == (BindingStatus.APPROVED, world.users[role])
    assert User.objects.get(username="applicant").enterprise == world.mine


@pytest.mark.parametrize("role", ROLES)
def test_manage_users(client: Client, world: World, role: str) -> None:
    before = state()
    data = {
        "username": "newbie",
        "full_name": "新同事",
        "phone": "",
        "email": "",
        "role": "officer",
        "department": "",
        "is_active": "on",
        "enterprise_uscc": "",
    }
    response = page(client, world, role).post("/accounts/users/new/", data)
    if role not in USER_MANAGERS:
        denied(response, 403, before)
        assert page(client, world, role).get("/accounts/users/").status_code == 403
        other = world.users["officer"].pk
        assert page(client, world, role).get(f"/accounts/users/{other}/edit/").status_code == 404
        return
    assert response.status_code == 302
    assert User.objects.get(username="newbie").role == Role.OFFICER
    assert page(client, world, role).get("/accounts/users/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_edit_zone_structure(client: Client, world: World, role: str) -> None:
    before = state()
    data = {"code": "XP", "name": "新区园区", "short_name": "新区", "sort_order": "9"}
    response = page(client, world, role).post("/registry/structure/park/new/", data)
    rename = page(client, world, role).post(
        f"/registry/structure/park/{world.park_b.pk}/edit/", {"code": "HQ", "name": "横琴新园区", "sort_order": "0"}
    )
    if role not in STRUCTURE_EDITORS:
        denied(response, 403, before)
        denied(rename, 403, before)
        return
    assert (response.status_code, rename.status_code) == (302, 302)
    assert Park.objects.get(code="XP").name == "新区园区"
    assert Park.objects.get(code="HQ").name == "横琴新园区"


# Boundaries worth a test of their own ---------------------------------------------------------------------


def test_park_officer_cannot_see_or_guess_another_parks_enterprise(client: Client, world: World) -> None:
    theirs = world.theirs
    qualification = theirs.qualifications.get()
    c = page(client, world, "park_officer")
    before = state()
    missing_id = theirs.pk + 1000
    for url in [
        f"/registry/enterprises/{theirs.pk}/",
        f"/registry/enterprises/{theirs.pk}/edit/",
        f"/registry/enterprises/{theirs.pk}/qualifications/new/",
        f"/registry/enterprises/{theirs.pk}/qualifications/{qualification.pk}/edit/",
    ]:
        assert c.get(url).status_code == 404, url
        assert c.get(url.replace(str(theirs.pk), str(missing_id), 1)).status_code == 404, url
        assert c.post(url, enterprise_form(theirs, name="改名")).status_code == 404, url
    # someone else's qualification reached through one's own enterprise is not found either
    assert c.get(f"/registry/enterprises/{world.mine.pk}/qualifications/{qualification.pk}/edit/").status_code == 404
    delete = f"/registry/enterprises/{theirs.pk}/qualifications/{qualification.pk}/delete/"
    assert c.post(delete, {"reason": "误录"}).status_code == 404
    assert state() == before
    # absent from the list, the search, the export, the expiring list, and every API answer
    assert NAMES["theirs"] not in c.get("/registry/enterprises/", {"q": "横琴"}).content.decode()
    assert NAMES["theirs"] not in c.get("/registry/enterprises/", {"q": theirs.uscc}).content.decode()
    assert NAMES["theirs"] not in c.get("/registry/enterprises/", {"park": world.park_b.pk}).content.decode()
    export = c.get("/registry/enterprises/export.xlsx", {"q": "横琴"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content), read_only=True).active
    assert sheet is not None
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []
    hidden = api(client, world, "park_officer", f"/enterprises/{theirs.pk}")
    nowhere = api(client, world, "park_officer", f"/enterprises/{missing_id}")
    assert (hidden.status_code, hidden.content) == (404, nowhere.content)
    assert api(client, world, "park_officer", "/enterprises", q="横琴").json() == {"count": 0, "items": []}
    assert api(client, world, "park_officer", "/enterprises", q=theirs.uscc).json() == {"count": 0, "items": []}
    assert api(client, world, "park_officer", "/enterprises", park=world.park_b.pk).json() == {"count": 0, "items": []}
    assert api(client, world, "park_officer", "/qualifications", enterprise=theirs.pk).json() == {
        "count": 0,
        "items": [],
    }
    assert [p["code"] for p in api(client, world, "park_officer", "/parks").json()] == ["JW"]


def test_park_officer_cannot_move_an_enterprise_to_another_park(client: Client, world: World) -> None:
    before = state()
    url = f"/registry/enterprises/{world.mine.pk}/edit/"
    response = page(client, world, "park_officer").post(url, enterprise_form(world.mine, park=world.park_b.pk))
    assert response.status_code == 200  # the form answers that the park is not a choice
    assert "park" in response.context["form"].errors
    assert state() == before


def test_park_officer_cannot_decide_another_parks_binding(client: Client, world: World) -> None:
    other = account_services.enterprise_user_register(
        username="hq_applicant",
        password="Zhuhai@2026gx",
        full_name="林申请",
        phone="13800138001",
        uscc=world.theirs.uscc,
        enterprise_name=world.theirs.name,
    )
    before = state()
    response = page(client, world, "park_officer").post(
        f"/accounts/bindings/{other.pk}/decide/", {"decision": "approve"}
    )
    denied(response, 404, before)


def test_enterprise_user_cannot_read_another_enterprise(client: Client, world: World) -> None:
    c = page(client, world, "enterprise")
    assert c.get(f"/registry/enterprises/{world.theirs.pk}/").status_code == 404
    assert api(client, world, "enterprise", f"/enterprises/{world.theirs.pk}").status_code == 404
    assert api(client, world, "enterprise", "/qualifications", enterprise=world.theirs.pk).json()["count"] == 0
    assert NAMES["theirs"] not in c.get("/portal/profile/").content.decode()


def test_enterprise_contacts_form_changes_only_contacts(client: Client, world: World) -> None:
    mine = world.mine
    before = Enterprise.objects.values().get(pk=mine.pk)
    response = page(client, world, "enterprise").post(
        "/portal/profile/contacts/",
        {
            "contact_name": "王芳芳",
            "contact_phone": "13900000009",
            "finance_contact_name": "赵敏",
            "finance_contact_phone": "0756-1234567",
            "email": "finance@huaxin.example.cn",
            # officer-owned fields smuggled into the form: all must be ignored
            "name": "改了名的公司",
            "park": world.park_b.pk,
            "is_above_scale": "on",
            "above_scale_since": "2020-01-01",
            "status": "deregistered",
            "registered_capital": "999999999",
            "commissioner": "",
            "uscc": f.make_uscc(777),
        },
    )
    assert response.status_code == 302
    after = Enterprise.objects.values().get(pk=mine.pk)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {
        "contact_name",
        "contact_phone",
        "finance_contact_name",
        "finance_contact_phone",
        "email",
        "updated_at",
    }
    assert (after["name"], after["park_id"], after["is_above_scale"], after["status"]) == (
        NAMES["mine"],
        world.park_a.pk,
        False,
        "active",
    )
    entry = AuditEntry.objects.get(enterprise_id=mine.pk, action="update")
    assert set(entry.changes) == {"联系人", "联系电话", "财务负责人", "财务负责人电话", "电子邮箱"}


def test_enterprise_user_cannot_edit_officer_fields_of_its_own(client: Client, world: World) -> None:
    before = state()
    c = page(client, world, "enterprise")
    url = f"/registry/enterprises/{world.mine.pk}/edit/"
    denied(c.post(url, enterprise_form(world.mine, name="改了名的公司", is_above_scale="on")), 403, before)
    assert c.get(url).status_code == 403
    assert c.get("/registry/enterprises/new/").status_code == 403


def test_enterprise_user_with_pending_binding_sees_nothing(client: Client, world: World) -> None:
    applicant = world.binding.user
    assert (world.binding.status, applicant.enterprise_id) == (BindingStatus.PENDING, None)
    client.force_login(applicant)
    assert NAMES["mine"] not in client.get("/registry/enterprises/").content.decode()
    assert client.get(f"/registry/enterprises/{world.mine.pk}/").status_code == 404
    assert client.get("/portal/profile/").status_code == 404
    assert client.get("/portal/profile/contacts/").status_code == 404
    assert NAMES["mine"] not in client.get("/registry/qualifications/expiring/").content.decode()
    home = client.get("/").content.decode()
    assert "绑定申请审核中" in home
    assert PHONES["mine"] not in home
    assert world.mine.qualifications.get().certificate_no not in home
    token = api_token_issue(actor=None, user=applicant)[1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/enterprises", headers=headers).json() == {"count": 0, "items": []}
    assert client.get("/api/v1/qualifications", headers=headers).json() == {"count": 0, "items": []}
    assert client.get(f"/api/v1/enterprises/{world.mine.pk}", headers=headers).status_code == 404


def test_expert_sees_no_contact_data_even_in_the_history(client: Client, world: World) -> None:
    services.enterprise_update_contacts(
        actor=world.users["enterprise"], enterprise=world.mine, data={"contact_phone": "13900000077"}
    )
    services.enterprise_update(
        actor=world.users["officer"], enterprise=world.mine, data={"address": "珠海市金湾区红旗镇1号"}
    )
    expert_html = page(client, world, "expert").get(f"/registry/enterprises/{world.mine.pk}/").content.decode()
    assert "13900000077" not in expert_html
    assert PHONES["mine"] not in expert_html
    assert "珠海市金湾区红旗镇1号" in expert_html  # the rest of the history is there
    officer_html = page(client, world, "officer").get(f"/registry/enterprises/{world.mine.pk}/").content.decode()
    assert "13900000077" in officer_html
    assert PHONES["mine"] in officer_html  # the old number, in the history


def test_commissioner_sees_only_assigned_enterprises(client: Client, world: World) -> None:
    unassigned = f.EnterpriseFactory(park=world.park_a, name="珠海未挂点科技有限公司")
    c = page(client, world, "commissioner")
    assert "珠海未挂点科技有限公司" not in c.get("/registry/enterprises/", {"q": "珠海"}).content.decode()
    assert c.get(f"/registry/enterprises/{unassigned.pk}/").status_code == 404
    body = api(client, world, "commissioner", "/enterprises", q="珠海").json()
    assert [row["name"] for row in body["items"]] == [NAMES["mine"]]
    services.enterprise_update(
        actor=world.users["officer"], enterprise=unassigned, data={"commissioner": world.users["commissioner"]}
    )
    assert c.get(f"/registry/enterprises/{unassigned.pk}/").status_code == 200
