"""Accounts: self-registration and binding approval, passwords, lockout, session expiry, forced password change."""

import pytest
from django.conf import settings
from django.urls import reverse

from gaoxin.accounts import services
from gaoxin.accounts.models import BindingStatus, User
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.registry import selectors
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Zhuhai@2026gx"


def register(enterprise_uscc: str, name: str = "珠海华芯微电子有限公司", username: str = "huaxin") -> object:
    return services.enterprise_user_register(
        username=username,
        password=GOOD_PASSWORD,
        full_name="王小明",
        phone="13800138000",
        uscc=enterprise_uscc,
        enterprise_name=name,
    )


def test_registration_sees_nothing_until_approved() -> None:
    e = f.EnterpriseFactory(name="珠海华芯微电子有限公司")
    binding = register(e.uscc)
    user = binding.user
    assert binding.status == BindingStatus.PENDING
    assert binding.enterprise == e
    assert user.enterprise is None
    assert list(selectors.enterprise_scope(user)) == []
    services.binding_approve(actor=f.officer(), binding=binding)
    user.refresh_from_db()
    assert user.enterprise == e
    assert list(selectors.enterprise_scope(user)) == [e]


def test_registration_refuses_bad_uscc_and_weak_password() -> None:
    with pytest.raises(ValidationFailed, match="校验位错误"):
        register("11440400MB2C80228H")
    with pytest.raises(ValidationFailed):
        services.enterprise_user_register(
            username="weak",
            password="12345678",
            full_name="x",
            phone="13800138000",
            uscc=f.make_uscc(3),
            enterprise_name="x",
        )
    assert not User.objects.exists()


def test_duplicate_username_refused() -> None:
    register(f.make_uscc(5), username="dup")
    with pytest.raises(Conflict):
        register(f.make_uscc(6), username="DUP")


def test_park_officer_decides_only_own_park_bindings() -> None:
    mine, other = f.ParkFactory(), f.ParkFactory()
    e = f.EnterpriseFactory(park=other)
    binding = register(e.uscc)
    with pytest.raises(PermissionDenied):
        services.binding_approve(actor=f.park_officer(mine), binding=binding)
    binding.refresh_from_db()
    assert binding.status == BindingStatus.PENDING


def test_unknown_enterprise_cannot_be_approved_until_registered() -> None:
    binding = register(f.make_uscc(7))
    with pytest.raises(ValidationFailed, match="请先登记企业"):
        services.binding_approve(actor=f.officer(), binding=binding)
    e = f.EnterpriseFactory(uscc=binding.uscc)
    services.binding_approve(actor=f.officer(), binding=binding)
    binding.user.refresh_from_db()
    assert binding.user.enterprise == e


def test_reject_needs_reason() -> None:
    binding = register(f.EnterpriseFactory().uscc)
    with pytest.raises(ValidationFailed):
        services.binding_reject(actor=f.officer(), binding=binding, reason="")
    services.binding_reject(actor=f.officer(), binding=binding, reason="申请人非本企业员工")
    binding.refresh_from_db()
    assert binding.status == BindingStatus.REJECTED


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Zhuhai@2026gx", True),
        ("zhuhai2026gx", False),
        ("Short1!", False),
        ("1234567890123", False),
        ("ZHUHAI2026GX!", True),
    ],
)
def test_password_rules(password: str, ok: bool) -> None:
    user = f.officer()
    if ok:
        services.password_change(user=user, old_password=f.DEFAULT_PASSWORD, new_password=password)
        assert user.check_password(password)
    else:
        with pytest.raises(ValidationFailed):
            services.password_change(user=user, old_password=f.DEFAULT_PASSWORD, new_password=password)


def test_argon2_is_the_production_hasher() -> None:
    from gaoxin.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_session_expires_when_idle() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_lockout_after_five_failures(client) -> None:
    f.officer(username="zhangsan")
    url = reverse("accounts:login")
    for _ in range(5):
        response = client.post(url, {"username": "zhangsan", "password": "wrong-password"})
    assert response.status_code in (403, 429)
    assert "锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(url, {"username": "zhangsan", "password": f.DEFAULT_PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_failed_login_message_is_chinese(client) -> None:
    f.officer(username="lisi")
    response = client.post(reverse("accounts:login"), {"username": "lisi", "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_one_time_password_forces_change(client) -> None:
    user, password = services.user_create(actor=f.admin(), username="newbie", role="leader")
    assert user.must_change_password
    client.post(reverse("accounts:login"), {"username": "newbie", "password": password})
    response = client.get("/registry/enterprises/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert client.get("/registry/enterprises/").status_code == 200


def test_user_scope_must_be_complete() -> None:
    with pytest.raises(ValidationFailed, match="至少一个园区"):
        services.user_create(actor=f.admin(), username="p1", role="park_officer")
    with pytest.raises(ValidationFailed, match="企业用户须指定企业"):
        services.user_create(actor=f.admin(), username="e1", role="enterprise")
    with pytest.raises(PermissionDenied):
        services.user_create(actor=f.officer(), username="x1", role="leader")
    assert not User.objects.filter(username__in=["p1", "e1", "x1"]).exists()


def test_registration_page_flow(client) -> None:
    e = f.EnterpriseFactory(name="珠海华芯微电子有限公司")
    response = client.post(
        reverse("accounts:register"),
        {
            "uscc": e.uscc,
            "enterprise_name": e.name,
            "full_name": "王小明",
            "phone": "13800138000",
            "username": "huaxin",
            "password": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "绑定申请审核中" in home
    assert client.get("/portal/profile/").status_code == 404
    assert client.get(f"/registry/enterprises/{e.pk}/").status_code == 404
