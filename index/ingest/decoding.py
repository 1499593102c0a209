"""Bytes -> clean text: detect the encoding of an article file and clean_text what it decodes to.

Japanese files arrive as UTF-8 (often with a BOM from Windows editors), UTF-16 with a BOM,
Shift_JIS/CP932 or EUC-JP. Generic detectors guess badly on short Japanese texts, so the
Japanese candidates are tried first and scored; charset-normalizer is only the last resort.
"""
from __future__ import annotations

import codecs
import re
from os import PathLike

from index.errors import LoadError

# (magic prefix, what to call it): files renamed to .txt/.html that are really something else.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or .docx/.xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"MZ\x90\x00", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"RIFF", "RIFF media file"),
    (b"OggS", "Ogg media file"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
)

# Checked longest first so a UTF-32 BOM is not mistaken for a UTF-16 one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declared charsets mapped to the codec browsers actually use for them.
_CHARSET_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "cp932": "cp932",
    "euc-jp": "euc_jp",
    "euc_jp": "euc_jp",
    "x-euc-jp": "euc_jp",
    "iso-2022-jp": "iso2022_jp",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
}

_PERMISSIVE_CODECS = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15"})

_LATIN_LOOKALIKES = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "iso8859_1", "iso8859_2", "iso8859_9", "iso8859_15",
    "latin_1", "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish",
})

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
# Zero-width characters hide inside Japanese web text and break exact phrase matching.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_SHARE_LIMIT = 0.05


def decode(data: bytes, path: str | PathLike[str], charset: str | None = None) -> str:
    """Decode an article file's bytes to normalised text, or raise LoadError saying why not.
    `charset` is one declared outside the bytes (an HTTP Content-Type): weighed like a <meta> one."""
    where = str(path)
    text = _decode_raw(data, where, charset)
    if _control_share(text) > _CONTROL_SHARE_LIMIT:
        raise LoadError(where, "binary file (too many control characters to be text)")
    return clean_text(text)


def clean_text(text: str) -> str:
    """Newlines to \\n; drop zero-width characters and control characters other than \\n and \\t."""
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(lambda m: m.group() if m.group() in "\n\t" else "", text)


def _decode_raw(data: bytes, where: str, charset: str | None = None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise LoadError(where, f"starts with a {codec} byte-order mark but is not valid {codec}") from None
    kind = _binary_kind(data)
    if kind:
        raise LoadError(where, f"binary file ({kind}), not a text article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    nearly = _nearly_utf8(data)
    if nearly is not None:
        return nearly
    declared = (_codec(charset) if charset else None) or _declared_codec(data)
    # A declared single-byte Western charset decodes almost any bytes, so it must not
    # outrank the Japanese candidates; any other declaration is trusted first.
    if declared and declared not in _PERMISSIVE_CODECS:
        text = _try_decode(data, declared)
        if text is not None:
            return text
    japanese = _best_japanese(data)
    if japanese is not None:
        return japanese
    if declared:
        text = _try_decode(data, declared)
        if text is not None:
            return text
    return _fallback_detect(data, where)


def _nearly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated last character, one bad byte): drop just those.

    Legacy single-byte files (cp1252 smart quotes) also have a few invalid bytes, but no valid
    multi-byte characters around them, so they are left to the detector.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid_non_ascii = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    if broken <= max(2, len(text) // 2000) and valid_non_ascii >= 4 * broken:
        return text.replace("\ufffd", "")
    return None


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _binary_kind(data: bytes) -> str | None:
    head = data[:64]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # No text encoding we accept without a BOM ever produces a NUL byte.
    if b"\x00" in data[:65536]:
        return "contains NUL bytes"
    return None


def _declared_codec(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    return _codec(match.group(1).decode("ascii", "ignore"))


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    codec = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return None


def _best_japanese(data: bytes) -> str | None:
    """Try CP932 and EUC-JP strictly; when both decode, keep the one that reads like Japanese.

    EUC-JP bytes often also "decode" as CP932 into half-width katakana soup, so
    success alone does not decide it.
    """
    candidates: list[tuple[float, str]] = []
    for codec in ("cp932", "euc_jp"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_japanese_plausibility(text), text))
    if not candidates:
        return None
    score, text = max(candidates, key=lambda c: c[0])
    return text if score >= 0.9 else None


def _japanese_plausibility(text: str) -> float:
    """Share of characters typical of Japanese or ASCII prose (half-width kana and rare symbols count against)."""
    if not text:
        return 0.0
    good = 0
    for ch in text:
        code = ord(ch)
        if (
            code < 0x80
            or 0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
            or 0x4E00 <= code <= 0x9FFF  # common kanji
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
            or ch in "・ー〜―…‥※○●◎△▲▽▼□■◇◆★☆→←↑↓『』【】〒"
        ):
            good += 1
    return good / len(text)


def _fallback_detect(data: bytes, where: str) -> str:
    from charset_normalizer import (
        from_bytes,  # slow import: only for files nothing else decodes
    )

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(where, "cannot decode: not UTF-8, UTF-16, Shift_JIS or EUC-JP text")
    # Among look-alike single-byte Latin codecs the detector's pick is a coin toss; English
    # articles saved by Windows tools are cp1252, so prefer it when it fits.
    if best.encoding in _LATIN_LOOKALIKES:
        text = _try_decode(data, "cp1252")
        if text is not None:
            return text
    return str(best)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:65536]
    controls = sum(1 for ch in sample if (ord(ch) < 0x20 and ch not in "\n\r\t\f") or 0x7F <= ord(ch) <= 0x9F)
    return controls / len(sample)
