"""Autocomplete of article titles for /source and /admin remove, through the fake's type-4 interactions."""

from __future__ import annotations

from bot.discord.completion import MAX_CHOICES, choice_name, complete, removal_value, score
from index.types import SourceInfo

from .fake_discord import ADMIN_ID, GUILD_ID, MEMBER_ID
from .test_admin import NEW_ARTICLE


def source(title, outlet=None, published=None, path="/srv/articles/a.txt"):
    return SourceInfo(path, title, None, published, outlet, "ja", 1)


def within_limits(choices):
    """At most 25 choices, each name 1-100 characters and each string value at most 100."""
    assert len(choices) <= MAX_CHOICES
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100
        assert not isinstance(choice["value"], str) or 1 <= len(choice["value"]) <= 100
    return choices


def test_source_completes_titles_as_their_numbers(env):
    """Typing part of a title into /source n (an integer option: Discord sends the text) gets a type 8
    answer whose choices name the matching article and send back its number in /sources."""

    async def scenario(fake, bot):
        choices = within_limits(await fake.choices(await fake.autocomplete("source", "n", "riverside", option_type=4)))
        assert choices and "Riverside Library reopens" in choices[0]["name"]
        sources = await bot.runner.sources(bot.config.libraries(GUILD_ID))
        assert sources[choices[0]["value"] - 1].title.startswith("Riverside Library")
        japanese = within_limits(await fake.choices(await fake.autocomplete("source", "n", "川根", option_type=4)))
        assert japanese and "川根鉄道" in japanese[0]["name"]
        assert await fake.choices(await fake.autocomplete("source", "n", "zzzz qqqq", option_type=4)) == []

    env.run(scenario)


def test_source_completion_keeps_to_discord_limits(env):
    """Sixty articles with 300-character titles: at most 25 choices, names cut to 100 characters with "…";
    a number typed lists the articles from that number on."""
    env.engine.listing = [source(f"Harbour news {i} " + "x" * 300, "Gazette", "2025-01-01") for i in range(60)]

    async def scenario(fake, bot):
        choices = within_limits(await fake.choices(await fake.autocomplete("source", "n", "harbour", option_type=4)))
        assert len(choices) == 25 and all("…" in c["name"] for c in choices)
        assert [c["value"] for c in choices] == list(range(1, 26))
        numbered = await fake.choices(await fake.autocomplete("source", "n", "42", option_type=4))
        assert [c["value"] for c in numbered][:3] == [42, 43, 44] and numbered[0]["name"].startswith("42. Harbour")

    env.run(scenario)


def test_admin_remove_completes_only_the_servers_own_articles(env):
    """/admin remove offers the server's uploads (sent as their file name), never the shared library's."""

    async def scenario(fake, bot):
        attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
        await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment))
        typed = await fake.autocomplete("admin", "path_or_title", "", subcommand="remove", user=ADMIN_ID)
        choices = within_limits(await fake.choices(typed))
        assert [c["value"] for c in choices] == ["lighthouse.md"]
        assert choices[0]["name"].startswith("Harbour lighthouse gets a new lamp")
        shared = await fake.autocomplete("admin", "path_or_title", "川根", subcommand="remove", user=ADMIN_ID)
        assert await fake.choices(shared) == []
        member = await fake.autocomplete("admin", "path_or_title", "", subcommand="remove", user=MEMBER_ID)
        assert await fake.choices(member) == []  # no Manage Server: nothing to pick

    env.run(scenario)


def test_ranking_prefers_title_then_outlet_and_date_then_words():
    """A title starting with the text ranks first, then a title containing it, then outlet/date, then some words;
    width and case are ignored."""
    starts, inside = source("東京駅の改修"), source("新しい東京駅")
    outlet, words = source("Other", outlet="ＮＨＫ"), source("Tokyo library news", published="2025-06-02")
    assert score(starts, "東京駅") > score(inside, "東京駅") > 0
    assert score(outlet, "nhk") == 2.0 and score(words, "library 2025-06") > 0
    assert score(words, "nothing here") == 0
    ranked = complete([words, inside, outlet, starts], "東京駅", lambda n, s: n)
    assert [c.value for c in ranked] == [4, 2]


def test_choice_names_and_removal_values_stay_short_and_show_no_folders():
    """A choice name keeps the outlet and date and cuts the title; a removal value is the file name, else the title."""
    long = source("長い" * 80, outlet="Gazette", published="2025-01-01", path="/srv/x/" + "a" * 120 + ".txt")
    name = choice_name(long, "12. ")
    assert len(name) == 100 and name.startswith("12. 長い") and name.endswith("— Gazette · 2025-01-01")
    assert "…" in name
    assert removal_value(1, long) is None  # a 124-character file name and a 160-character title: not offered
    assert removal_value(1, source("Short", path="/srv/x/short.txt")) == "short.txt"
    assert removal_value(1, source("Title", path="/srv/x/" + "b" * 120 + ".txt")) == "Title"


def test_completion_offers_nothing_when_the_store_is_down(env, caplog):
    """An engine error while listing (the store unreachable) answers no choices and logs a warning, not a traceback."""
    from index.errors import StoreUnavailable

    def refuse(libraries=()):
        raise StoreUnavailable("milvus at 127.0.0.1:1", "connection refused")

    async def scenario(fake, bot):
        env.engine.sources = refuse
        assert await fake.choices(await fake.autocomplete("source", "n", "river", option_type=4)) == []

    env.run(scenario)
    assert any("autocomplete could not list" in r.getMessage() for r in caplog.records)
