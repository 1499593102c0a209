"""/help: what citebot does, its commands, how answers are cited, when it declines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from .. import strings
from ..replies import send_ephemeral

if TYPE_CHECKING:
    from ..bot import CitebotBot


class HelpCog(commands.Cog):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What citebot does, its commands, and how answers are cited.")
    async def help(self, interaction: discord.Interaction[CitebotBot]) -> None:
        lang = strings.locale_lang(interaction.locale)
        await send_ephemeral(interaction, strings.text(lang, "help", days=self.bot.config.feedback_days))


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(HelpCog(bot))
