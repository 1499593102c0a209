"""Command registration at start: per configured guild, else global."""

from __future__ import annotations

from dataclasses import replace

from .conftest import LIBRARY_QUESTION
from .fake_discord import GUILD_ID

COMMANDS = {"ask", "cite", "sources", "source", "admin", "help", "Find sources"}


def test_commands_sync_to_configured_guilds_only(env):
    """With DISCORD_GUILD_IDS set, every command (slash and the message menu) is bulk-overwritten on that guild, none globally."""

    async def scenario(fake, bot):
        puts = [r.path for r in fake.requests if r.method == "PUT"]
        assert puts == [f"/applications/{bot.application_id}/guilds/{GUILD_ID}/commands"]
        assert {c["name"] for c in fake.commands[GUILD_ID]} == COMMANDS

    env.run(scenario)


def test_commands_sync_globally_without_guild_ids(env):
    """With no DISCORD_GUILD_IDS, the commands are synced globally and still answer."""
    env.config = replace(env.config, guild_ids=())

    async def scenario(fake, bot):
        puts = [r.path for r in fake.requests if r.method == "PUT"]
        assert puts == [f"/applications/{bot.application_id}/commands"]
        assert {c["name"] for c in fake.commands[None]} == COMMANDS
        (reply,) = await fake.replies(
            await fake.slash("ask", question=LIBRARY_QUESTION)
        )
        assert "[1]" in reply.message["content"]

    env.run(scenario)
