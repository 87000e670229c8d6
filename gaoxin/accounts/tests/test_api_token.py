"""`manage.py api_token` and token authentication of /api/v1/: issue, expiry, revocation, scope, last use."""

import datetime as dt
import hashlib
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.models import ApiToken, User
from gaoxin.accounts.services import api_token_issue
from gaoxin.core.models import AuditEntry
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    """As IT staff run it. `run_from_argv` would print a CommandError to stderr and exit with its return code, but
    it also closes every database connection, which ends the test's transaction on PostgreSQL; so do the same here."""
    try:
        call_command("api_token", *args)
    except CommandError as exc:
        captured = capsys.readouterr()
        return exc.returncode, captured.out, captured.err + f"CommandError: {exc}\n"
    captured = capsys.readouterr()
    return 0, captured.out, captured.err


def token_in(output: str) -> str:
    return next(word for word in output.split() if word.startswith("gx_") and len(word) > 20)


def api(client: Client, token: str, path: str = "/enterprises") -> Any:
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def park_officer() -> User:
    park = f.ParkFactory(code="JW", name="金湾园区")
    return f.park_officer(park, username="jw_officer", full_name="陈园区")


# The command -----------------------------------------------------------------------------------------------


def test_issue_prints_the_token_once_with_a_chinese_explanation(park_officer: User) -> None:
    output = run("jw_officer")
    clear = token_in(output)
    token = ApiToken.objects.get()
    assert token.user == park_officer
    assert token.digest == hashlib.sha256(clear.encode()).hexdigest()
    assert token.prefix == clear[:10]
    assert token.expires_at is None
    assert clear not in {token.digest, token.prefix, token.name}  # only the digest is stored
    assert "已为用户 jw_officer（陈园区）签发接口令牌" in output
    assert "令牌只显示这一次" in output
    assert "角色：园区人员" in output
    assert "数据范围：金湾园区的企业" in output
    assert "到期：长期有效" in output
    assert f"manage.py api_token --revoke {token.prefix}" in output
    entry = AuditEntry.objects.get(target_type="accounts.apitoken")
    assert (entry.actor_label, entry.changes) == ("系统", {"接口令牌": [None, token.prefix + "…"]})


def test_issue_with_expiry_and_name(park_officer: User) -> None:
    before = timezone.now()
    output = run("jw_officer", "--expires", "30", "--name", "市统计局数据共享")
    token = ApiToken.objects.get()
    assert token.name == "市统计局数据共享"
    assert token.expires_at is not None
    assert before + dt.timedelta(days=30) <= token.expires_at <= timezone.now() + dt.timedelta(days=30)
    local = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"到期：{local}（北京时间，30 天后）" in output
    assert "用途：市统计局数据共享" in output


def test_issue_as_json(park_officer: User) -> None:
    payload = json.loads(run("jw_officer", "--json", "--expires", "7"))
    token = ApiToken.objects.get()
    assert set(payload) == {
        "token",
        "prefix",
        "username",
        "full_name",
        "role",
        "role_label",
        "scope",
        "name",
        "created_at",
        "expires_at",
    }
    assert payload["token"].startswith(payload["prefix"])
    assert hashlib.sha256(payload["token"].encode()).hexdigest() == token.digest
    assert (payload["username"], payload["role"], payload["role_label"]) == ("jw_officer", "park_officer", "园区人员")
    assert payload["scope"] == "金湾园区的企业"
    assert payload["expires_at"] == token.expires_at.isoformat()


@pytest.mark.parametrize(
    ("make", "scope"),
    [
        (lambda: f.officer(username="u"), "全区所有园区的企业"),
        (lambda: f.leader(username="u"), "全区所有园区的企业（只读）"),
        (lambda: f.admin(username="u"), "全区（配置、用户与规则管理）"),
        (lambda: f.expert(username="u"), "分配给其评审的申报所涉企业（不含企业联系方式）"),
        (lambda: f.finance(username="u"), "其拨付批次中的申报所涉企业"),
        (lambda: f.UserFactory(username="u", role="enterprise"), "尚未绑定企业（绑定审核通过前看不到任何企业数据）"),
    ],
)
def test_scope_is_described_per_role(make: Any, scope: str) -> None:
    make()
    assert json.loads(run("u", "--json"))["scope"] == scope


def test_scope_of_commissioner_and_enterprise_user() -> None:
    commissioner = f.commissioner(username="c1")
    f.EnterpriseFactory.create_batch(2, commissioner=commissioner)
    enterprise = f.EnterpriseFactory(name="珠海华芯微电子有限公司")
    f.enterprise_user(enterprise, username="e1")
    assert json.loads(run("c1", "--json"))["scope"] == "挂点服务的 2 家企业"
    assert json.loads(run("e1", "--json"))["scope"] == f"本企业：珠海华芯微电子有限公司（{enterprise.uscc}）"


def test_unknown_user_exits_1_in_chinese(capsys: Any) -> None:
    code, out, err = run_cli(capsys, "nobody")
    assert (code, out) == (1, "")
    assert "用户不存在：nobody" in err
    assert not ApiToken.objects.exists()


def test_inactive_user_exits_1(capsys: Any) -> None:
    f.officer(username="gone", is_active=False)
    code, _, err = run_cli(capsys, "gone")
    assert code == 1
    assert "用户 gone 已停用，不能签发接口令牌" in err
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "-3", "3651"])
def test_expiry_out_of_range_exits_1(capsys: Any, park_officer: User, days: str) -> None:
    code, _, err = run_cli(capsys, "jw_officer", "--expires", days)
    assert code == 1
    assert "有效天数应在 1～3650 之间" in err
    assert not ApiToken.objects.exists()


def test_missing_username_exits_1(capsys: Any) -> None:
    code, _, err = run_cli(capsys)
    assert code == 1
    assert "请指定用户名" in err


def test_call_command_raises_command_error_with_exit_code_1() -> None:
    with pytest.raises(CommandError, match="用户不存在") as exc_info:
        run("nobody")
    assert exc_info.value.returncode == 1


def test_revoke_by_prefix(client: Client, park_officer: User) -> None:
    clear = token_in(run("jw_officer"))
    other = token_in(run("jw_officer"))
    assert api(client, clear).status_code == 200
    output = run("--revoke", clear[:10])
    token = ApiToken.objects.get(prefix=clear[:10])
    assert token.revoked_at is not None
    assert f"已吊销令牌 {clear[:10]}…（用户 jw_officer）" in output
    assert api(client, clear).status_code == 401
    assert api(client, other).status_code == 200  # only that token
    assert AuditEntry.objects.filter(target_type="accounts.apitoken", changes={"状态": ["有效", "已吊销"]}).count() == 1


def test_revoke_by_whole_token_as_json(park_officer: User) -> None:
    clear = token_in(run("jw_officer"))
    payload = json.loads(run("--revoke", clear, "--json"))
    assert (payload["revoked"], payload["username"]) == (clear[:10], "jw_officer")
    assert ApiToken.objects.get().revoked_at is not None


def test_revoke_checks_the_username_when_given(capsys: Any, park_officer: User) -> None:
    f.officer(username="other")
    clear = token_in(run("jw_officer"))
    code, _, err = run_cli(capsys, "other", "--revoke", clear[:10])
    assert code == 1
    assert f"没有找到未吊销的令牌：{clear[:10]}" in err
    assert ApiToken.objects.get().revoked_at is None


def test_revoke_unknown_or_already_revoked_exits_1(capsys: Any, park_officer: User) -> None:
    clear = token_in(run("jw_officer"))
    run("--revoke", clear[:10])
    code, _, err = run_cli(capsys, "--revoke", clear[:10])
    assert code == 1
    assert "没有找到未吊销的令牌" in err
    code, _, err = run_cli(capsys, "--revoke", "gx_nothing")
    assert code == 1


# Token authentication --------------------------------------------------------------------------------------


def test_token_authenticates(client: Client) -> None:
    f.EnterpriseFactory.create_batch(2)
    clear = token_in(run(f.officer(username="o").username))
    response = api(client, clear)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_expired_token_answers_401(client: Client, park_officer: User) -> None:
    token, clear = api_token_issue(actor=None, user=park_officer, expires_days=1)
    assert api(client, clear).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api(client, clear)
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录，或接口令牌无效、已过期、已吊销"


def test_token_of_a_deactivated_user_answers_401(client: Client, park_officer: User) -> None:
    _, clear = api_token_issue(actor=None, user=park_officer)
    park_officer.is_active = False
    park_officer.save()
    assert api(client, clear).status_code == 401


def test_tampered_token_answers_401(client: Client, park_officer: User) -> None:
    _, clear = api_token_issue(actor=None, user=park_officer)
    tampered = clear[:-1] + ("A" if clear[-1] != "A" else "B")
    assert api(client, tampered).status_code == 401


def test_token_carries_exactly_its_users_scope(client: Client, park_officer: User) -> None:
    own_park = park_officer.parks.get()
    mine = f.EnterpriseFactory(park=own_park, name="珠海华芯微电子有限公司")
    other = f.EnterpriseFactory(park=f.ParkFactory(code="HQ", name="横琴园区"), name="横琴海洋生物有限公司")
    clear = token_in(run("jw_officer"))
    body = api(client, clear).json()
    assert body == {
        "count": 1,
        "items": [
            {
                "id": mine.pk,
                "uscc": mine.uscc,
                "name": "珠海华芯微电子有限公司",
                "park": "金湾园区",
                "park_id": own_park.pk,
                "park_code": "JW",
                "industry": None,
                "industry_id": None,
                "chain_stage": "",
                "is_above_scale": False,
                "status": "存续",
            }
        ],
    }
    assert api(client, clear, f"/enterprises/{other.pk}").status_code == 404
    assert api(client, clear, f"/enterprises/{mine.pk}").status_code == 200
    assert [p["code"] for p in api(client, clear, "/parks").json()] == ["JW"]
    # the token follows the user's scope as it is now, not as it was when issued
    park_officer.parks.add(other.park)
    assert api(client, clear).json()["count"] == 2


def test_last_used_is_recorded_at_most_once_a_minute(client: Client, park_officer: User) -> None:
    token, clear = api_token_issue(actor=None, user=park_officer)
    assert token.last_used_at is None
    before = timezone.now()
    api(client, clear)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert before <= token.last_used_at <= timezone.now()
    first_use = token.last_used_at
    api(client, clear)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - dt.timedelta(minutes=2))
    api(client, clear)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_failed_authentication_does_not_record_use(client: Client, park_officer: User) -> None:
    token, clear = api_token_issue(actor=None, user=park_officer)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert api(client, clear).status_code == 401
    token.refresh_from_db()
    assert token.last_used_at is None
