"""`citebot serve`: run the Discord bot until interrupted."""

from __future__ import annotations

import asyncio
import logging
import sys

import aiohttp
import discord

from index.errors import CitebotError

from .client import CitebotBot
from .config import BotConfig
from .runner import EngineLike


def serve(config: BotConfig, *, engine: EngineLike | None = None) -> int:
    """Run the bot; 0 on a clean stop, else 1 after one clear line on stderr (no traceback).

    `engine` defaults to the engine over `config.index_dir` with CITEBOT_MODEL's model (else the
    index's own), closed on the way out.
    """
    if config.token is None:
        return _fail("DISCORD_TOKEN is not set: put the bot token in the environment or in .env")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if engine is not None:
            return _serve(config, engine, config.token.reveal())
        # Imported here: loading the engine (and its model) is only worth it when serving.
        from index.config import IndexSettings
        from index.engine import Engine

        opened = Engine.open(config.index_dir, model=IndexSettings.from_env(config.index_dir).model)
        try:
            return _serve(config, opened, config.token.reveal())
        finally:
            opened.close()
    except CitebotError as exc:
        return _fail(str(exc))


def _serve(config: BotConfig, engine: EngineLike, token: str) -> int:
    try:
        asyncio.run(_run(config, engine, token))
    except discord.LoginFailure:
        return _fail(f"Discord rejected DISCORD_TOKEN (login failed at {config.api_base}): check the bot token")
    except discord.PrivilegedIntentsRequired:
        return _fail("Discord refused the bot's intents: enable them for the bot in the Developer Portal")
    except (aiohttp.ClientError, OSError) as exc:
        return _fail(f"cannot reach Discord at {config.api_base}: {exc}")
    except KeyboardInterrupt:
        pass
    return 0


async def _run(config: BotConfig, engine: EngineLike, token: str) -> None:
    async with CitebotBot(config, engine) as bot:
        await bot.start(token)


def _fail(message: str) -> int:
    print(f"citebot serve: {message}", file=sys.stderr)
    return 1
