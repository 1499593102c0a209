"""Feed bytes -> entries: RSS 0.9x/1.0/2.0 and Atom, hostile feeds handled with a reason each."""
import time

import pytest

from index.errors import FetchFailed
from index.feeds.parse import parse_feed
from index.types import Fetched

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>港町ニュース</title><link>https://minato.example/</link>
{items}
</channel></rss>"""
ITEM = "<item><title>{title}</title>{link}<pubDate>{date}</pubDate></item>"


def feed(body: str, content_type="application/rss+xml") -> Fetched:
    return Fetched("https://minato.example/feed.xml", 200, content_type, None, body.encode("utf-8"))


def item(n: int, link: bool = True, day: int | None = None) -> str:
    date = time.strftime("%a, %d %b %Y 09:00:00 +0900", time.strptime(f"2025-{1 + n % 12:02d}-{1 + (day or n) % 28:02d}", "%Y-%m-%d"))
    return ITEM.format(title=f"記事{n}", link=f"<link>https://minato.example/a/{n}</link>" if link else "", date=date)


def test_rss2_entries_with_links_titles_and_dates():
    """An RSS 2.0 feed yields each entry's link, title and ISO date, and the feed's title."""
    parsed = parse_feed(feed(RSS2.format(items=item(1) + item(2))), limit=50)
    assert parsed.title == "港町ニュース"
    assert {(e.link, e.title) for e in parsed.entries} == {("https://minato.example/a/1", "記事1"),
                                                          ("https://minato.example/a/2", "記事2")}
    assert all(e.published and e.published.startswith("2025-") for e in parsed.entries)


def test_atom_rss1_and_rss091_are_read():
    """Atom 1.0 (link rel=alternate), RSS 1.0 (RDF) and RSS 0.91 feeds all give their entries."""
    atom = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Riverside</title>
    <entry><title>Bridge reopens</title><link rel="alternate" href="https://riverside.example/bridge"/>
    <id>tag:riverside.example,2025:1</id><updated>2025-10-03T10:00:00Z</updated></entry></feed>"""
    rdf = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://x.example/"><title>X</title></channel>
    <item rdf:about="https://x.example/1"><title>One</title><link>https://x.example/1</link></item></rdf:RDF>"""
    rss091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
    <item><title>Old one</title><link>https://old.example/1</link></item></channel></rss>"""
    assert [e.link for e in parse_feed(feed(atom, "application/atom+xml"), 50).entries] == ["https://riverside.example/bridge"]
    assert parse_feed(feed(atom, "application/atom+xml"), 50).entries[0].published == "2025-10-03"
    assert [e.link for e in parse_feed(feed(rdf, "application/rdf+xml"), 50).entries] == ["https://x.example/1"]
    assert [e.link for e in parse_feed(feed(rss091), 50).entries] == ["https://old.example/1"]


def test_a_feed_of_10000_entries_is_capped_to_the_newest():
    """Of 10,000 entries only the newest `limit` are taken, and how many were left out is counted."""
    items = "".join(ITEM.format(title=f"e{n}", link=f"<link>https://big.example/{n}</link>",
                                date=time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(1.7e9 + n * 600)))
                    for n in range(10_000))
    started = time.monotonic()
    parsed = parse_feed(feed(RSS2.format(items=items)), limit=50)
    assert parsed.total == 10_000 and parsed.capped == 9_950 and len(parsed.entries) == 50
    assert parsed.entries[0].link == "https://big.example/9999" and parsed.entries[-1].link == "https://big.example/9950"
    assert time.monotonic() - started < 30


def test_entries_without_links_or_dates_and_duplicates():
    """An entry without a link is skipped with a reason; one without a date is kept; a duplicate is kept once;
    a javascript: link is skipped."""
    items = (item(1, link=False) + "<item><title>undated</title><link>https://minato.example/u</link></item>"
             + item(2) + item(2) + "<item><title>js</title><link>javascript:alert(1)</link></item>")
    parsed = parse_feed(feed(RSS2.format(items=items)), limit=50)
    assert [e.link for e in parsed.entries] == ["https://minato.example/u", "https://minato.example/a/2"]
    assert parsed.entries[0].published is None
    assert ("entry 1", "has no link") in parsed.skipped
    assert any(reason == "link is not http(s)" for _, reason in parsed.skipped)


@pytest.mark.parametrize("content_type", ["text/html", "application/xml", "application/rss+xml"])
def test_a_feed_that_turned_into_an_html_page_is_not_a_feed(content_type):
    """An HTML page where the feed was (whatever its Content-Type says) fails with not_a_feed, never as an empty feed."""
    html = "<!DOCTYPE html><html><head><title>Moved</title></head><body><p>Our feed has moved.</p></body></html>"
    with pytest.raises(FetchFailed) as caught:
        parse_feed(feed(html, content_type), 50)
    assert caught.value.kind == "not_a_feed"


def test_xml_that_is_no_feed_is_not_a_feed():
    """Well-formed XML with no RSS or Atom element fails with not_a_feed."""
    with pytest.raises(FetchFailed) as caught:
        parse_feed(feed("<?xml version='1.0'?><catalog><book>x</book></catalog>", "application/xml"), 50)
    assert caught.value.kind == "not_a_feed"


def test_a_billion_laughs_feed_does_not_expand():
    """Nested entity definitions (a billion laughs) are not expanded: the feed parses quickly and stays small."""
    entities = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">{entities}]><rss version="2.0"><channel>'
            f'<title>&j;</title><item><title>x</title><link>https://x.example/1</link></item></channel></rss>')
    started = time.monotonic()
    parsed = parse_feed(feed(body), 50)
    assert len(parsed.title) < 1000 and time.monotonic() - started < 10
