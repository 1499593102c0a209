"""`citebot serve`: run the Discord bot until interrupted."""

from __future__ import annotations

import asyncio
import logging
import sys

import aiohttp
import discord
import yarl

from index.errors import CitebotError

from .bot import CitebotBot
from .settings import BotConfig
from .runner import EngineLike
from bot.cli.wording import describe

log = logging.getLogger("bot.discord.serve")
GATEWAY_TIMEOUT = 10.0


class GatewayUnreachable(Exception):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach the Discord gateway at {url} ({reason}): check DISCORD_GATEWAY_URL "
                         f"and the network")


def serve(config: BotConfig, *, engine: EngineLike | None = None) -> int:
    """Run the bot; 0 on a clean stop, else 1 after one clear line on stderr (no traceback).

    `engine` defaults to the libraries in `config.index_dir` (index.catalog.Catalog) with the
    configured settings, closed on the way out.
    """
    if config.token is None:
        return _fail("DISCORD_TOKEN is not set: put the bot token in the environment or in .env")
    _configure_logging()
    try:
        if engine is not None:
            return _serve(config, engine, config.token.reveal())
        # Imported here: loading the engine (and its model) is only worth it when serving.
        from index.catalog import Catalog
        from index.embedding import load_embedder
        from index.settings import DEFAULT_MODEL

        if config.engine.milvus_uri and config.database_url is None:
            log.warning("the libraries are in Milvus but answers and votes stay in %s on this machine: set "
                        "CITEBOT_DATABASE_URL to share them between bot processes", config.feedback_path)
        catalog = Catalog(config.index_dir, settings=config.engine)
        try:
            if config.shared_library:
                catalog.engine(config.shared_library, create=True)  # loads the model the index names
                stats = catalog.stats((config.shared_library,))
                log.info("serving the shared library %s in %s: %d articles, %d passages (model %s)",
                         config.shared_library, stats["index_dir"], stats["articles"], stats["passages"], stats["model"])
                if not stats["articles"]:
                    log.warning("the shared library is empty: servers answer only from their own uploads "
                                "(citebot ingest PATH --library %s, or /admin ingest in a server)", config.shared_library)
            else:
                catalog.embedder = load_embedder(config.engine.model or DEFAULT_MODEL, config.engine.threads)
                log.info("serving per-server libraries in %s, no shared library", config.index_dir)
            return _serve(config, catalog, config.token.reveal())
        finally:
            catalog.close()
    except CitebotError as exc:
        return _fail(describe(exc))


def _configure_logging() -> None:
    # A server's progress goes to stderr (the CLI already sends warnings to its log file, which
    # must not stop the bot's start-up lines from reaching the operator).
    root = logging.getLogger()
    if not any(isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    # Start-up chatter of libraries, not of citebot: which CPU features FAISS found, and voice
    # support the bot never uses.
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    logging.getLogger("discord.client").addFilter(_quiet_voice_warning)


def _quiet_voice_warning(record: logging.LogRecord) -> bool:
    return "voice will NOT be supported" not in record.getMessage()


def _serve(config: BotConfig, engine: EngineLike, token: str) -> int:
    try:
        asyncio.run(_run(config, engine, token))
    except discord.LoginFailure:
        return _fail(f"Discord rejected DISCORD_TOKEN (login failed at {config.api_base}): check the bot token")
    except discord.PrivilegedIntentsRequired:
        return _fail("Discord refused the bot's intents: enable them for the bot in the Developer Portal")
    except GatewayUnreachable as exc:
        return _fail(str(exc))
    except (aiohttp.ClientError, OSError) as exc:
        return _fail(f"cannot reach Discord at {config.api_base} ({exc}): check DISCORD_API_BASE and the network")
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback for the log
        log.debug("the bot stopped", exc_info=True)
        return _fail(f"the bot stopped: {type(exc).__name__}: {exc}")
    return 0


async def _run(config: BotConfig, engine: EngineLike, token: str) -> None:
    async with CitebotBot(config, engine) as bot:
        await bot.login(token)
        # discord.py retries a gateway it cannot reach and then fails on its own missing socket:
        # knock once first, so an unreachable one gets a sentence instead.
        await _reach(config.gateway_url)
        await bot.connect()


async def _reach(url: str) -> None:
    parsed = yarl.URL(url)
    port = parsed.port or (443 if parsed.scheme == "wss" else 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parsed.host, port), GATEWAY_TIMEOUT)
    except (OSError, asyncio.TimeoutError) as exc:
        raise GatewayUnreachable(url, str(exc) or type(exc).__name__) from None
    writer.close()


def _fail(message: str) -> int:
    print(f"citebot serve: error: {message}", file=sys.stderr)
    return 1
