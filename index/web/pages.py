"""A fetched web page -> a Document, indexed like an uploaded HTML file and keyed by its URL."""
from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from index.errors import FetchFailed, LoadError
from index.ingest.decoding import decode
from index.ingest.loaders.html import load_html
from index.types import Document, Fetched

from .fetch import FEED_TYPES, Fetcher

_FEED_ROOT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)


def fetch_page(fetcher: Fetcher, url: str, published: str | None = None) -> Document:
    """The article at `url`, or FetchError (FetchRefused, FetchFailed) saying why not. `published`
    (a feed entry's date) stands in when the page itself names no date."""
    return page_document(fetcher.fetch(url), published)


def page_document(fetched: Fetched, published: str | None = None) -> Document:
    """trafilatura's main text, title, date and outlet from the page's metadata; its canonical URL
    (same site only) as the article's URL and its key in the index."""
    if fetched.content_type in FEED_TYPES and _FEED_ROOT.match(fetched.body[:4096]):
        raise FetchFailed(fetched.url, "is_feed")
    try:
        doc = load_html(fetched.url, decode(fetched.body, fetched.url, fetched.charset))
    except LoadError as exc:
        raise FetchFailed(fetched.url, "no_text", exc.reason) from None
    url = doc.url if doc.url and same_site(doc.url, fetched.url) else fetched.url
    return replace(doc, path=url, url=url, published=doc.published or published)


def same_site(canonical: str, fetched: str) -> bool:
    """A page may name its canonical URL on its own host (www. or not) only: another site's URL would
    let a page replace that site's article in the index."""
    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    return urlsplit(canonical).scheme in ("http", "https") and host(canonical) == host(fetched) != ""
