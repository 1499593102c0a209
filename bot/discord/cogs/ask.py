"""/ask: a question answered with quoted, cited sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..answers import answer_question, question_problem
from ..cooldown import cooldown_check
from ..replies import NO_MENTIONS, send_ephemeral

if TYPE_CHECKING:
    from ..bot import CitebotBot


class AskCog(commands.Cog):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="ask", description="Ask the articles a question; every sentence of the answer is quoted and cited."
    )
    @app_commands.describe(question="Your question, in Japanese or English")
    @app_commands.check(cooldown_check)
    async def ask(self, interaction: discord.Interaction[CitebotBot], question: str) -> None:
        problem = question_problem(question, self.bot.config.max_question_chars)
        if problem:
            await send_ephemeral(interaction, problem)
            return
        # Discord drops an interaction not acknowledged within 3 s: acknowledge before any work.
        await interaction.response.defer(thinking=True)
        for post in await answer_question(self.bot, question, interaction.user.id, interaction.guild_id):
            await interaction.followup.send(
                post.reply.content,
                embeds=list(post.reply.embeds),
                view=post.view or discord.utils.MISSING,
                allowed_mentions=NO_MENTIONS,
            )


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(AskCog(bot))
