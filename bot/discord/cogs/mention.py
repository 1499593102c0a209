"""@citebot <question>: answered in a new thread, and follow-up mentions answered inside it."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord

from index.text.language import detect_lang
from discord.ext import commands

from .. import render, strings
from ..answers import answer_question, question_problem
from ..replies import NO_MENTIONS

if TYPE_CHECKING:
    from ..bot import CitebotBot

log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100


class MentionCog(commands.Cog):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or not any(user.id == me.id for user in message.mentions):
            return
        try:
            await self._answer(message, strip_mentions(message.content, me.id))
        except Exception:
            log.exception("answering mention %s failed", message.id)
            await self._apologize(message)

    async def _answer(self, message: discord.Message, question: str) -> None:
        # Refusals go in place: a thread holding only "please ask a question" is clutter.
        problem = question_problem(question, self.bot.config.max_question_chars)
        wait = 0.0 if problem else self.bot.cooldowns.hit(message.author.id)
        if problem or wait > 0:
            refusal = problem or strings.text(detect_lang(question), "cooldown", seconds=max(1, round(wait)))
            await message.reply(refusal, allowed_mentions=NO_MENTIONS)
            return
        posts = await answer_question(self.bot, question, message.author.id, message.guild.id if message.guild else None)
        channel = await self._answer_channel(message, question)
        for post in posts:
            await channel.send(
                post.reply.content,
                embeds=list(post.reply.embeds),
                view=post.view or discord.utils.MISSING,
                allowed_mentions=NO_MENTIONS,
            )

    @staticmethod
    async def _answer_channel(message: discord.Message, question: str) -> discord.abc.Messageable:
        """Inside a thread: that thread. In a text channel: a new thread from the question. Else: in place."""
        if isinstance(message.channel, discord.TextChannel):
            name = render.clip(" ".join(question.split()) or "citebot", THREAD_NAME_LIMIT)
            return await message.create_thread(name=name)
        return message.channel

    async def _apologize(self, message: discord.Message) -> None:
        try:
            await message.channel.send(
                strings.text(detect_lang(message.content), "apology"), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as exc:
            log.warning("could not deliver the apology: %s", exc)


def strip_mentions(content: str, user_id: int) -> str:
    """The question without the bot's own mention tokens."""
    return re.sub(rf"<@!?{user_id}>", " ", content).strip()


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(MentionCog(bot))
