"""Encoding detection and text normalisation for article files."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.ingest.decoding import clean_text, decode
from index.errors import LoadError

JA = "駅前の図書館で本を借りた。新しい橋が完成した。"  # also "decodes" as CP932 when EUC-JP encoded
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def test_utf8_without_bom() -> None:
    """Plain UTF-8 decodes unchanged."""
    assert decode(JA.encode("utf-8"), "a.txt") == JA


def test_utf8_bom_is_removed() -> None:
    """A UTF-8 byte-order mark is not part of the text."""
    assert decode(codecs.BOM_UTF8 + JA.encode("utf-8"), "a.txt") == JA


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    """UTF-16 in either byte order decodes when it starts with a BOM."""
    data = JA.encode(codec)
    if codec != "utf-16":
        data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
    assert decode(data, "a.txt") == JA


def test_shift_jis_cp932() -> None:
    """Shift_JIS/CP932 bytes (including CP932-only characters like ①) decode to the right text."""
    text = "①大阪・関西万博の会場は夢洲です。"
    assert decode(text.encode("cp932"), "a.txt") == text


def test_euc_jp_beats_cp932_misreading() -> None:
    """EUC-JP bytes that also pass as CP932 half-width kana are read as EUC-JP."""
    data = JA.encode("euc_jp")
    data.decode("cp932")  # the trap: this succeeds with garbage
    assert decode(data, "a.txt") == JA


def test_declared_html_charset_is_used() -> None:
    """An HTML <meta charset> naming Shift_JIS is honoured."""
    html = '<html><head><meta charset="Shift_JIS"></head><body><p>漢字のみ</p></body></html>'
    assert decode(html.encode("cp932"), "a.html") == html


def test_newlines_normalised() -> None:
    """CRLF and lone CR both become LF."""
    assert decode(b"one\r\ntwo\rthree\n", "a.txt") == "one\ntwo\nthree\n"


def test_zero_width_and_control_characters_stripped() -> None:
    """Zero-width characters and controls other than \\n and \\t are removed."""
    raw = "ア\u200bラ\u200cス\u200dカ\u2060\ufeff\x07\tタブ\x0b\n"
    assert clean_text(raw) == "アラスカ\tタブ\n"


def test_png_renamed_to_txt_rejected() -> None:
    """A PNG image is rejected with a reason naming it."""
    with pytest.raises(LoadError) as err:
        decode(PNG_HEADER + bytes(range(256)), "photo.txt")
    assert "PNG" in err.value.reason
    assert err.value.path == "photo.txt"


def test_nul_bytes_rejected_as_binary() -> None:
    """Bytes with NULs (and no UTF-16 BOM) are binary."""
    with pytest.raises(LoadError, match="binary"):
        decode(b"abc\x00def\x00" * 10, "a.txt")


def test_mostly_control_characters_rejected() -> None:
    """Text that is mostly control characters is treated as binary."""
    with pytest.raises(LoadError, match="control characters"):
        decode(b"\x01\x02\x03\x04\x05\x06 text" * 20, "a.txt")


def test_invalid_bytes_after_bom_rejected() -> None:
    """A UTF-16 BOM followed by an unpaired surrogate is undecodable, with a one-line reason."""
    with pytest.raises(LoadError) as err:
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8", "a.txt")
    assert "\n" not in err.value.reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_raise_load_error(data: bytes) -> None:
    """Any bytes either decode to normalised text or raise LoadError, never anything else."""
    try:
        text = decode(data, "fuzz.txt")
    except LoadError as exc:
        assert exc.reason
    else:
        assert "\r" not in text and "\x00" not in text and "\u200b" not in text


def test_truncated_utf8_keeps_the_rest() -> None:
    """UTF-8 cut mid-character loses only the broken character, not the file."""
    text = "アラスカでの米ロ首脳会談は2025年8月15日に行われた。" * 5
    assert decode(text.encode("utf-8")[:-1], "a.txt") == text[:-1]


def test_cp1252_smart_quotes() -> None:
    """An English file with Windows-1252 curly quotes decodes them as quotes."""
    data = b"It\x92s a \x93test\x94 of the old Windows quotes in an English article about ferries."
    assert decode(data, "a.txt") == "It\u2019s a \u201ctest\u201d of the old Windows quotes in an English article about ferries."
