"""citebot ingest URL, follow [--once], unfollow and feeds, against a local server allowed by CITEBOT_FETCH_ALLOW."""
import json

import pytest

from bot.cli import main
from tests.webserver import LocalServer, Page, article_html, rss

FERRY = article_html("Island ferry adds a night run", "The island ferry will add a night run leaving the pier at "
                     "22:30 from November 3, the operator said.", outlet="Bay Courier", published="2025-11-03")
SHRINE = article_html("神社の大銀杏が色づく", "丘の上神社の大銀杏が色づき始めた。見頃は11月20日ごろの見込みだという。",
                      charset="euc-jp")


@pytest.fixture
def server():
    with LocalServer() as s:
        s.routes["/ferry.html"] = Page(FERRY.encode(), "text/html; charset=utf-8")
        s.routes["/shrine.html"] = Page(SHRINE.encode("euc_jp"), "text/html")
        s.routes["/feed.xml"] = Page(rss(s, "Bay Courier", "/ferry.html", "/shrine.html"), "application/rss+xml",
                                     etag='"a"')
        yield s


@pytest.fixture
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("CITEBOT_FETCH_ALLOW", raising=False)
    return tmp_path / "index"


def allow(monkeypatch, server):
    monkeypatch.setenv("CITEBOT_FETCH_ALLOW", f"127.0.0.1:{server.port}")


def test_follow_once_indexes_the_feed_and_ask_cites_the_page_urls(index_dir, server, monkeypatch, capsys):
    """follow FEED --once indexes the entries; ask cites them by page URL; a second --once fetches nothing (304)."""
    allow(monkeypatch, server)
    assert main(["follow", server.url("/feed.xml"), "--once"]) == 0
    assert "2 added" in capsys.readouterr().err
    assert main(["ask", "When does the night ferry leave the pier?", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["citations"][0]["url"] == server.url("/ferry.html") and "22:30" in out["answer"]
    assert main(["ask", "大銀杏の見頃はいつ?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["citations"][0]["url"] == server.url("/shrine.html")
    before = len(server.requests)
    assert main(["follow", "--once"]) == 0
    assert "not modified" in capsys.readouterr().err
    assert server.paths()[before:] == ["/feed.xml"]


def test_without_the_allow_setting_the_local_feed_is_refused_with_its_reason(index_dir, server, capsys):
    """Without CITEBOT_FETCH_ALLOW, following a loopback feed exits 2 with one line saying why; nothing is fetched."""
    assert main(["follow", server.url("/feed.xml"), "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("citebot: error: refused to fetch") and "127.0.0.1 is a loopback address" in err
    assert len(err.splitlines()) == 1 and server.requests == []


def test_ingest_url_indexes_a_page_and_updates_it_on_reingest(index_dir, server, monkeypatch, capsys):
    """ingest URL adds the page under its URL; ingesting it again after a change updates that one article."""
    allow(monkeypatch, server)
    assert main(["ingest", server.url("/ferry.html")]) == 0
    assert "1 added" in capsys.readouterr().err
    server.routes["/ferry.html"] = Page(FERRY.replace("22:30", "23:00").encode(), "text/html")
    assert main(["ingest", server.url("/ferry.html")]) == 0
    assert "1 updated" in capsys.readouterr().err
    assert main(["sources", "--json"]) == 0
    (source,) = json.loads(capsys.readouterr().out)
    assert source["url"] == server.url("/ferry.html") and source["published"] == "2025-11-03"


def test_ingest_url_reports_a_refused_or_failed_url_as_skipped(index_dir, server, monkeypatch, capsys):
    """A URL that cannot be had is a skipped line with its reason; the other articles are indexed."""
    allow(monkeypatch, server)
    code = main(["ingest", server.url("/ferry.html"), server.url("/missing.html"), "http://10.0.0.1/x", "ftp://a/b"])
    err = capsys.readouterr().err
    assert code == 0 and "1 added" in err and "3 skipped" in err
    assert "the server answered 404" in err and "10.0.0.1 is a private address" in err and "not ftp" in err


def test_feeds_lists_each_feed_with_its_last_error_and_unfollow_keeps_articles(index_dir, server, monkeypatch, capsys):
    """citebot feeds shows articles and a failing feed's error; unfollow forgets the feed, not its articles."""
    allow(monkeypatch, server)
    main(["follow", server.url("/feed.xml")])
    server.routes["/feed.xml"] = Page(b"<html><body><p>gone</p></body></html>", "text/html", etag='"b"')
    assert main(["follow", "--once"]) == 1
    capsys.readouterr()
    assert main(["feeds"]) == 0
    out = capsys.readouterr().out
    assert "Bay Courier" in out and "2 articles" in out and "FAILED (1 in a row)" in out and "not an RSS or Atom feed" in out
    assert main(["feeds", "--json"]) == 0
    (feed,) = json.loads(capsys.readouterr().out)
    assert feed["error_kind"] == "not_a_feed" and feed["library"] == "default"
    assert main(["unfollow", server.url("/feed.xml")]) == 0
    assert "2 articles stay" in capsys.readouterr().out
    assert main(["unfollow", server.url("/feed.xml")]) == 1
    main(["sources", "--json"])
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_a_bad_allow_setting_stops_the_command(index_dir, monkeypatch, capsys):
    """CITEBOT_FETCH_ALLOW that is not host:port stops any command with one line naming it."""
    monkeypatch.setenv("CITEBOT_FETCH_ALLOW", "127.0.0.1")
    assert main(["feeds"]) == 2
    assert "CITEBOT_FETCH_ALLOW" in capsys.readouterr().err
