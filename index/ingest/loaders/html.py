"""HTML: the <article> read directly, else trafilatura's main text; metadata from the page's head."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import LoadError
from ...types import Block, Document
from .common import Run, iso_date, make_document, short_outlet, squash_spaces

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


def load_html(path: str, text: str) -> Document:
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
    return make_document(
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
    run: Run | None = None
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
            run = Run(start, pos)
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
    from htmldate import (
        find_date,  # URL and text patterns, when the page declares no date
    )

    try:
        return iso_date(find_date(html, extensive_search=True, original_date=True, outputformat="%Y-%m-%d"))
    except Exception:  # noqa: BLE001 - a date guess is optional; never fail the load over it
        return None


def _first_line(text: str) -> str | None:
    return next((line.strip()[:120] for line in text.split("\n") if line.strip()), None)
