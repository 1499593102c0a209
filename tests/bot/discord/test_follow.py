"""/admin follow, unfollow, feeds and ingest url: in the fake Discord, against a local server allowed for the test."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from index.settings import FetchSettings
from tests.bot.discord import conftest as discord_conftest
from tests.webserver import LocalServer, Page, article_html, rss

from .fake_discord import ADMIN_ID, EPHEMERAL, GUILD_ID, MEMBER_ID

LIBRARY = f"guild-{GUILD_ID}"
KITE = article_html("Kite festival draws record crowd", "The Sandhaven kite festival drew about 12,000 visitors on "
                    "Sunday, a record for the beach event.", outlet="Dune Weekly", published="2025-09-14")
TIDE = article_html("潮見台に新しい観測所", "潮見台の海辺に潮位の観測所が完成し、12月1日から観測データの公開が始まる。",
                    outlet="浜辺新報")



@pytest.fixture
def server():
    with LocalServer() as s:
        s.routes["/kite.html"] = Page(KITE.encode(), "text/html; charset=utf-8")
        s.routes["/tide.html"] = Page(TIDE.encode("shift_jis"), "text/html")
        s.routes["/feed.xml"] = Page(rss(s, "Dune Weekly", "/kite.html"), "application/rss+xml", etag='"1"')
        yield s


@pytest.fixture
def allowed(env, server, monkeypatch):
    """The bot may fetch from the local server (this test only); ingests get time on a busy machine."""
    env.config = replace(env.config, fetch=FetchSettings(allow=server.allow))
    monkeypatch.setattr(discord_conftest, "SCENARIO_TIMEOUT", 180.0)
    return env


def test_follow_then_a_scheduled_poll_makes_a_new_entry_answerable_with_its_url(allowed, server):
    """/admin follow indexes the feed at once; a new entry is fetched by the background schedule and /ask cites its page URL."""
    env = allowed

    async def scenario(fake, bot):
        handle = await fake.slash("admin", subcommand="follow", user=ADMIN_ID, url=server.url("/feed.xml"))
        (reply,) = await fake.replies(handle, timeout=120)
        assert reply.message["flags"] & EPHEMERAL
        assert reply.message["content"].startswith(f"Following {server.url('/feed.xml')}.")
        assert "1 entries, 1 new: 1 added" in reply.message["content"]
        server.routes["/feed.xml"] = Page(rss(server, "Dune Weekly", "/tide.html", "/kite.html"), "application/rss+xml", etag='"2"')
        store = bot.feeds.poller.store
        # Make the feed due now and wake the schedule, as the clock would CITEBOT_FEED_MINUTES later.
        store.save(replace(store.get(server.url("/feed.xml"), LIBRARY), next_poll=0))
        bot.feeds.wake()
        await fake.wait_for(lambda: store.get(server.url("/feed.xml"), LIBRARY).articles == 2, timeout=120,
                            what="the scheduled poll to index the new entry")
        (answer,) = await fake.replies(await fake.slash("ask", question="潮位の観測データの公開はいつから?"), timeout=60)
        assert server.url("/tide.html") in json.dumps(answer.message)

    env.run(scenario)
    assert server.paths().count("/kite.html") == 1  # the old entry was not fetched again


def test_feed_commands_are_for_manage_server_only(env, server):
    """A member without Manage Server is refused by follow, unfollow and feeds, and nothing is fetched."""

    async def scenario(fake, bot):
        for subcommand, options in (("follow", {"url": server.url("/feed.xml")}),
                                    ("unfollow", {"url": server.url("/feed.xml")}), ("feeds", {})):
            (reply,) = await fake.replies(await fake.slash("admin", subcommand=subcommand, user=MEMBER_ID, **options))
            assert "only members with the Manage Server permission" in reply.message["content"]

    env.run(scenario)
    assert server.requests == []


def test_a_loopback_feed_is_refused_with_its_reason_in_english_and_japanese(env, server):
    """Without the allow setting /admin follow refuses 127.0.0.1 in one line, in the user's language, without a request."""

    async def scenario(fake, bot):
        (en,) = await fake.replies(await fake.slash("admin", subcommand="follow", user=ADMIN_ID, url=server.url("/feed.xml")))
        assert en.message["content"] == (f"Refused to fetch {server.url('/feed.xml')}: 127.0.0.1 is a loopback address; "
                                         "the bot fetches only from public addresses")
        (ja,) = await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, locale="ja",
                                                    url=server.url("/kite.html")))
        assert ja.message["content"].startswith(f"{server.url('/kite.html')} の取得を拒否しました")
        (listed,) = await fake.replies(await fake.slash("admin", subcommand="feeds", user=ADMIN_ID))
        assert listed.message["content"] == "This server follows no feed yet: /admin follow url:"

    env.run(scenario)
    assert server.requests == []


def test_ingest_url_feeds_listing_and_unfollow(allowed, server):
    """/admin ingest url: adds a page to the server's library; /admin feeds shows a failing feed's error;
    /admin unfollow forgets it and keeps its articles."""
    env = allowed

    async def scenario(fake, bot):
        (added,) = await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID,
                                                       url=server.url("/tide.html")), timeout=120)
        assert added.message["content"].startswith(f"Added: {server.url('/tide.html')}")
        (neither,) = await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID))
        assert "Attach an article file, or give the url:" in neither.message["content"]
        await fake.replies(await fake.slash("admin", subcommand="follow", user=ADMIN_ID, url=server.url("/feed.xml")),
                           timeout=120)
        server.routes["/feed.xml"] = Page(b"<!DOCTYPE html><html><body>moved</body></html>", "text/html")
        await bot.feeds.poll(server.url("/feed.xml"), LIBRARY)
        (listed,) = await fake.replies(await fake.slash("admin", subcommand="feeds", user=ADMIN_ID))
        text = listed.message["content"]
        assert "Dune Weekly" in text and "1 articles" in text and "failing (1 in a row)" in text
        assert "not an RSS or Atom feed" in text
        (gone,) = await fake.replies(await fake.slash("admin", subcommand="unfollow", user=ADMIN_ID,
                                                      url=server.url("/feed.xml")))
        assert gone.message["content"] == f"Stopped following {server.url('/feed.xml')}; the 1 articles it brought stay."

    env.run(scenario)
    titles = {s.title for s in env.engine.sources((LIBRARY,))}
    assert titles == {"潮見台に新しい観測所", "Kite festival draws record crowd"}
