"""The engine as the bot sees it: every call runs on worker threads, never on the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from index.types import SourceInfo
from index.types import Answer, Citation, Document, IngestReport

T = TypeVar("T")


class EngineLike(Protocol):
    """The part of `index.catalog.Catalog` the bot uses: questions read some libraries, writes go to one."""

    def ask(self, question: str, k: int = 5, libraries: Sequence[str] = ...) -> Answer: ...

    def cite(self, claim: str, k: int = 5, libraries: Sequence[str] = ...) -> list[Citation]: ...

    def sources(self, libraries: Sequence[str] = ...) -> list[SourceInfo]: ...

    def ingest(self, paths: list[Path], progress: Any = None, library: str = ...,
               documents: Sequence[Document] = ...) -> IngestReport: ...

    def find(self, wanted: str, library: str = ...) -> list[SourceInfo]: ...

    def remove(self, path: str, library: str = ...) -> bool: ...

    def stats(self, libraries: Sequence[str] = ...) -> dict: ...


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

    async def ask(self, question: str, libraries: Sequence[str]) -> Answer:
        return await self._run(self._queries, functools.partial(self.engine.ask, libraries=libraries), question)

    async def cite(self, claim: str, libraries: Sequence[str]) -> list[Citation]:
        return await self._run(self._queries, functools.partial(self.engine.cite, libraries=libraries), claim)

    async def sources(self, libraries: Sequence[str]) -> list[SourceInfo]:
        return await self._run(self._queries, functools.partial(self.engine.sources, libraries))

    async def stats(self, libraries: Sequence[str]) -> dict:
        return await self._run(self._queries, functools.partial(self.engine.stats, libraries))

    async def ingest(self, paths: list[Path], library: str, documents: Sequence[Document] = ()) -> IngestReport:
        """Files, and documents loaded elsewhere (fetched pages), into one library."""
        return await self._run(self._writes, functools.partial(self.engine.ingest, library=library,
                                                               documents=documents), paths)

    async def find(self, wanted: str, library: str) -> list[SourceInfo]:
        return await self._run(self._queries, functools.partial(self.engine.find, library=library), wanted)

    async def remove(self, path: str, library: str) -> bool:
        return await self._run(self._writes, functools.partial(self.engine.remove, library=library), path)

    def close(self) -> None:
        # Wait for the calls already running: the engine is closed right after this.
        self._queries.shutdown(wait=True, cancel_futures=True)
        self._writes.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    async def _run(pool: ThreadPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, functools.partial(fn, *args))
