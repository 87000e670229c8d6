"""Briefing endpoints of /api/v1/ (issue 8; being built)."""

from ninja import Router

router = Router(tags=["简报与报表"])
