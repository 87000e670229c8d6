"""Identity codes: the 统一社会信用代码 (USCC, GB 32100-2015) via python-stdnum, and pinyin initials for search."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

from gaoxin.core import normalize


@dataclass(frozen=True)
class UsccCheck:
    code: str
    ok: bool
    #: True when only the check digit is wrong: the one failure an officer may accept deliberately.
    checksum_only: bool = False
    message: str = ""


def check_uscc(raw: object) -> UsccCheck:
    code = normalize.uscc(raw)
    if not code:
        return UsccCheck(code, False, message=_("不能为空"))
    try:
        stdnum_uscc.validate(code)
    except stdnum_errors.InvalidLength:
        return UsccCheck(code, False, message=_("应为18位，实为%(n)s位") % {"n": len(code)})
    except stdnum_errors.InvalidFormat:
        return UsccCheck(
            code, False, message=_("含有不允许的字符（前8位为数字，其余为数字或除I、O、Z、S、V外的大写字母）")
        )
    except stdnum_errors.InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(code)
        return UsccCheck(
            code,
            False,
            checksum_only=True,
            message=_("校验位错误（按GB 32100-2015应为%(digit)s）") % {"digit": expected},
        )
    return UsccCheck(code, True)


def _keep_as_is(chars: str) -> str:
    return chars


def pinyin_initials(name: str) -> str:
    """'珠海华芯微电子有限公司' -> 'zhhxwdzyxgs'. Latin letters and digits are kept, punctuation dropped."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=_keep_as_is)
    return "".join(ch for part in parts for ch in part.lower() if ch.isalnum())


def search_text(name: str, former_names: list[str]) -> str:
    names = [name, *former_names]
    pieces = [n.lower() for n in names] + [pinyin_initials(n) for n in names]
    return "|".join(pieces)[:1000]
