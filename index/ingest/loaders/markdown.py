"""Markdown with YAML front matter (title, url, date, source); headings become sections."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...types import Block, Document
from .common import iso_date, lines_of, make_document, short_outlet, trimmed_block

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def load_markdown(path: str, text: str) -> Document:
    meta, body = _split_front_matter(text)
    body = body.lstrip("\n")
    headings = _markdown_headings(body)
    title = _first_str(meta, "title") or _markdown_title(body, headings) or Path(path).stem
    blocks = _sectioned_blocks(body, headings)
    return make_document(
        path, title, body, blocks, "markdown",
        url=_first_str(meta, "url", "link", "canonical", "canonical_url"),
        published=iso_date(_first(meta, "date", "published", "pubdate", "published_at")),
        outlet=short_outlet(_first_str(meta, "source", "outlet", "publisher", "site_name")),
    )


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml  # only Markdown needs it

    try:
        meta = yaml.safe_load(match[1])
    except yaml.YAMLError:
        meta = None  # broken front matter: keep the body, take the title from its first heading
    return (meta if isinstance(meta, dict) else {}), text[match.end():]


def _first(meta: dict[str, Any], *keys: str) -> Any:
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def _first_str(meta: dict[str, Any], *keys: str) -> str | None:
    value = _first(meta, *keys)
    return str(value).strip() or None if value is not None else None


@dataclass(frozen=True)
class _Heading:
    start: int  # offset of the heading's first line
    end: int  # offset just past its last line
    level: int
    text: str


def _markdown_headings(body: str) -> list[_Heading]:
    headings: list[_Heading] = []
    lines = lines_of(body)
    in_fence = False
    for i, (pos, line) in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if (atx := _ATX.match(line)) and (atx[2] or "").strip():
            headings.append(_Heading(pos, pos + len(line), len(atx[1]), atx[2].strip()))
        elif _is_setext_underline(lines, i, headings):
            prev_pos, prev = lines[i - 1]
            level = 1 if line.strip().startswith("=") else 2
            headings.append(_Heading(prev_pos, pos + len(line), level, prev.strip()))
    return headings


def _is_setext_underline(lines: list[tuple[int, str]], i: int, headings: list[_Heading]) -> bool:
    """'Title' then '===' or '---', as a one-line paragraph (so a lone '---' stays a rule)."""
    if i == 0 or not _SETEXT.match(lines[i][1]):
        return False
    prev = lines[i - 1][1]
    before_blank = i == 1 or not lines[i - 2][1].strip()
    already = bool(headings) and headings[-1].start == lines[i - 1][0]
    return bool(prev.strip()) and before_blank and not already and not _ATX.match(prev)


def _markdown_title(body: str, headings: list[_Heading]) -> str | None:
    for heading in headings:
        if heading.level == 1:
            return heading.text
    if headings:
        return headings[0].text
    first = next((line.strip() for line in body.split("\n") if line.strip()), "")
    return first[:120] or None


def _sectioned_blocks(text: str, headings: list[_Heading]) -> list[Block]:
    """One Block per section; heading lines separate blocks and belong to none.

    A level-1 heading before any body text is the page title, so the lead under it has no section.
    """
    blocks: list[Block] = []
    section: str | None = None
    cursor = 0
    for heading in headings:
        if block := trimmed_block(text, cursor, heading.start, section=section):
            blocks.append(block)
        is_title = heading.level == 1 and not blocks and section is None
        section = None if is_title else heading.text
        cursor = heading.end
    if block := trimmed_block(text, cursor, len(text), section=section):
        blocks.append(block)
    return blocks
