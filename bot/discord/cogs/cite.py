"""/cite and the "Find sources" message menu: which passages back a claim."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from index.text.language import detect_lang
from discord import app_commands
from discord.ext import commands

from .. import render, strings
from ..answers import question_problem
from ..cooldown import cooldown_check
from ..replies import NO_MENTIONS, send_ephemeral

if TYPE_CHECKING:
    from ..bot import CitebotBot


class CiteCog(commands.Cog):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot
        # discord.py cannot declare context menus inside a cog class: build it here, drop it on unload.
        self.find_sources_menu = app_commands.ContextMenu(name="Find sources", callback=self.find_sources)
        self.find_sources_menu.add_check(cooldown_check)
        bot.tree.add_command(self.find_sources_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.find_sources_menu.name, type=self.find_sources_menu.type)

    @app_commands.command(name="cite", description="Find the article passages that support a claim.")
    @app_commands.describe(claim="A statement to find sources for")
    @app_commands.check(cooldown_check)
    async def cite(self, interaction: discord.Interaction[CitebotBot], claim: str) -> None:
        problem = question_problem(claim, self.bot.config.max_question_chars, kind="claim")
        if problem:
            await send_ephemeral(interaction, problem)
        else:
            await interaction.response.defer(thinking=True)
            await self._send_lookup(interaction, claim, ephemeral=False)

    async def find_sources(self, interaction: discord.Interaction[CitebotBot], message: discord.Message) -> None:
        claim = message.content.strip()
        if not claim:
            await send_ephemeral(interaction, strings.text(strings.locale_lang(interaction.locale), "empty_claim"))
            return
        # Private: looking up someone's message should not post into their conversation.
        await interaction.response.defer(thinking=True, ephemeral=True)
        # The user picked a message rather than typing a claim: look up its start instead of refusing.
        await self._send_lookup(interaction, claim[: self.bot.config.max_question_chars], ephemeral=True)

    async def _send_lookup(self, interaction: discord.Interaction[CitebotBot], claim: str, *, ephemeral: bool) -> None:
        citations = await self.bot.runner.cite(claim, self.bot.config.libraries(interaction.guild_id))
        reply = render.render_citations(claim, citations, detect_lang(claim))
        await interaction.followup.send(
            reply.content, embeds=list(reply.embeds), ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(CiteCog(bot))
