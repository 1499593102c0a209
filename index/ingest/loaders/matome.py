"""Matome posts: sections, `公開日` dates and quoted `✅` blocks cited to their own outlet and URL."""
from __future__ import annotations

import re
from typing import Any

from ...types import Block, Document
from .common import Run, iso_date, make_document, short_outlet, trimmed_block

_PUBLISHED_LINE = re.compile(r"^\s*公開日\s*[:：]\s*(.+)$")
# RFC 3986 unreserved + reserved characters and '%': the URL ends at the first other character,
# because matome pages run the next sentence straight into the URL.
_URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_CITATION = re.compile(rf"出典\s*(?:/\s*画像元\s*)?[:：]\s*(?P<url>https?://[{_URL_CHARS}]+)?")
_NEXT_PAGE = re.compile(r"^\s*次のページを読む\s*[⇒→>]?")
NEXT_PAGE_SECTION = "次のページを読む"


def load_matome(path: str, text: str, lines: list[tuple[int, str]]) -> Document:
    parser = _MatomeParser(text)
    content = [i for i, (_, line) in enumerate(lines) if line.strip()]
    for n, i in enumerate(content):
        next_line = lines[content[n + 1]][1] if n + 1 < len(content) else None
        parser.feed(lines[i][0], lines[i][1], next_line, first=n == 0)
    blocks = parser.finish()
    title = lines[content[0]][1].strip()
    # The page has no URL or date of its own: the ✅ blocks carry their quoted outlet's.
    return make_document(path, title, text, blocks, "matome")


class _MatomeParser:
    """Line-by-line state machine: plain runs, 公開日+✅+出典 source runs, section headings."""

    def __init__(self, text: str):
        self.text = text
        self.blocks: list[Block] = []
        self.section: str | None = None
        self.run: Run | None = None
        self.source: Run | None = None

    def feed(self, pos: int, line: str, next_line: str | None, first: bool) -> None:
        stripped = line.strip()
        end = pos + len(line)
        if published := _PUBLISHED_LINE.match(line):
            self._close_all()
            self.source = Run(pos, end, iso_date(published[1]))
        elif stripped.startswith("✅"):
            self._open_source(pos).end = end
        elif (citation := _CITATION.search(line)) and (citation["url"] or "さらに読む" in line[:citation.start()]):
            self._cite(pos, line, citation)
        elif self.section == NEXT_PAGE_SECTION:
            self._extend_run(pos, end)
        elif not first and (marker := _NEXT_PAGE.match(line)):
            self._close_all()
            self.section = NEXT_PAGE_SECTION
            if line[marker.end():].strip():
                self._extend_run(pos + marker.end(), end)
        elif not first and _is_section_heading(stripped, next_line):
            self._close_all()
            self.section = stripped  # the heading names the section; it is not itself a block's text
        else:
            self._extend_run(pos, end)

    def finish(self) -> list[Block]:
        self._close_all()
        return self.blocks

    def _cite(self, pos: int, line: str, citation: re.Match[str]) -> None:
        source = self._open_source(pos)
        raw_url = citation["url"] or ""
        url = _trim_url(raw_url) or None
        named = short_outlet(_outlet_before(line[:citation.start()]))
        outlet = named if named and len(named) <= 60 else _host(url)
        block_end = pos + (citation.end() if raw_url else len(line))
        self._add(source.start, block_end, source=outlet, source_url=url, published=source.published)
        self.source = None
        rest_end = pos + len(line)
        if self.text[block_end:rest_end].strip():
            self.run = Run(block_end, rest_end)  # commentary glued to the URL is the page's own text

    def _open_source(self, pos: int) -> Run:
        if self.source is None:
            self._close_run()
            self.source = Run(pos, pos)
        return self.source

    def _extend_run(self, start: int, end: int) -> None:
        self._close_source()  # at most one of run/source is open, so blocks come out in order
        if self.run is None:
            self.run = Run(start, end)
        else:
            self.run.end = end

    def _close_run(self) -> None:
        if self.run is not None:
            self._add(self.run.start, self.run.end)
            self.run = None

    def _close_source(self) -> None:
        # ✅ lines with no 出典 line after them: still their own block, dated but unattributed.
        if self.source is not None:
            self._add(self.source.start, self.source.end, published=self.source.published)
            self.source = None

    def _close_all(self) -> None:
        self._close_run()
        self._close_source()

    def _add(self, start: int, end: int, **meta: Any) -> None:
        if block := trimmed_block(self.text, start, end, section=self.section, **meta):
            self.blocks.append(block)


def _is_section_heading(line: str, next_line: str | None) -> bool:
    """The seed's layout: a short heading without 。, then a question-style sub-heading ending in ?/？."""
    if next_line is None or not line or len(line) > 40:
        return False
    if "。" in line or line.endswith(("?", "？")) or line.startswith(("✅", "💡")):
        return False
    follower = next_line.strip()
    return follower.endswith(("?", "？")) and not follower.startswith(("✅", "💡"))


def _outlet_before(prefix: str) -> str:
    """The outlet named between 'さらに読む ⇒' and '出典/画像元'."""
    if "⇒" in prefix:
        prefix = prefix.rsplit("⇒", 1)[1]
    return re.sub(r"^\s*さらに読む\s*[→>]?", "", prefix).strip()


def _trim_url(url: str) -> str:
    """Drop sentence punctuation a URL cannot end with, and a ')' it did not open."""
    while url and (url[-1] in ".,;:!?'" or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _host(url: str | None) -> str | None:
    match = re.match(r"https?://(?:www\.)?([^/?#:]+)", url or "")
    return match[1] if match else None
