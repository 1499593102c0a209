"""Privacy: answers, votes and declined questions older than CITEBOT_FEEDBACK_DAYS are deleted,
when the bot starts and once a day after."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

if TYPE_CHECKING:
    from ..bot import CitebotBot

log = logging.getLogger(__name__)


class RetentionCog(commands.Cog):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.purge.start()

    async def cog_unload(self) -> None:
        self.purge.cancel()

    @tasks.loop(hours=24)
    async def purge(self) -> None:
        days = self.bot.config.feedback_days
        try:
            deleted = await asyncio.to_thread(self.bot.feedback.purge, days)
        except Exception as exc:  # noqa: BLE001 - a store down today is purged tomorrow; the bot keeps answering
            log.warning("could not purge feedback older than %d days: %s", days, exc)
            return
        if deleted:
            log.info("purged %d feedback rows older than %d days", deleted, days)


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(RetentionCog(bot))
