"""Article files -> Documents with provenance (title, URL, date, outlet, sections, quoted sources).

Formats: matome blog .txt, plain news .txt (URL:/Date: header), plain .txt, Markdown with YAML
front matter, and HTML. Every Block's [start, end) indexes into Document.text, and text keeps the
file's own characters (no NFKC) so phrases quoted from a file are found verbatim.
"""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .encoding import decode
from .errors import LoadError
from .language import detect_lang
from .types import Block, Document

FORMAT_BY_EXTENSION: dict[str, str] = {
    ".txt": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
MAX_FILE_BYTES = 20 * 1024 * 1024  # far beyond any article; keeps a stray dump from stalling an ingest


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def load_document(path: Path, data: bytes | None = None) -> Document:
    """Parse one article file by extension (and, for .txt, by its layout).

    `data` is the file's content when the caller has read it already (to hash it): parsing
    those very bytes keeps the stored hash true to the stored text.
    """
    where = str(Path(path).resolve())  # the same key ingest uses for a file, whatever path named it
    kind = FORMAT_BY_EXTENSION.get(Path(path).suffix.lower())
    if kind is None:
        raise LoadError(where, f"unsupported file type {_describe_suffix(Path(path))}")
    text = decode(read_article(Path(path)) if data is None else data, where)
    if not text.strip():
        raise LoadError(where, "empty file")
    if kind == "html":
        return _load_html(where, text)
    if kind == "markdown":
        return _load_markdown(where, text)
    return _load_txt(where, text)


def iter_article_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for each article file under `paths`, (path, reason) for each problem.

    Folders are walked in name order, hidden entries are skipped, files of unsupported types are
    reported (so a folder's summary accounts for every file in it), and each real folder/file is
    visited once so symlink loops end.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [Path(paths)]  # one path given bare: iterating a str would walk its characters
    seen: set[tuple[int, int]] = set()
    for path in paths:
        yield from _walk(Path(path), seen, named=True)


# ---------------------------------------------------------------------------------------------
# Files and folders
# ---------------------------------------------------------------------------------------------


def _walk(path: Path, seen: set[tuple[int, int]], named: bool) -> Iterator[tuple[Path, str | None]]:
    supported = path.suffix.lower() in FORMAT_BY_EXTENSION
    try:
        info = path.stat()
    except FileNotFoundError:
        if named or supported:
            yield path, "broken symbolic link" if path.is_symlink() else "no such file or folder"
        return
    except OSError as exc:
        if named or supported:
            yield path, f"cannot read: {exc.strerror or exc}"
        return
    identity = (info.st_dev, info.st_ino)
    if stat.S_ISDIR(info.st_mode):
        if identity in seen:
            return
        seen.add(identity)
        yield from _walk_folder(path, seen)
    elif not supported:
        yield path, f"unsupported file type {_describe_suffix(path)}"
    elif not stat.S_ISREG(info.st_mode):
        yield path, "not a regular file"  # a FIFO named .txt would block a reader forever
    elif identity not in seen:
        seen.add(identity)
        # A name in a legacy encoding (a CP932 zip unpacked on Linux) cannot be stored as text.
        yield path, None if _utf8_name(path) else "file name is not valid UTF-8: rename the file"


def _walk_folder(folder: Path, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, str | None]]:
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as exc:
        yield folder, f"cannot read folder: {exc.strerror or exc}"
        return
    for name in names:
        if not name.startswith("."):  # .git, .DS_Store, editor swap files
            yield from _walk(folder / name, seen, named=False)


def read_article(path: Path) -> bytes:
    """A file's bytes, or a LoadError saying in a few words why they cannot be had."""
    where = str(Path(path).resolve())
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(where, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(where, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise LoadError(where, f"file too large ({info.st_size // 1_000_000} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise LoadError(where, "no such file") from None
    except PermissionError:
        raise LoadError(where, "permission denied") from None
    except OSError as exc:
        raise LoadError(where, f"cannot read: {exc.strerror or exc}") from None


def _utf8_name(path: Path) -> bool:
    try:
        str(path.resolve()).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _describe_suffix(path: Path) -> str:
    return path.suffix.lower() if path.suffix else "(no extension)"


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


@dataclass
class _Run:
    """An open stretch of text that will become one Block once its end is known."""

    start: int
    end: int
    published: str | None = None


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) pairs, without the newline."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _block(text: str, start: int, end: int, **meta: Any) -> Block | None:
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


def _document(path: str, title: str, text: str, blocks: list[Block], fmt: str, **meta: Any) -> Document:
    if not blocks:
        raise LoadError(path, "no article text found")
    title = squash_spaces(title) or Path(path).stem
    return Document(path=path, title=title, text=text, blocks=tuple(blocks), lang=detect_lang(text), format=fmt, **meta)


# ---------------------------------------------------------------------------------------------
# .txt: news, matome or plain
# ---------------------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(url|date|source|outlet|publisher)\s*[:：]\s*(.*?)\s*$", re.I)
_MATOME_MARKERS = re.compile(r"^\s*(?:✅|公開日\s*[:：])|出典\s*/\s*画像元", re.M)
_SENTENCE_END = ("。", ".", "!", "?", "！", "？", "」")


def _load_txt(path: str, text: str) -> Document:
    lines = _lines(text)
    header = _news_header(lines)
    if header is not None:
        return _load_news(path, text, lines, *header)
    if _MATOME_MARKERS.search(text):
        return _load_matome(path, text, lines)
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
        if not match:
            body_at = i
            break
        fields.setdefault(match[1].lower(), match[2])
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
    block = _block(clean, start, len(clean))
    url = fields.get("url") or None
    outlet = short_outlet(fields.get("source") or fields.get("outlet") or fields.get("publisher"))
    return _document(path, title, clean, [block] if block else [], "news",
                     url=url, published=iso_date(fields.get("date")), outlet=outlet)


def _load_plain(path: str, text: str, lines: list[tuple[int, str]]) -> Document:
    content = [(pos, line) for pos, line in lines if line.strip()]
    first_pos, first = content[0]
    title = first.strip()
    start = first_pos
    # A short first line that does not end a sentence is a title; index the rest. Otherwise it is prose.
    if len(content) > 1 and len(title) <= 120 and not title.endswith(_SENTENCE_END):
        start = first_pos + len(first)
    block = _block(text, start, len(text))
    return _document(path, title[:120], text, [block] if block else [], "txt")


# --- matome ---------------------------------------------------------------------------------

_PUBLISHED_LINE = re.compile(r"^\s*公開日\s*[:：]\s*(.+)$")
# RFC 3986 unreserved + reserved characters and '%': the URL ends at the first other character,
# because matome pages run the next sentence straight into the URL.
_URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_CITATION = re.compile(rf"出典\s*(?:/\s*画像元\s*)?[:：]\s*(?P<url>https?://[{_URL_CHARS}]+)?")
_NEXT_PAGE = re.compile(r"^\s*次のページを読む\s*[⇒→>]?")
NEXT_PAGE_SECTION = "次のページを読む"


def _load_matome(path: str, text: str, lines: list[tuple[int, str]]) -> Document:
    parser = _MatomeParser(text)
    content = [i for i, (_, line) in enumerate(lines) if line.strip()]
    for n, i in enumerate(content):
        next_line = lines[content[n + 1]][1] if n + 1 < len(content) else None
        parser.feed(lines[i][0], lines[i][1], next_line, first=n == 0)
    blocks = parser.finish()
    title = lines[content[0]][1].strip()
    # The page has no URL or date of its own: the ✅ blocks carry their quoted outlet's.
    return _document(path, title, text, blocks, "matome")


class _MatomeParser:
    """Line-by-line state machine: plain runs, 公開日+✅+出典 source runs, section headings."""

    def __init__(self, text: str):
        self.text = text
        self.blocks: list[Block] = []
        self.section: str | None = None
        self.run: _Run | None = None
        self.source: _Run | None = None

    def feed(self, pos: int, line: str, next_line: str | None, first: bool) -> None:
        stripped = line.strip()
        end = pos + len(line)
        if published := _PUBLISHED_LINE.match(line):
            self._close_all()
            self.source = _Run(pos, end, iso_date(published[1]))
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
            self.run = _Run(block_end, rest_end)  # commentary glued to the URL is the page's own text

    def _open_source(self, pos: int) -> _Run:
        if self.source is None:
            self._close_run()
            self.source = _Run(pos, pos)
        return self.source

    def _extend_run(self, start: int, end: int) -> None:
        self._close_source()  # at most one of run/source is open, so blocks come out in order
        if self.run is None:
            self.run = _Run(start, end)
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
        if block := _block(self.text, start, end, section=self.section, **meta):
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


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _load_markdown(path: str, text: str) -> Document:
    meta, body = _split_front_matter(text)
    body = body.lstrip("\n")
    headings = _markdown_headings(body)
    title = _first_str(meta, "title") or _markdown_title(body, headings) or Path(path).stem
    blocks = _sectioned_blocks(body, headings)
    return _document(
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
    lines = _lines(body)
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
        if block := _block(text, cursor, heading.start, section=section):
            blocks.append(block)
        is_title = heading.level == 1 and not blocks and section is None
        section = None if is_title else heading.text
        cursor = heading.end
    if block := _block(text, cursor, len(text), section=section):
        blocks.append(block)
    return blocks


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

# Never article text, wherever they sit.
_NEVER_TEXT = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button", "iframe",
    "svg", "canvas", "select", "object", "embed", "head", "dialog", "menu",
})
# Outside an <article>, the page header is site chrome too.
_PAGE_CHROME = _NEVER_TEXT | {"header"}
# Parts of class/id/role names (split on space, '-' and '_') that mark page furniture inside an <article>.
_BOILERPLATE_NAMES = frozenset({
    "share", "sharing", "social", "sns", "related", "recommend", "recommended", "recommendations",
    "breadcrumb", "breadcrumbs", "ad", "ads", "advert", "advertisement", "newsletter", "promo",
    "comments", "cookie", "cookies", "navigation", "navbar", "paywall", "subscribe",
})
_HTML_BLOCKS = frozenset({
    "address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "header", "hr", "html", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HTML_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# trafilatura's XML output vocabulary.
_XML_BLOCKS = frozenset({"doc", "main", "p", "list", "item", "quote", "table", "row", "cell", "code", "div"})
_XML_DROP = frozenset({"comments", "graphic"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII whitespace only: U+3000 survives
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " ｜ ", "｜")
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date",
    "sailthru.date", "parsely-pub-date", "article.published",
)

_Item = tuple[int, str]  # (heading level, or 0 for a paragraph; its text)


def _load_html(path: str, text: str) -> Document:
    tree, text = _parse_html(path, text)
    metas = _meta_tags(tree)
    h1 = _first_text(tree, "//h1")
    page_title = _first_text(tree, "//head/title") or _first_text(tree, "//title")
    outlet = short_outlet(metas.get("og:site_name")) or _title_suffix(page_title)
    title = metas.get("og:title") or _strip_title_suffix(page_title) or h1
    items = _article_items(tree, text)
    if not items:
        raise LoadError(path, "no article text found")
    body, blocks = _assemble(items)
    return _document(
        path, title or _first_line(body) or Path(path).stem, body, blocks, "html",
        url=_canonical_url(tree, metas), published=_html_date(tree, metas, text), outlet=outlet,
    )


def _parse_html(path: str, text: str) -> tuple[Any, str]:
    """The element tree and the markup it was read from (flattened when the page nests too deeply)."""
    import lxml.html
    from lxml import etree

    # huge_tree lifts libxml2's nesting cap from 256 to 2048, so deep layouts keep their text.
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)

    def parse(markup: str) -> Any:
        try:
            return lxml.html.document_fromstring(markup, parser=parser)
        except (etree.ParserError, ValueError) as exc:
            raise LoadError(path, f"unreadable HTML ({exc})") from None

    def too_deep() -> bool:
        return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)

    text = _XML_DECLARATION.sub("", text)
    tree = parse(text)
    if too_deep():
        # Past the cap libxml2 silently drops the rest of the page: unnest the layout tags and retry.
        text = _flatten_html(text)
        tree = parse(text)
        if too_deep():
            raise LoadError(path, "HTML nested too deeply to read (over 2048 levels)")
    return tree, text


# Layout containers become paragraph breaks and inline wrappers vanish, so nothing nests.
_LAYOUT_TAG = re.compile(
    r"</?(?:(div|section|li|ul|ol|dl|dd|dt|table|tbody|thead|tfoot|tr|td|th|blockquote|center|figure|figcaption"
    r"|details|summary|address|pre)|span|font|a|b|i|u|s|em|strong|small|big|sub|sup|code|mark|abbr|cite|q|label"
    r"|ins|del|tt)\b[^>]*>", re.I)


def _flatten_html(html: str) -> str:
    return _LAYOUT_TAG.sub(lambda m: "<p>" if m[1] else "", html)


def _article_items(tree: Any, html: str) -> list[_Item]:
    """Paragraphs and headings of the main text.

    An <article> is read directly, because trafilatura drops short lines such as a dateline and
    rewrites characters (U+3000 -> space) that quoted phrases must keep. Without one, trafilatura
    finds the main text; its failure falls back to the page body minus its chrome.
    """
    articles = tree.xpath("//article")
    if articles:
        article = max(articles, key=lambda el: len(el.text_content()))
        items = _walk_items(article, _NEVER_TEXT, _html_heading, _HTML_BLOCKS, {"br"})
        if items:
            return items
    items = _trafilatura_items(html)
    if items:
        return items
    body = tree.find("body")
    return _walk_items(body, _PAGE_CHROME, _html_heading, _HTML_BLOCKS, {"br"}) if body is not None else []


def _trafilatura_items(html: str) -> list[_Item]:
    import trafilatura
    from lxml import etree

    try:
        xml = trafilatura.extract(html, output_format="xml", include_comments=False, include_tables=True,
                                  include_images=False, include_formatting=False, favor_recall=True)
    except Exception:  # noqa: BLE001 - trafilatura's failure modes are unbounded; the body fallback remains
        return []
    if not xml:
        return []
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(huge_tree=True, recover=True))
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    main = root.find("main")
    return _walk_items(main if main is not None else root, _XML_DROP, _xml_heading, _XML_BLOCKS, {"lb"})


def _html_heading(el: Any) -> int:
    return _HTML_HEADINGS.get(el.tag, 0)


def _xml_heading(el: Any) -> int:
    if el.tag != "head":
        return 0
    match = re.match(r"h([1-6])", el.get("rend") or "")
    return int(match[1]) if match else 2


def _walk_items(root: Any, drop: frozenset[str], heading_level: Callable[[Any], int],
                block_tags: frozenset[str], breaks: set[str]) -> list[_Item]:
    """Flatten an element tree into paragraphs and headings, iteratively (deep nesting must not recurse)."""
    from lxml import etree

    items: list[_Item] = []
    parts: list[str] = []

    def flush(level: int = 0) -> None:
        joined = "".join(parts)
        parts.clear()
        if level:
            paragraph = squash_spaces(joined)
        else:  # keep <br> line breaks, squash the rest
            paragraph = "\n".join(squash_spaces(line) for line in joined.split("\n")).strip("\n")
            paragraph = re.sub(r"\n{2,}", "\n", paragraph)
        if paragraph:
            items.append((level, paragraph))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if not tag or tag in drop or _looks_like_boilerplate(el, root):
                walker.skip_subtree()
                continue
            if tag in block_tags or heading_level(el):
                flush()
            if tag in breaks:
                parts.append("\n")
            if el.text:
                parts.append(_HTML_SPACE.sub(" ", el.text))
        else:
            skipped = not tag or tag in drop or _looks_like_boilerplate(el, root)
            if not skipped and (level := heading_level(el)):
                flush(level)
            elif not skipped and tag in block_tags:
                flush()
            if el.tail and el is not root:
                parts.append(_HTML_SPACE.sub(" ", el.tail))
    flush()
    return items


def _looks_like_boilerplate(el: Any, root: Any) -> bool:
    if el is root:
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}".lower()
    return not _BOILERPLATE_NAMES.isdisjoint(re.split(r"[\s_-]+", names))


def _assemble(items: list[_Item]) -> tuple[str, list[Block]]:
    """Join items into text (blank line between them) and one Block per section."""
    text_parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    section: str | None = None
    run: _Run | None = None
    for level, item in items:
        start = pos
        text_parts.append(item)
        pos += len(item)
        if level:
            if run is not None:
                blocks.append(Block(run.start, run.end, section=section))
                run = None
            # A top-level heading before any body text is the page title, not a section.
            section = None if level == 1 and not blocks else item
        elif run is None:
            run = _Run(start, pos)
        else:
            run.end = pos
        text_parts.append("\n\n")
        pos += 2
    if run is not None:
        blocks.append(Block(run.start, run.end, section=section))
    return "".join(text_parts).rstrip("\n") + "\n", blocks


def _meta_tags(tree: Any) -> dict[str, str]:
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, content)
    return metas


def _first_text(tree: Any, xpath: str) -> str | None:
    for el in tree.xpath(xpath):
        text = squash_spaces(el.text_content())
        if text:
            return text
    return None


def _title_suffix(title: str | None) -> str | None:
    """'Headline - 産経ニュース' -> '産経ニュース': the site name many pages append to <title>."""
    for sep in _TITLE_SEPARATORS:
        if title and sep in title:
            head, tail = title.rsplit(sep, 1)
            if head.strip() and 0 < len(tail.strip()) <= 40:
                return tail.strip()
    return None


def _strip_title_suffix(title: str | None) -> str | None:
    suffix = _title_suffix(title)
    if title and suffix:
        return title[: title.rfind(suffix)].rstrip(" |-–—｜")
    return title


def _canonical_url(tree: Any, metas: dict[str, str]) -> str | None:
    candidates = [link.get("href") or "" for link in tree.iter("link")
                  if "canonical" in (link.get("rel") or "").lower().split()]
    candidates.append(metas.get("og:url", ""))
    for url in candidates:
        if url.strip().startswith(("http://", "https://")):
            return url.strip()
    return None


def _html_date(tree: Any, metas: dict[str, str], html: str) -> str | None:
    for key in _DATE_META:
        if found := iso_date(metas.get(key)):
            return found
    for time_el in tree.xpath("//article//time[@datetime] | //time[@pubdate]"):
        if found := iso_date(time_el.get("datetime")):
            return found
    from htmldate import find_date  # URL and text patterns, when the page declares no date

    try:
        return iso_date(find_date(html, extensive_search=True, original_date=True, outputformat="%Y-%m-%d"))
    except Exception:  # noqa: BLE001 - a date guess is optional; never fail the load over it
        return None


def _first_line(text: str) -> str | None:
    return next((line.strip()[:120] for line in text.split("\n") if line.strip()), None)
