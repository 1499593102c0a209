"""`.txt` articles: plain news (a URL:/Date:/媒体: header), matome posts (handed on), or plain text."""
from __future__ import annotations

import re

from ...types import Document
from .common import iso_date, lines_of, make_document, short_outlet, trimmed_block
from .matome import load_matome

_HEADER = re.compile(r"^\s*([^\s:：]+)\s*[:：]\s*(.*?)\s*$")
# A header line's name -> the field it gives, in English or Japanese ("媒体: 杜松日報" before the URL
# line lost a Japanese article its URL, date and outlet); None: a known line that gives no field.
_FIELDS = {"url": "url", "link": "url", "date": "date", "published": "date", "source": "outlet",
           "outlet": "outlet", "publisher": "outlet", "author": None, "by": None,
           "媒体": "outlet", "配信元": "outlet", "発行元": "outlet", "掲載紙": "outlet", "日付": "date",
           "配信日": "date", "掲載日": "date", "発行日": "date", "記者": None, "筆者": None}
_MATOME_MARKERS = re.compile(r"^\s*(?:✅|公開日\s*[:：])|出典\s*/\s*画像元", re.M)
_SENTENCE_END = ("。", ".", "!", "?", "！", "？", "」")


def load_txt(path: str, text: str) -> Document:
    lines = lines_of(text)
    header = _news_header(lines)
    if header is not None:
        return _load_news(path, text, lines, *header)
    if _MATOME_MARKERS.search(text):
        return load_matome(path, text, lines)
    return _load_plain(path, text, lines)


def _news_header(lines: list[tuple[int, str]]) -> tuple[int, int, dict[str, str]] | None:
    """(title line index, body line index, header fields) when the title is followed by URL:/Date: lines."""
    content = [i for i, (_, line) in enumerate(lines) if line.strip()]
    if len(content) < 2 or content[1] - content[0] > 2:  # the header sits on line 2 or 3
        return None
    fields: dict[str, str] = {}
    body_at = len(lines)
    for i in content[1:]:
        match = _HEADER.match(lines[i][1])
        if not match or (key := match[1].lower()) not in _FIELDS:
            body_at = i
            break
        if (field := _FIELDS[key]) is not None:
            fields.setdefault(field, match[2])
    if "url" not in fields and "date" not in fields:
        return None
    return content[0], body_at, fields


def _load_news(path: str, text: str, lines: list[tuple[int, str]], title_at: int, body_at: int,
               fields: dict[str, str]) -> Document:
    title = lines[title_at][1].strip()
    body = text[lines[body_at][0]:] if body_at < len(lines) else ""
    # Document.text drops the header lines: they are metadata, not prose to search.
    clean = f"{title}\n\n{body.strip()}\n" if body.strip() else f"{title}\n"
    start = len(title) + 2
    block = trimmed_block(clean, start, len(clean))
    url = fields.get("url") or None
    outlet = short_outlet(fields.get("outlet"))
    return make_document(path, title, clean, [block] if block else [], "news",
                     url=url, published=iso_date(fields.get("date")), outlet=outlet)


def _load_plain(path: str, text: str, lines: list[tuple[int, str]]) -> Document:
    content = [(pos, line) for pos, line in lines if line.strip()]
    first_pos, first = content[0]
    title = first.strip()
    start = first_pos
    # A short first line that does not end a sentence is a title; index the rest. Otherwise it is prose.
    if len(content) > 1 and len(title) <= 120 and not title.endswith(_SENTENCE_END):
        start = first_pos + len(first)
    block = trimmed_block(text, start, len(text))
    return make_document(path, title[:120], text, [block] if block else [], "txt")
