"""The engine as the bot sees it: every call runs on worker threads, never on the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from index.types import SourceInfo
from index.types import Answer, Citation, IngestReport

T = TypeVar("T")


class EngineLike(Protocol):
    """The part of `index.engine.Engine` the bot uses."""

    def ask(self, question: str, k: int = 5) -> Answer: ...

    def cite(self, claim: str, k: int = 5) -> list[Citation]: ...

    def sources(self) -> list[SourceInfo]: ...

    def ingest(self, paths: list[Path], progress: Any = None) -> IngestReport: ...

    def find(self, wanted: str) -> list[SourceInfo]: ...

    def remove(self, path: str) -> bool: ...

    def stats(self) -> dict: ...


class EngineRunner:
    """Async facade over a blocking engine.

    Queries share a small pool so twenty questions at once neither stall the gateway
    heartbeat nor each other; writes get their own thread so a long ingest never
    holds a query slot.
    """

    def __init__(self, engine: EngineLike, *, query_workers: int = 4) -> None:
        self.engine = engine
        self._queries = ThreadPoolExecutor(query_workers, thread_name_prefix="citebot-query")
        self._writes = ThreadPoolExecutor(1, thread_name_prefix="citebot-ingest")

    async def ask(self, question: str) -> Answer:
        return await self._run(self._queries, self.engine.ask, question)

    async def cite(self, claim: str) -> list[Citation]:
        return await self._run(self._queries, self.engine.cite, claim)

    async def sources(self) -> list[SourceInfo]:
        return await self._run(self._queries, self.engine.sources)

    async def stats(self) -> dict:
        return await self._run(self._queries, self.engine.stats)

    async def ingest(self, paths: list[Path]) -> IngestReport:
        return await self._run(self._writes, self.engine.ingest, paths)

    async def find(self, wanted: str) -> list[SourceInfo]:
        return await self._run(self._queries, self.engine.find, wanted)

    async def remove(self, path: str) -> bool:
        return await self._run(self._writes, self.engine.remove, path)

    def close(self) -> None:
        # Wait for the calls already running: the engine is closed right after this.
        self._queries.shutdown(wait=True, cancel_futures=True)
        self._writes.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    async def _run(pool: ThreadPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, functools.partial(fn, *args))
