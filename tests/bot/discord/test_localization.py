"""Japanese command names and descriptions through discord.py's Translator, and what a ja locale sees."""

from __future__ import annotations

import asyncio
import re

import discord
from discord import app_commands

from bot.discord.localization import JA, CitebotTranslator

from .fake_discord import GUILD_ID

# Discord's rule for slash command and option names (context menus may hold spaces and capitals).
SLASH_NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")


def every_command(bot):
    """Every slash command, group, subcommand and context menu in the bot's tree."""
    yield from bot.tree.walk_commands()
    yield from bot.tree.get_commands(type=discord.AppCommandType.message)


def test_every_command_and_option_has_japanese(env):
    """Each command, group, subcommand, option and the context menu has a Japanese name (and, but for the
    context menu, a description), within Discord's limits: a command added without its entry fails here."""

    async def scenario(fake, bot):
        seen = set()
        for command in every_command(bot):
            entry = JA.get(command.qualified_name)
            assert entry is not None, f"{command.qualified_name} has no Japanese entry in bot/discord/localization.py"
            seen.add(command.qualified_name)
            if isinstance(command, app_commands.ContextMenu):
                assert 1 <= len(entry.name) <= 32
                continue
            assert SLASH_NAME.fullmatch(entry.name) and entry.name == entry.name.lower(), entry.name
            assert 1 <= len(entry.description) <= 100, command.qualified_name
            parameters = command.parameters if isinstance(command, app_commands.Command) else []
            assert set(entry.options) == {p.name for p in parameters}, command.qualified_name
            for name, description in entry.options.values():
                assert SLASH_NAME.fullmatch(name) and name == name.lower() and 1 <= len(description) <= 100
        assert seen == set(JA), f"entries for no command: {set(JA) - seen}"

    env.run(scenario)


def test_a_japanese_client_sees_japanese_in_the_synced_commands(env):
    """The PUT of the commands carries ja name and description localizations for commands, subcommands,
    options and the message menu; English stays the default name and description."""

    async def scenario(fake, bot):
        (put,) = [r for r in fake.requests if r.method == "PUT"]
        by_name = {c["name"]: c for c in put.json}
        ask = by_name["ask"]
        assert ask["description"].startswith("Ask the articles")
        assert ask["name_localizations"]["ja"] == "質問" and "出典" in ask["description_localizations"]["ja"]
        (question,) = ask["options"]
        assert question["name"] == "question" and question["name_localizations"] == {"ja": "質問文"}
        assert question["description_localizations"]["ja"].startswith("質問")
        admin = by_name["admin"]
        assert admin["name_localizations"] == {"ja": "管理"}
        remove = next(o for o in admin["options"] if o["name"] == "remove")
        assert remove["name_localizations"] == {"ja": "削除"} and remove["description_localizations"]["ja"]
        assert remove["options"][0]["description_localizations"]["ja"].startswith("記事のタイトル")
        assert by_name["Find sources"]["name_localizations"] == {"ja": "出典を探す"}
        assert all(set(c.get("name_localizations") or {}) == {"ja"} for c in put.json)
        assert fake.commands[GUILD_ID]

    env.run(scenario)


def test_other_locales_and_unknown_commands_stay_english():
    """The translator answers None (Discord shows English) for a locale other than ja and for a command it has no entry for."""
    translator = CitebotTranslator()

    def translate(command_name: str, locale: discord.Locale) -> str | None:
        command = app_commands.Command(name=command_name, description="Test.", callback=_noop)
        where = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, command)
        return asyncio.run(translator.translate(app_commands.locale_str(command_name), locale, where))

    assert translate("ask", discord.Locale.japanese) == "質問"
    assert translate("ask", discord.Locale.french) is None
    assert translate("nope", discord.Locale.japanese) is None


async def _noop(interaction: discord.Interaction) -> None:
    """A command body for the translator test."""
