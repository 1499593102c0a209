"""/sources (paged with buttons) and /source n."""

from __future__ import annotations

import json

from index.types import SourceInfo

from .conftest import LIBRARY_URL
from .fake_discord import DEFERRED_UPDATE


def many_sources(count):
    return [
        SourceInfo(
            f"/articles/{i:02}.txt", f"Article {i:02}", f"https://example.org/{i:02}", "2025-01-01", "Gazette", "en", 3
        )
        for i in range(1, count + 1)
    ]


def test_sources_lists_indexed_articles_with_links(env):
    """/sources lists every fixture article by number with a clickable title; one page needs no paging buttons."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("sources"))
        (embed,) = reply.message["embeds"]
        assert embed["description"].count("\n") == 2
        assert (
            "**1.** " in embed["description"]
            and "](https://gazette.example.org/riverside/library-reopens)" in embed["description"]
        )
        assert "川根鉄道" in embed["description"] and "Page 1/1 · 3 articles" in embed["footer"]["text"]
        assert not reply.custom_ids()

    env.run(scenario)


def test_sources_pages_with_buttons_that_edit_the_message(env):
    """With 23 articles /sources shows 10 and ▶; clicking ▶ edits the same message to page 2 (articles 11-20)."""
    env.engine.listing = many_sources(23)

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("sources"))
        assert reply.custom_ids() == ["citebot:sources:0", "citebot:sources:2"]
        assert reply.message["components"][0]["components"][0]["disabled"] is True
        message_id = max(fake.messages)
        handle = await fake.click(message_id, "citebot:sources:2")
        (edit,) = await fake.replies(handle)
        assert fake.for_interaction(handle)[0].json["type"] == DEFERRED_UPDATE
        assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
        description = edit.message["embeds"][0]["description"]
        assert "**11.** [Article 11]" in description and "Article 10" not in description
        assert edit.custom_ids() == ["citebot:sources:1", "citebot:sources:3"]
        assert "Page 2/3" in fake.messages[message_id]["embeds"][0]["footer"]["text"]

    env.run(scenario)


def test_sources_page_option_and_clamping(env):
    """/sources page:3 opens the last page directly; a page past the end shows the last page."""
    env.engine.listing = many_sources(23)

    async def scenario(fake, bot):
        (third,) = await fake.replies(await fake.slash("sources", page=3))
        (past,) = await fake.replies(await fake.slash("sources", page=9))
        for reply in (third, past):
            assert (
                "**21.**" in reply.message["embeds"][0]["description"]
                and "Page 3/3" in reply.message["embeds"][0]["footer"]["text"]
            )

    env.run(scenario)


def test_source_shows_one_article_details(env):
    """/source n shows the n-th article of /sources: title linking to its URL, outlet, date and passage count,
    and nothing of where the file lies on the server's disk."""

    async def scenario(fake, bot):
        (listing,) = await fake.replies(await fake.slash("sources"))
        number = (
            next(line for line in listing.message["embeds"][0]["description"].splitlines() if "Riverside" in line)
            .split(".")[0]
            .strip("*")
        )
        (reply,) = await fake.replies(await fake.slash("source", n=int(number)))
        (embed,) = reply.message["embeds"]
        assert embed["title"] == "Riverside Library reopens after two-year renovation"
        assert embed["url"] == LIBRARY_URL
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields["Published"] == "2025-06-02" and fields["Outlet"] == "Riverside Gazette"
        assert "File" not in fields and int(fields["Passages"]) >= 1
        assert "riverside_library_en.md" not in json.dumps(reply.message) and "/" + "tmp" not in json.dumps(reply.message)

    env.run(scenario)


def test_source_out_of_range_is_explained(env):
    """/source with a number past the list says how many articles there are."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("source", n=42))
        assert reply.message["content"] == "There is no article 42; /sources lists 3."

    env.run(scenario)


def test_source_without_url_names_the_file_not_its_folder(env):
    """/source n for an article without a URL shows its file name only, never the server's folders."""
    env.engine.listing = [SourceInfo("/srv/citebot/articles/guild-1/memo.txt", "Memo", None, None, None, "en", 2)]

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("source", n=1))
        fields = {f["name"]: f["value"] for f in reply.message["embeds"][0]["fields"]}
        assert fields["File"] == "memo.txt" and "/srv" not in json.dumps(reply.message)

    env.run(scenario)
