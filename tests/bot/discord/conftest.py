"""Shared fixtures: an engine over the fixture corpus, a fake Discord, and a running bot."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from tests.paths import FIXTURES
from bot.discord.bot import CitebotBot
from bot.discord.settings import BotConfig, Secret
from index.catalog import Catalog
from index.engine import Engine

from .engine_double import EngineProxy
from .fake_discord import GUILD_ID, TOKEN, FakeDiscord

CORPUS = FIXTURES / "bot_corpus"
# Facts of that corpus the scenarios ask about.
LIBRARY_URL = "https://gazette.example.org/riverside/library-reopens"
LIBRARY_QUESTION = "When did the Riverside library reopen after the renovation?"
SCENARIO_TIMEOUT = 30.0


def corpus_files() -> list[Path]:
    return sorted(CORPUS.iterdir())


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The fixture corpus indexed once per session; tests get copies."""
    index_dir = tmp_path_factory.mktemp("corpus") / "index"
    index_dir.mkdir()
    engine = Engine.open(index_dir, embedder=embedder)
    engine.ingest(corpus_files())
    engine.close()
    return index_dir


@pytest.fixture
def engine(tmp_path: Path, corpus_index: Path, embedder) -> Iterator[EngineProxy]:
    """A private engine over the fixture corpus (sharing the session's model), behind a proxy tests can script."""
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    real = Catalog(index_dir, embedder=embedder)  # the corpus is the shared "default" library
    yield EngineProxy(real)
    real.close()


@pytest.fixture
def config(tmp_path: Path) -> BotConfig:
    return BotConfig(
        token=Secret(TOKEN),
        guild_ids=(GUILD_ID,),
        index_dir=tmp_path / "index",
        feedback_db=tmp_path / "feedback.sqlite3",
        cooldown_seconds=0,
    )


@dataclass
class LogErrors:
    """ERROR records from the `discord` and `bot` loggers; any not expected fails the test."""

    records: list[logging.LogRecord] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect errors whose message or exception text matches `pattern`."""
        self.allowed.append(pattern)

    def unexpected(self) -> list[str]:
        texts = [_record_text(r) for r in self.records]
        return [t for t in texts if not any(re.search(p, t) for p in self.allowed)]


def _record_text(record: logging.LogRecord) -> str:
    exc = record.exc_info[1] if record.exc_info else None
    return f"{record.name}: {record.getMessage()}" + (f" [{type(exc).__name__}: {exc}]" if exc else "")


class _Collector(logging.Handler):
    def __init__(self, sink: LogErrors) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.records.append(record)


@pytest.fixture(autouse=True)
def log_errors() -> Any:
    """discord.py only logs a failing handler, so logged errors must fail the test themselves."""
    sink = LogErrors()
    handler = _Collector(sink)
    loggers = [logging.getLogger(name) for name in ("discord", "bot")]
    for logger in loggers:
        logger.addHandler(handler)
    yield sink
    for logger in loggers:
        logger.removeHandler(handler)
    unexpected = sink.unexpected()
    if unexpected:
        pytest.fail("errors were logged:\n" + "\n".join(unexpected))


@asynccontextmanager
async def running_bot(fake: FakeDiscord, config: BotConfig, engine: Any) -> AsyncIterator[CitebotBot]:
    """A CitebotBot logged in to `fake`, ready (guild received, commands synced) until the block ends."""
    config = replace(config, api_base=fake.api_base, gateway_url=fake.gateway_url)
    # A short guild_ready_timeout: otherwise each start waits 2 s for more guilds.
    bot = CitebotBot(config, engine, guild_ready_timeout=0.1)
    async with bot:
        task = asyncio.create_task(bot.start(TOKEN))
        await fake.wait_for(lambda: bot.is_ready() or task.done(), what="the bot to be ready")
        if task.done():
            task.result()  # re-raise the start failure
        try:
            yield bot
        finally:
            await bot.close()
            await asyncio.wait_for(task, 10)


Scenario = Callable[[FakeDiscord, CitebotBot], Awaitable[None]]


@dataclass
class BotEnv:
    engine: EngineProxy
    config: BotConfig

    def run(self, scenario: Scenario, *, heartbeat_interval: float = 41.25) -> FakeDiscord:
        """Run `scenario` against a bot on a fresh fake Discord; check what every run must hold."""
        fake = asyncio.run(self._run(scenario, heartbeat_interval))
        assert_sent_safely(fake)
        return fake

    def run_raw(
        self, scenario: Callable[[FakeDiscord], Awaitable[None]], *, heartbeat_interval: float = 41.25
    ) -> FakeDiscord:
        """Like run, but the scenario starts and stops bots itself (restarts)."""

        async def main() -> FakeDiscord:
            async with FakeDiscord(heartbeat_interval=heartbeat_interval) as fake:
                await asyncio.wait_for(scenario(fake), SCENARIO_TIMEOUT)
            return fake

        fake = asyncio.run(main())
        assert_sent_safely(fake)
        return fake

    def bot(self, fake: FakeDiscord) -> Any:
        return running_bot(fake, self.config, self.engine)

    async def _run(self, scenario: Scenario, heartbeat_interval: float) -> FakeDiscord:
        async with (
            FakeDiscord(heartbeat_interval=heartbeat_interval) as fake,
            running_bot(fake, self.config, self.engine) as bot,
        ):
            await asyncio.wait_for(scenario(fake, bot), SCENARIO_TIMEOUT)
        return fake


def assert_sent_safely(fake: FakeDiscord) -> None:
    """Invariants of every run: no request the fake did not know, and nothing sent could ping."""
    assert not fake.unhandled, f"the bot called routes the fake does not serve: {fake.unhandled}"
    for request in fake.sent_messages():
        assert request.message.get("allowed_mentions") == {"parse": []}, f"{request.method} {request.path} may ping"


@pytest.fixture
def env(engine: EngineProxy, config: BotConfig) -> BotEnv:
    return BotEnv(engine, config)
