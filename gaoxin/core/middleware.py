"""Request middleware of the platform: domain errors to pages, and the language of each request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from gaoxin.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = "core/error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
        return render(request, template, {"error": exception}, status=exception.status)


class ChosenLanguageMiddleware:
    """Chinese unless the user chose another language (the cookie Django's `set_language` view writes).

    Unlike LocaleMiddleware it ignores the browser's Accept-Language: an officer on an English-language system must
    still see the platform in Chinese, as the zone works in Chinese. It also activates the language on every request,
    so a thread never keeps a previous request's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
