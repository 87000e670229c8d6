"""`manage.py api_token USERNAME [--expires DAYS] [--name TEXT] [--json]` (FORMATS.md section 3).

Issues an API token for a system integration. The token carries exactly that user's role and data scope; the
clear token is printed once and only its digest is stored. `--revoke PREFIX` revokes a token by the prefix printed
when it was issued (or by the whole token). Errors are printed in Chinese and end with exit code 1.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gaoxin.accounts import services
from gaoxin.accounts.models import ApiToken, User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.core.errors import DomainError

MAX_EXPIRES_DAYS = 3650
#: How many characters of a token are kept in clear as its prefix (accounts.services.api_token_issue).
PREFIX_LENGTH = 10


def scope_description(user: User) -> str:
    """The data scope of a user in the words an IT officer would check it against (ARCHITECTURE.md)."""
    role = user.role
    if role == Role.ADMIN:
        return "全区（配置、用户与规则管理）"
    if role in ZONE_WIDE_ROLES:
        return "全区所有园区的企业" + ("（只读）" if role == Role.LEADER else "")
    if role == Role.PARK_OFFICER:
        parks = "、".join(park.name for park in user.parks.order_by("sort_order", "code")) or "（未指定园区）"
        return f"{parks}的企业"
    if role == Role.COMMISSIONER:
        return f"挂点服务的 {user.assigned_enterprises.count()} 家企业"
    if role == Role.EXPERT:
        return "分配给其评审的申报所涉企业（不含企业联系方式）"
    if role == Role.FINANCE:
        return "其拨付批次中的申报所涉企业"
    if role == Role.ENTERPRISE:
        if user.enterprise is None:
            return "尚未绑定企业（绑定审核通过前看不到任何企业数据）"
        return f"本企业：{user.enterprise.name}（{user.enterprise.uscc}）"
    return "无"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class Command(BaseCommand):
    help = "为用户签发接口令牌（令牌带有该用户的角色与数据范围，只显示一次），或用 --revoke 吊销令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="用户名（签发时必填；吊销时可选，用于核对令牌属于该用户）")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="有效天数；不填则长期有效")
        parser.add_argument("--name", default="", metavar="TEXT", help="用途说明，如“市统计局数据共享”")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（供脚本使用）")
        parser.add_argument("--revoke", metavar="PREFIX", help="吊销令牌：签发时显示的前缀（如 gx_AbCdEfG）或完整令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"]:
            self._revoke(options["revoke"], options["username"], as_json=options["json"])
            return
        username = options["username"]
        if not username:
            raise CommandError("请指定用户名：manage.py api_token 用户名 [--expires 天数]", returncode=1)
        expires = options["expires"]
        if expires is not None and not 1 <= expires <= MAX_EXPIRES_DAYS:
            raise CommandError(f"有效天数应在 1～{MAX_EXPIRES_DAYS} 之间", returncode=1)
        user = self._user(username)
        try:
            token, clear = services.api_token_issue(
                actor=None, user=user, name=options["name"].strip(), expires_days=expires
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        scope = scope_description(user)
        if options["json"]:
            payload = {
                "token": clear,
                "prefix": token.prefix,
                "username": user.username,
                "full_name": user.full_name,
                "role": user.role,
                "role_label": str(user.get_role_display()),
                "scope": scope,
                "name": token.name,
                "created_at": token.created_at.isoformat(),
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        expiry = (
            f"{_local(token.expires_at)}（北京时间，{expires} 天后）"
            if token.expires_at
            else "长期有效（可用 --expires 设置有效天数）"
        )
        lines = [
            f"已为用户 {user.username}（{user.display_name}）签发接口令牌：",
            "",
            f"    {clear}",
            "",
            "令牌只显示这一次，请立即交给对接系统妥善保存；平台只保存其摘要，遗失后只能吊销重签。",
            f"  角色：{user.get_role_display()}",
            f"  数据范围：{scope}",
            f"  用途：{token.name or '（未填写）'}",
            f"  到期：{expiry}",
            f"  前缀：{token.prefix}（吊销：manage.py api_token --revoke {token.prefix}）",
            "调用方式：请求头 Authorization: Bearer <令牌>，接口文档见 /api/v1/docs",
        ]
        self.stdout.write("\n".join(lines))

    def _user(self, username: str) -> User:
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}", returncode=1)
        if not user.is_active:
            raise CommandError(f"用户 {user.username} 已停用，不能签发接口令牌", returncode=1)
        return user

    def _revoke(self, value: str, username: str | None, *, as_json: bool) -> None:
        value = value.strip().rstrip("…").strip()
        tokens = ApiToken.objects.select_related("user").filter(revoked_at__isnull=True)
        if len(value) > PREFIX_LENGTH:  # the whole token
            matches = list(tokens.filter(digest=services._digest(value)))
        else:
            matches = list(tokens.filter(prefix=value))
        if username:
            matches = [t for t in matches if t.user.username.lower() == username.strip().lower()]
        if not matches:
            raise CommandError(f"没有找到未吊销的令牌：{value}", returncode=1)
        if len(matches) > 1:
            raise CommandError(f"前缀 {value} 对应 {len(matches)} 个令牌，请改用完整令牌吊销", returncode=1)
        token = services.api_token_revoke(actor=None, token=matches[0])
        revoked_at = token.revoked_at or timezone.now()
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "revoked": token.prefix,
                        "username": token.user.username,
                        "revoked_at": revoked_at.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"已吊销令牌 {token.prefix}…（用户 {token.user.username}），此后用它调用接口将返回 401。")
