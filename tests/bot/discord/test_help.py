"""/help: what citebot does and its commands, privately, in the user's language."""

from __future__ import annotations

from bot.discord.localization import JA

from .fake_discord import CHANNEL_MESSAGE, EPHEMERAL


def test_help_explains_commands_citations_and_declining_in_english(env):
    """/help answers at once, only to the asker, naming every command, the [n] citations, when it declines,
    and how long feedback is kept."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("help"))
        assert reply.json["type"] == CHANNEL_MESSAGE and reply.message["flags"] & EPHEMERAL
        content = reply.message["content"]
        for command in ("/ask", "/cite", "Find sources", "/sources", "/source", "/admin", "[n]"):
            assert command in content, command
        assert "don't answer" in content and "90 days" in content and len(content) <= 2000

    env.run(scenario)


def test_help_is_japanese_for_a_japanese_client(env):
    """A user whose Discord is in Japanese gets the Japanese help, naming the commands as their Discord shows them
    (the Japanese names of bot/discord/localization.py) with the English ones beside them."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("help", locale="ja"))
        content = reply.message["content"]
        assert "出典" in content and "推測せず" in content and "保存期間は90日" in content
        for command in ("ask", "cite", "sources", "source", "admin"):
            assert f"/{JA[command].name}" in content and f"/{command}" in content, command
        assert JA["Find sources"].name in content

    env.run(scenario)
