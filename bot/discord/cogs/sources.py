"""/sources lists the indexed articles a page at a time; /source n shows one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from .. import render, strings
from ..completion import complete_titles
from ..replies import NO_MENTIONS
from ..views import sources_message

if TYPE_CHECKING:
    from ..bot import CitebotBot


class SourcesCog(commands.Cog):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="List the articles the bot answers from.")
    @app_commands.describe(page="Page to show (10 articles a page)")
    async def sources(self, interaction: discord.Interaction[CitebotBot], page: app_commands.Range[int, 1] = 1) -> None:
        await interaction.response.defer(thinking=True)
        embed, view = sources_message(await self.bot.runner.sources(self.bot.config.libraries(interaction.guild_id)), page, strings.locale_lang(interaction.locale))
        await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="source", description="Show one article's details, by its number in /sources.")
    @app_commands.describe(n="The article's number in /sources (or type a title, outlet or date to search)")
    async def source(self, interaction: discord.Interaction[CitebotBot], n: app_commands.Range[int, 1]) -> None:
        await interaction.response.defer(thinking=True)
        lang = strings.locale_lang(interaction.locale)
        ordered = await self.bot.runner.sources(self.bot.config.libraries(interaction.guild_id))
        if n > len(ordered):
            await interaction.followup.send(
                strings.text(lang, "source_missing", n=n, count=len(ordered)), allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.followup.send(embed=render.render_source(ordered[n - 1], lang), allowed_mentions=NO_MENTIONS)

    @source.autocomplete("n")
    async def source_titles(self, interaction: discord.Interaction[CitebotBot], current: str) -> list[app_commands.Choice[int]]:
        """The articles of the server's libraries whose title, outlet or date match what was typed (or, for a number,
        the articles from that number on), each sent as its number."""
        libraries = self.bot.config.libraries(interaction.guild_id)
        return await complete_titles(self.bot.runner, libraries, str(current), lambda n, source: n, numbered=True)


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(SourcesCog(bot))
