"""The structure of a briefing's text (generated or edited) and the fonts its exports use.

A line beginning with "一、" is a chapter heading, "（一）" a section heading, "1." (or "1．") a numbered item whose
first sentence is its run-in heading; any other line is a paragraph. Blank lines are ignored. So an officer who edits
the text keeps the layout by keeping the numbering, as in any official document.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass

from django.conf import settings

CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")
SECTION = re.compile(r"^（[一二三四五六七八九十]+）")
ITEM = re.compile(r"^\d+[.．]")


@dataclass(frozen=True)
class Block:
    kind: str  # chapter / section / item / paragraph
    text: str
    #: An item's run-in heading ("1.拖累增长的企业。"), shown in bold; the rest is `text`.
    lead: str = ""


def parse(text: str) -> list[Block]:
    blocks = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if CHAPTER.match(line):
            blocks.append(Block("chapter", line))
        elif SECTION.match(line):
            blocks.append(Block("section", line))
        elif ITEM.match(line):
            stop = line.find("。")
            if 0 < stop < 40:
                blocks.append(Block("item", line[stop + 1 :], lead=line[: stop + 1]))
            else:
                blocks.append(Block("item", line))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


@functools.cache
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows (every name of each family), empty when fc-list is missing."""
    command = shutil.which("fc-list")
    if command is None:
        return frozenset()
    try:
        out = subprocess.run(  # noqa: S603 — a fixed command, no user input
            [command, ":", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def font(role: str) -> str:
    """The first installed font of BRIEFING_FONTS[role] (body 仿宋-like, title 小标宋-like, heading 黑体-like,
    subheading 楷体-like); the last of the list when none is (the reader's Word substitutes its own)."""
    choices = settings.BRIEFING_FONTS[role]
    installed = installed_families()
    return next((name for name in choices if name in installed), choices[-1])


def font_stack(role: str) -> str:
    """A CSS font-family list: the chosen font first, then the rest of the preferences and a generic family."""
    choices = [font(role), *settings.BRIEFING_FONTS[role]]
    unique = list(dict.fromkeys(choices))
    generic = "sans-serif" if role == "heading" else "serif"
    return ", ".join(f'"{name}"' for name in unique) + f", {generic}"
