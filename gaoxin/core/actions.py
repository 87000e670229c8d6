"""Form posts that run one service call: the success message, or the domain error's own Chinese message (nothing
changed), then back to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from gaoxin.core.errors import DomainError


def perform(request: HttpRequest, action: Callable[[], Any], done: str, to: str, **kwargs: Any) -> HttpResponse:
    """Run `action`; say `done`, or why it was refused; redirect to the URL named `to` (with `kwargs`)."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(to, **kwargs)
