"""The feed schedule: a background task that polls the followed feeds when they are due
(CITEBOT_FEED_MINUTES apart, with jitter, later after errors), fetching and ingesting on a worker
thread so the event loop (and the gateway heartbeat) never waits on the network."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index.feeds.poller import FeedPoller
from index.types import Document, FeedState, IngestReport, PollReport

if TYPE_CHECKING:
    from .bot import CitebotBot

log = logging.getLogger(__name__)
# The longest the task sleeps between looks at the schedule (a feed followed meanwhile wakes it).
CHECK_SECONDS = 60.0


class FeedScheduler:
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot
        self.poller = FeedPoller(bot.config.index_dir, self._ingest, bot.config.fetch, polls=bot.config.polls)
        self._lock = asyncio.Lock()  # one round of polling at a time
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._running: asyncio.Future | None = None  # the poll on a worker thread, if one runs

    def _ingest(self, documents: Sequence[Document], library: str) -> IngestReport:
        # Already on a worker thread (the poll's): the engine serialises its writers itself.
        return self.bot.runner.engine.ingest([], None, library, documents=documents)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="citebot-feeds")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._running is not None and not self._running.done():
            # A thread cannot be cancelled: let its poll finish before the engine closes under it.
            await asyncio.wait([self._running], timeout=30)

    def wake(self) -> None:
        """Look at the schedule again now (a feed was followed)."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                due = await asyncio.to_thread(self.poller.next_due)
                delay = CHECK_SECONDS if due is None else min(max(due - time.time(), 0.0), CHECK_SECONDS)
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()
                for report in await self.poll_due():
                    _log(report)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the schedule must outlive any one bad round
                log.exception("polling the feeds failed")
                await asyncio.sleep(CHECK_SECONDS)

    async def poll_due(self) -> list[PollReport]:
        """Poll the feeds whose time has come (off the event loop)."""
        async with self._lock:
            return await self._off_loop(self.poller.poll_all, True)

    async def poll(self, url: str, library: str) -> PollReport | None:
        """Poll one feed now; None when the library does not follow it."""
        async with self._lock:
            state = await asyncio.to_thread(self.poller.store.get, url, library)
            return None if state is None else await self._off_loop(self.poller.poll, state)

    async def _off_loop(self, fn, *args):  # noqa: ANN001, ANN202
        self._running = asyncio.ensure_future(asyncio.to_thread(fn, *args))
        return await asyncio.shield(self._running)

    async def feeds(self, library: str) -> list[FeedState]:
        return await asyncio.to_thread(self.poller.feeds, library)


def _log(report: PollReport) -> None:
    if report.error is not None:
        log.warning("feed %s (library %s) failed: %s", report.url, report.library, report.error)
    elif report.ingest is not None:
        log.info("feed %s (library %s): %d added, %d updated", report.url, report.library,
                 len(report.ingest.added), len(report.ingest.updated))
