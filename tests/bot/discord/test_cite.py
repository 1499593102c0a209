"""/cite and the "Find sources" message context menu."""

from __future__ import annotations

from .conftest import LIBRARY_URL
from .engine_double import make_citation
from .fake_discord import DEFERRED_CHANNEL_MESSAGE, EPHEMERAL

CLAIM = "The Riverside library reopened on June 2 after a renovation."


def test_cite_lists_supporting_passages_with_links(env):
    """/cite defers, then names the claim and shows each supporting passage quoted, with its title linking to the article."""

    async def scenario(fake, bot):
        handle = await fake.slash("cite", claim=CLAIM)
        (reply,) = await fake.replies(handle)
        assert fake.for_interaction(handle)[0].json["type"] == DEFERRED_CHANNEL_MESSAGE
        assert reply.message["content"].startswith("Passages for: The Riverside library")
        first = reply.message["embeds"][0]
        assert first["url"] == LIBRARY_URL and first["title"].startswith("[1] Riverside Library")
        assert "June 2" in first["description"]

    env.run(scenario)


def test_cite_without_support_says_so(env):
    """When no passage supports the claim, /cite says so plainly instead of showing weak matches."""
    env.engine.citations = []

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("cite", claim="Penguins run the Riverside library."))
        assert reply.message["content"] == "No passage in the articles supports this."

    env.run(scenario)


def test_find_sources_context_menu_looks_up_the_target_message(env):
    """ "Find sources" on a message runs citation lookup on that message's text and answers privately."""
    env.engine.citations = [make_citation(1, url=LIBRARY_URL)]

    async def scenario(fake, bot):
        target = await fake.user_message(CLAIM, mention_bot=False)
        handle = await fake.message_command("Find sources", target)
        (reply,) = await fake.replies(handle)
        callback = fake.for_interaction(handle)[0]
        assert callback.json["type"] == DEFERRED_CHANNEL_MESSAGE and callback.json["data"]["flags"] & EPHEMERAL
        assert reply.message["embeds"][0]["url"] == LIBRARY_URL

    env.run(scenario)
    assert env.engine.claims == [CLAIM]


def test_find_sources_on_empty_message_is_refused_politely(env):
    """A message with no text (e.g. only an image) gets a private note instead of a lookup."""

    async def scenario(fake, bot):
        target = await fake.user_message("", mention_bot=False)
        (reply,) = await fake.replies(await fake.message_command("Find sources", target))
        assert reply.message["flags"] & EPHEMERAL and "no text" in reply.message["content"]

    env.run(scenario)


def test_claim_the_engine_refuses_gets_a_polite_reply_not_an_apology(env, log_errors):
    """A claim of only zero-width characters passes the bot's own check; the engine's refusal becomes a polite note, logged as no error."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("cite", claim="\u200b\u200b"))
        assert reply.message["content"].startswith("Please ask a question")

    env.run(scenario)
    assert env.engine.claims == ["\u200b\u200b"]
