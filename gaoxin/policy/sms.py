"""Text messages (短信) behind a pluggable backend, chosen by `settings.POLICY_SMS_BACKEND` (a dotted path).

The platform ships two: `ConsoleBackend` (prints, the default in development) and `FileBackend` (appends one JSON
line per message to `settings.POLICY_SMS_FILE`, for a test or a pilot). A zone plugs in its operator's gateway by
writing a class with `send(phone, text)` and naming it in the setting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[短信] {phone}：{text}\n")


class FileBackend:
    def send(self, phone: str, text: str) -> None:
        path = Path(settings.POLICY_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False)
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


def backend() -> SmsBackend:
    cls = import_string(settings.POLICY_SMS_BACKEND)
    instance: SmsBackend = cls()
    return instance
