"""USCC validation (GB 32100-2015 via python-stdnum) and pinyin initials."""

import pytest

from gaoxin.registry.identity import check_uscc, pinyin_initials, search_text
from gaoxin.testing.factories import bad_check_digit, make_uscc


def test_real_code_is_valid() -> None:
    result = check_uscc("11440400MB2C80228G")
    assert result.ok
    assert result.code == "11440400MB2C80228G"


def test_one_changed_character_is_refused_as_checksum() -> None:
    result = check_uscc("11440400MB2C80228H")
    assert not result.ok
    assert result.checksum_only
    assert result.message == "校验位错误（按GB 32100-2015应为G）"


def test_changed_body_character_breaks_the_check() -> None:
    assert not check_uscc("11440400MB2C80229G").ok


def test_lowercase_and_full_width_are_normalised() -> None:
    assert check_uscc("１１440400mb2c80228g").ok


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "不能为空"),
        ("1144040", "应为18位，实为7位"),
        ("11440400MB2C80228GX", "应为18位，实为19位"),
        ("1144040AMB2C80228G", "含有不允许的字符（前8位为数字，其余为数字或除I、O、Z、S、V外的大写字母）"),
        ("11440400MB2C8022IG", "含有不允许的字符（前8位为数字，其余为数字或除I、O、Z、S、V外的大写字母）"),
    ],
)
def test_format_errors_are_not_overridable(raw: str, message: str) -> None:
    result = check_uscc(raw)
    assert not result.ok
    assert not result.checksum_only
    assert result.message == message


def test_factory_codes_are_valid_and_bad_digit_is_not() -> None:
    code = make_uscc(42)
    assert check_uscc(code).ok
    assert check_uscc(bad_check_digit(code)).checksum_only


def test_pinyin_initials() -> None:
    assert pinyin_initials("珠海华芯微电子有限公司") == "zhhxwdzyxgs"
    assert pinyin_initials("珠海ABC科技（集团）有限公司") == "zhabckjjtyxgs"


def test_search_text_covers_former_names() -> None:
    text = search_text("珠海新名科技有限公司", ["珠海旧名电子有限公司"])
    assert "珠海旧名电子有限公司" in text
    assert "zhjmdzyxgs" in text
    assert "zhxmkjyxgs" in text
