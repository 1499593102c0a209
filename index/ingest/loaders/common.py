"""What every format's loader shares: line offsets, trimmed blocks, dates, outlet names."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ...errors import LoadError
from ...text.language import detect_lang
from ...types import Block, Document


@dataclass
class Run:
    """An open stretch of text that will become one Block once its end is known."""

    start: int
    end: int
    published: str | None = None


def lines_of(text: str) -> list[tuple[int, str]]:
    """(offset, line) pairs, without the newline."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def trimmed_block(text: str, start: int, end: int, **meta: Any) -> Block | None:
    """A Block trimmed to its non-blank content, or None when there is none."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Block(start, end, **meta) if start < end else None


_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MDY = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})\b")


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD from a date/datetime or from text like 2025-08-17, 2025/8/17, 2025年8月17日, Aug 17, 2025."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return None
    text = str(value)
    parts: tuple[int, int, int] | None = None
    if m := _YMD.search(text):
        parts = int(m[1]), int(m[2]), int(m[3])
    elif (m := _MDY.search(text)) and m[1].lower() in _MONTHS:
        parts = int(m[3]), _MONTHS[m[1].lower()], int(m[2])
    elif (m := _DMY.search(text)) and m[2].lower() in _MONTHS:
        parts = int(m[3]), _MONTHS[m[2].lower()], int(m[1])
    if parts is None:
        return None
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def short_outlet(name: str | None) -> str | None:
    """An outlet name without its site tagline: 'BBC Home - Breaking News, World News, …' -> 'BBC Home'."""
    if not name:
        return None
    name = name.strip(" \t:：|｜-–—")
    for sep in (" - ", " | ", " – ", " — ", "｜", " : "):
        if sep in name:
            name = name.split(sep)[0].strip()
    if len(name) > 30:
        name = re.split(r"[,、]", name)[0].strip()
    return name or None


def squash_spaces(text: str) -> str:
    """Collapse runs of ASCII whitespace; U+3000 is part of Japanese headlines and is kept."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def make_document(path: str, title: str, text: str, blocks: list[Block], fmt: str, **meta: Any) -> Document:
    if not blocks:
        raise LoadError(path, "no article text found")
    title = squash_spaces(title) or Path(path).stem
    return Document(path=path, title=title, text=text, blocks=tuple(blocks), lang=detect_lang(text), format=fmt, **meta)
