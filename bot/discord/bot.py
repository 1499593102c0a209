"""The Discord bot: settings, the engine behind worker threads, feedback, and its feature extensions."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .settings import BotConfig
from .cooldown import UserCooldowns
from .feedback import FeedbackStore
from .localization import CitebotTranslator
from .feeds import FeedScheduler
from .replies import NO_MENTIONS, reply_to_error
from .runner import EngineLike, EngineRunner
from .views import DYNAMIC_ITEMS

log = logging.getLogger(__name__)

# One cog per feature, each a discord.py extension with its own `setup(bot)`.
INITIAL_EXTENSIONS = tuple(
    f"bot.discord.cogs.{name}" for name in ("ask", "cite", "sources", "admin", "mention", "help", "retention")
)


def configure_endpoints(api_base: str, gateway_url: str) -> None:
    """Point discord.py at a Discord (the real one, a proxy, or a test double).

    `Route.BASE` prefixes every REST call, including interaction callbacks and webhook
    followups; `DEFAULT_GATEWAY` is where each shard opens its first websocket (later
    reconnects use the `resume_gateway_url` Discord sends in READY). Both are
    class attributes read at call time, so this must run before login.
    """
    Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class CitebotTree(app_commands.CommandTree["CitebotBot"]):
    async def on_error(self, interaction: discord.Interaction[CitebotBot], error: app_commands.AppCommandError) -> None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        await reply_to_error(interaction, original)


class CitebotBot(commands.AutoShardedBot):
    """The bot, as one process of possibly several: it runs the gateway shards `config.shard_ids`
    of `config.shard_count` (Discord sends each shard the events of its own servers), or, unset,
    as many shards as Discord recommends (one for a small bot), all in this process."""

    def __init__(self, config: BotConfig, engine: EngineLike, **options: Any) -> None:
        configure_endpoints(config.api_base, config.gateway_url)
        super().__init__(
            shard_count=config.shard_count,
            shard_ids=list(config.shard_ids) or None,
            # No text commands: a mention is a question, handled by the mention cog.
            command_prefix=(),
            help_command=None,
            intents=discord.Intents.default(),
            allowed_mentions=NO_MENTIONS,
            tree_cls=CitebotTree,
            **options,
        )
        self.config = config
        self.runner = EngineRunner(engine)
        self.feedback = FeedbackStore(config.feedback_target)
        self.cooldowns = UserCooldowns(config.cooldown_seconds)
        self.feeds = FeedScheduler(self)

    async def setup_hook(self) -> None:
        await asyncio.to_thread(self.feedback.init)
        for extension in INITIAL_EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        # Japanese names and descriptions go out with the commands: the translator is needed at sync.
        await self.tree.set_translator(CitebotTranslator())
        await self.sync_commands()
        self.feeds.start()

    async def launch_shards(self) -> None:
        if self.shard_count is None:
            # discord.py would also take the gateway URL Discord names here: keep DISCORD_GATEWAY_URL.
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        shards = self.shard_ids or range(self.shard_count)
        log.info("running gateway shards %s of %d", ",".join(map(str, shards)), self.shard_count)
        await super().launch_shards()

    async def sync_commands(self) -> None:
        """Guild commands appear at once, so use them when guilds are configured; else sync globally."""
        if not self.config.guild_ids:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
            return
        for guild_id in self.config.guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild_id)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("unhandled error in %s", event_method)

    async def close(self) -> None:
        await self.feeds.stop()
        await super().close()
        self.runner.close()
