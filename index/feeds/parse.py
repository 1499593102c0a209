"""Feed bytes -> entries: RSS 0.9x/1.0/2.0 and Atom by feedparser, each entry's link, title and date.

A feed is hostile until shown otherwise: entries without a link or with a non-http(s) one are
skipped with a reason, duplicates are kept once, and only the newest `limit` entries are taken
per poll (the rest are counted, so the poller can say so). A URL that now serves an HTML page
instead of a feed is a FetchFailed("not_a_feed"), never an empty feed: the articles already
indexed stay.
"""
from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from index.errors import FetchFailed
from index.types import FeedEntry, Fetched

_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html\b|head\b|body\b)", re.I | re.S)
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class ParsedFeed:
    title: str
    entries: list[FeedEntry]  # newest first, at most `limit`
    total: int = 0  # usable entries in the feed
    capped: int = 0  # usable entries left out past `limit`
    skipped: list[tuple[str, str]] = field(default_factory=list)  # ("entry N" or its link, reason)


def parse_feed(fetched: Fetched, limit: int) -> ParsedFeed:
    """The feed's entries, or FetchFailed when the body is not a feed at all."""
    import feedparser

    body = fetched.body
    if fetched.content_type in _PAGE_TYPES or _HTML_START.match(body[:4096]):
        raise FetchFailed(fetched.url, "not_a_feed", "an HTML page")
    # Bytes, never a str: feedparser takes a str for a URL or a file name and would open it.
    parsed = feedparser.parse(body, response_headers={"content-location": fetched.url,
                                                      "content-type": _content_type_header(fetched)})
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise FetchFailed(fetched.url, "not_a_feed", _first_line(problem) if problem else "no RSS or Atom element")
    found: list[tuple[float, FeedEntry]] = []  # (when, entry)
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(parsed.entries, 1):
        link = _link(entry)
        if not link:
            skipped.append((f"entry {i}", "has no link"))
            continue
        if urlsplit(link).scheme.lower() not in ("http", "https"):
            skipped.append((link[:200], "link is not http(s)"))
            continue
        link = urldefrag(link)[0]
        if link in seen:
            continue  # a duplicate entry: quietly kept once
        seen.add(link)
        when = _when(entry)
        found.append((when or 0.0, FeedEntry(link, _clean(entry.get("title")),
                                             time.strftime("%Y-%m-%d", time.gmtime(when)) if when else None)))
    # Newest first: by time when every entry has one, else in the feed's own order (feeds list the newest first).
    if all(when for when, _ in found):
        found.sort(key=lambda item: item[0], reverse=True)
    entries = [e for _, e in found]
    return ParsedFeed(_clean(parsed.feed.get("title")), entries[:limit], len(entries), max(0, len(entries) - limit),
                      skipped)


def _content_type_header(fetched: Fetched) -> str:
    kind = fetched.content_type or "application/xml"
    return f"{kind}; charset={fetched.charset}" if fetched.charset else kind


def _link(entry) -> str:  # noqa: ANN001 - a feedparser dict
    link = (entry.get("link") or "").strip()
    if link:
        return link
    for candidate in entry.get("links") or []:
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return candidate["href"].strip()
    return ""


def _when(entry) -> float | None:  # noqa: ANN001
    """The entry's time (UTC seconds): published, else updated."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return float(calendar.timegm(value))
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())[:300]


def _first_line(exc: object) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
