"""Polling followed feeds into a library: new entries indexed under their page URLs, conditional GET,
errors recorded with back-off while the articles already indexed stay."""
import pytest

from index.catalog import Catalog
from index.errors import FetchRefused
from index.feeds.poller import FeedPoller
from index.settings import FetchSettings
from tests.webserver import LocalServer, Page, rss

LIBRARY = "guild-7"
LIGHTHOUSE = """<html><head><title>岬の灯台が100周年 - 港町ニュース</title>
<meta property="article:published_time" content="2025-10-20"></head><body><article><h1>岬の灯台が100周年</h1>
<p>北浜岬の灯台は10月20日、点灯から100周年を迎えた。記念式典には地元の小学生およそ80人が参加した。</p>
<p>灯台は11月末まで毎週末に一般公開される。</p></article></body></html>"""
MARKET = """<html><head><title>Night market returns to Canal Street</title></head><body><article>
<h1>Night market returns to Canal Street</h1>
<p>The Canal Street night market reopened on Friday with 64 stalls, the organisers said.</p>
<p>It will run every Friday evening until the end of March.</p></article></body></html>"""
BRIDGE = """<html><head><title>Footbridge closed for repairs</title></head><body><article>
<h1>Footbridge closed for repairs</h1>
<p>The Millbrook footbridge closed on Monday for six weeks of deck repairs, the council said.</p>
</article></body></html>"""



@pytest.fixture
def server():
    with LocalServer() as s:
        s.routes["/lighthouse.html"] = Page(LIGHTHOUSE.encode("shift_jis"), "text/html")
        s.routes["/market.html"] = Page(MARKET.encode(), "text/html; charset=utf-8")
        s.routes["/bridge.html"] = Page(BRIDGE.encode(), "text/html; charset=utf-8")
        s.routes["/feed.xml"] = Page(rss(s, "港町ニュース", "/lighthouse.html", "/market.html"), "application/rss+xml", etag='"1"')
        yield s


@pytest.fixture
def catalog(tmp_path, embedder):
    c = Catalog(tmp_path / "index", embedder=embedder)
    yield c
    c.close()


@pytest.fixture
def poller(tmp_path, catalog, server):
    p = FeedPoller(tmp_path / "index", lambda docs, library: catalog.ingest([], library=library, documents=docs),
                   FetchSettings(allow=server.allow))
    p.follow(server.url("/feed.xml"), LIBRARY)
    return p


def only_state(poller):
    (state,) = poller.feeds()
    return state


def test_a_poll_indexes_new_entries_under_their_page_urls(poller, catalog, server):
    """The feed's entries are fetched and indexed into the feed's library, each citing its page URL."""
    (report,) = poller.poll_all()
    assert report.error is None and report.entries == 2 and report.new == 2 and len(report.ingest.added) == 2
    urls = {s.url for s in catalog.sources((LIBRARY,))}
    assert urls == {server.url("/lighthouse.html"), server.url("/market.html")}
    answer = catalog.ask("灯台の記念式典には何人が参加した?", libraries=(LIBRARY,))
    assert not answer.abstained and answer.citations[0].url == server.url("/lighthouse.html")
    state = only_state(poller)
    assert state.articles == 2 and state.etag == '"1"' and state.title == "港町ニュース" and state.error_kind is None


def test_a_poller_leaves_the_feeds_of_libraries_it_does_not_poll(tmp_path, catalog, server):
    """A poller told another process polls a library neither fetches nor schedules that library's feeds."""
    p = FeedPoller(tmp_path / "index", lambda docs, library: catalog.ingest([], library=library, documents=docs),
                   FetchSettings(allow=server.allow), polls=lambda library: library != LIBRARY)
    p.follow(server.url("/feed.xml"), LIBRARY)
    assert p.poll_all() == [] and p.next_due() is None and server.requests == []


def test_a_second_poll_is_a_conditional_get_that_fetches_nothing(poller, server):
    """The second poll sends the ETag, gets 304 and fetches no page."""
    poller.poll_all()
    before = len(server.requests)
    (report,) = poller.poll_all()
    assert report.not_modified and report.ingest is None
    assert server.paths()[before:] == ["/feed.xml"]
    assert server.requests[-1].headers["if-none-match"] == '"1"'


def test_only_new_entries_are_fetched_when_the_feed_changes(poller, server, catalog):
    """A changed feed brings its new entry; the pages already indexed are not fetched again."""
    poller.poll_all()
    server.routes["/feed.xml"] = Page(rss(server, "港町ニュース", "/bridge.html", "/lighthouse.html", "/market.html"),
                                      "application/rss+xml", etag='"2"')
    before = len(server.requests)
    (report,) = poller.poll_all()
    assert report.new == 1 and report.ingest.added == [server.url("/bridge.html")]
    assert server.paths()[before:] == ["/feed.xml", "/bridge.html"]
    assert len(catalog.sources((LIBRARY,))) == 3


def test_a_feed_that_turns_into_html_keeps_its_articles_and_reports_the_error(poller, server, catalog):
    """When the feed URL serves an HTML page, the poll fails with not_a_feed, nothing indexed is lost,
    and the next poll backs off; once the feed is back, the error clears."""
    poller.poll_all()
    server.routes["/feed.xml"] = Page(b"<!DOCTYPE html><html><body><p>Moved!</p></body></html>", "text/html")
    (report,) = poller.poll_all()
    assert report.error is not None and report.error.kind == "not_a_feed"
    state = only_state(poller)
    assert state.error_kind == "not_a_feed" and state.failures == 1 and state.articles == 2
    assert len(catalog.sources((LIBRARY,))) == 2
    (waiting,) = poller.poll_all()  # backing off: not polled
    assert waiting.waiting_until == state.next_poll
    server.routes["/feed.xml"] = Page(rss(server, "港町ニュース", "/lighthouse.html", "/market.html"), "application/rss+xml")
    report = poller.poll(state)
    assert report.error is None and only_state(poller).error_kind is None and only_state(poller).failures == 0


def test_back_off_doubles_with_each_failure(poller, server):
    """Each failure in a row waits about twice as long as the one before (with jitter)."""
    server.routes["/feed.xml"] = Page(status=500, body=b"oops", content_type="text/plain")
    waits = []
    for _ in range(3):
        state = only_state(poller)
        poller.poll(state)
        after = only_state(poller)
        waits.append(after.next_poll - after.last_polled)
    assert only_state(poller).failures == 3 and only_state(poller).error_detail.startswith("500")
    assert waits[1] > waits[0] * 1.5 and waits[2] > waits[1] * 1.5


def test_a_page_that_fails_is_skipped_with_its_reason_and_retried(poller, server, catalog):
    """An entry whose page is missing is skipped (one line, its reason); the others are indexed; the
    next poll of the feed tries the missing page again."""
    server.routes["/feed.xml"] = Page(rss(server, "港町ニュース", "/gone.html", "/market.html"), "application/rss+xml")
    (report,) = poller.poll_all()
    assert report.skipped == [(server.url("/gone.html"), "the server answered 404 Not Found")]
    assert report.ingest.added == [server.url("/market.html")]
    server.routes["/gone.html"] = Page(BRIDGE.encode(), "text/html")
    (report,) = poller.poll_all()
    assert report.new == 1 and report.ingest.added == [server.url("/gone.html")]


def test_following_a_private_address_is_refused(tmp_path, catalog):
    """follow vets the URL: without the allow setting a loopback feed is refused and not stored."""
    p = FeedPoller(tmp_path / "index", lambda docs, library: None, FetchSettings())
    with pytest.raises(FetchRefused):
        p.follow("http://127.0.0.1:9/feed.xml", LIBRARY)
    assert p.feeds() == []


def test_unfollow_keeps_the_articles(poller, catalog, server):
    """Unfollowing forgets the feed; the articles it brought stay answerable."""
    poller.poll_all()
    assert poller.unfollow(server.url("/feed.xml"), LIBRARY) and poller.feeds() == []
    assert len(catalog.sources((LIBRARY,))) == 2
    assert not poller.unfollow(server.url("/feed.xml"), LIBRARY)


def test_ingesting_the_same_page_again_updates_it(catalog, server):
    """A page is keyed by its URL: ingesting it again after it changed updates the one article."""
    from index.web.fetch import Fetcher
    from index.web.pages import fetch_page

    fetcher = Fetcher(FetchSettings(allow=server.allow))
    first = catalog.ingest([], library=LIBRARY, documents=[fetch_page(fetcher, server.url("/market.html"))])
    same = catalog.ingest([], library=LIBRARY, documents=[fetch_page(fetcher, server.url("/market.html"))])
    server.routes["/market.html"] = Page(MARKET.replace("64 stalls", "70 stalls").encode(), "text/html")
    changed = catalog.ingest([], library=LIBRARY, documents=[fetch_page(fetcher, server.url("/market.html"))])
    assert first.added and same.unchanged and changed.updated == [server.url("/market.html")]
    (source,) = catalog.sources((LIBRARY,))
    assert source.path == source.url == server.url("/market.html")
    assert "70 stalls" in catalog.ask("How many stalls does the night market have?", libraries=(LIBRARY,)).text


def test_a_huge_feed_is_taken_newest_first_a_capped_number_per_poll(tmp_path, catalog, server):
    """Of a feed of 3,000 entries a poll fetches only the newest `max_entries` pages and says how many it left out."""
    paths = [f"/p{n}.html" for n in range(3000)]
    server.routes["/big.xml"] = Page(rss(server, "Big", *paths), "application/rss+xml")
    server.routes["/p0.html"] = Page(MARKET.encode(), "text/html")
    server.routes["/p1.html"] = Page(BRIDGE.encode(), "text/html")
    poller = FeedPoller(tmp_path / "index", lambda docs, library: catalog.ingest([], library=library, documents=docs),
                        FetchSettings(allow=server.allow, max_entries=2))
    poller.follow(server.url("/big.xml"), LIBRARY)
    (report,) = poller.poll_all()
    assert (report.entries, report.capped, report.new) == (3000, 2998, 2)
    assert sorted(server.paths()) == ["/big.xml", "/p0.html", "/p1.html"]
    assert len(report.ingest.added) == 2
