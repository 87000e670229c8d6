"""Policy cashing endpoints of /api/v1/ (issue 6; being built)."""

from ninja import Router

router = Router(tags=["政策兑现"])
