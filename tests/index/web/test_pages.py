"""A fetched page as a Document: main text, title, date and outlet from its metadata, its same-site
canonical URL as its key, Japanese charsets whether declared or not."""
import pytest

from index.errors import FetchFailed
from index.types import Fetched
from index.web.pages import page_document, same_site

PAGE = """<html><head><meta charset="{charset}"><title>商店街に新しい図書室 - 川辺タイムズ</title>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="2025-11-02T09:00:00+09:00">
</head><body><nav>ホーム | 地域 | 天気</nav>
<article><h1>商店街に新しい図書室</h1>
<p>川辺商店街の空き店舗に11月2日、小さな図書室が開いた。蔵書は約1200冊で、住民が寄贈した。</p>
<p>開館は毎週土曜と日曜の午前10時から午後4時まで。</p></article>
<footer>著作権 川辺タイムズ</footer></body></html>"""


def fetched(body: bytes, url="https://www.kawabe-times.example/news/42", charset=None, content_type="text/html"):
    return Fetched(url, 200, content_type, charset, body)


def test_a_page_becomes_an_article_keyed_by_its_canonical_url():
    """Title, outlet, date and main text come from the page; its canonical URL (same site) is its URL and key."""
    body = PAGE.format(charset="utf-8", canonical="https://kawabe-times.example/news/42").encode()
    doc = page_document(fetched(body))
    assert doc.path == doc.url == "https://kawabe-times.example/news/42"
    assert doc.title == "商店街に新しい図書室" and doc.outlet == "川辺タイムズ" and doc.published == "2025-11-02"
    assert "約1200冊" in doc.text and "ホーム" not in doc.text and "著作権" not in doc.text


def test_a_canonical_url_on_another_site_is_ignored():
    """A page cannot claim another site's URL (it would replace that article): its own URL is kept."""
    body = PAGE.format(charset="utf-8", canonical="https://other-news.example/scoop").encode()
    assert page_document(fetched(body)).path == "https://www.kawabe-times.example/news/42"


@pytest.mark.parametrize("codec, declared, header", [
    ("shift_jis", "shift_jis", None),  # declared in the page
    ("shift_jis", "utf-8", None),  # declared wrongly
    ("cp932", "", None),  # not declared at all
    ("euc_jp", "", "euc-jp"),  # declared only in the Content-Type header
    ("euc_jp", "", "iso-8859-1"),  # the header is wrong
])
def test_japanese_charsets_are_read_declared_or_not(codec, declared, header):
    """Shift_JIS and EUC-JP pages read right whether the page or the header declares the charset, wrongly or not at all."""
    body = PAGE.format(charset=declared, canonical="").encode(codec)
    doc = page_document(fetched(body, charset=header))
    assert "小さな図書室が開いた" in doc.text and doc.title == "商店街に新しい図書室"


def test_a_feed_url_given_as_a_page_says_to_follow_it():
    """An RSS body fetched as a page is refused with is_feed (use follow)."""
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    with pytest.raises(FetchFailed) as caught:
        page_document(fetched(rss, content_type="application/rss+xml"))
    assert caught.value.kind == "is_feed"


def test_a_page_without_text_fails_with_no_text():
    """An empty page is a no_text failure with the loader's reason."""
    with pytest.raises(FetchFailed) as caught:
        page_document(fetched(b"<html><body></body></html>"))
    assert caught.value.kind == "no_text"


def test_same_site_ignores_www_only():
    """www.example.com and example.com are one site; a subdomain or another scheme is not."""
    assert same_site("https://example.com/a", "http://www.example.com/b")
    assert not same_site("https://news.example.com/a", "https://example.com/a")
    assert not same_site("javascript:alert(1)", "https://example.com/a")
