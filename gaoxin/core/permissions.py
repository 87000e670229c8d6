"""What every app's permission checks share: the `Decision` they return (allowed, and the reason an officer would
read when not), `require` to turn a refusal into `PermissionDenied`, and who counts as a signed-in, active user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoxin.core.errors import PermissionDenied


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def is_active_user(actor: Any) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_active)


def require(decision: Decision) -> None:
    """Raise the refusal's reason as `PermissionDenied` (403 on pages and in the API)."""
    if not decision:
        raise PermissionDenied(decision.reason)
