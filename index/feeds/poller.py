"""Polling followed feeds: a conditional GET of the feed, its new entries' pages fetched and indexed
into the feed's library, the outcome kept in the feed store.

A poll that fails (the feed unreachable, refused, turned into an HTML page…) changes no article:
the feed keeps what it indexed, records the error, and is tried again later, each failure in a
row doubling the wait (at most a day). A page that fails is skipped with its reason and tried
again on later polls (three times in all). Everything here blocks: the bot runs it on a worker
thread, the CLI directly.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from index.errors import CitebotError, FetchError
from index.settings import FetchSettings
from index.types import Document, FeedState, IngestReport, PollReport
from index.web.fetch import FEED_TYPES, PAGE_TYPES, Fetcher
from index.web.guard import vet
from index.web.pages import fetch_page

from .parse import parse_feed
from .store import FeedStore

log = logging.getLogger(__name__)
MAX_BACKOFF = 24 * 3600.0
JITTER = 0.1  # each wait is stretched or shrunk by up to a tenth, so feeds of one host spread out

Ingest = Callable[[Sequence[Document], str], IngestReport]  # (documents, library) -> what was indexed


class FeedPoller:
    def __init__(self, index_dir: Path, ingest: Ingest, settings: FetchSettings | None = None,
                 fetcher: Fetcher | None = None, clock: Callable[[], float] = time.time,
                 polls: Callable[[str], bool] = lambda library: True) -> None:
        # Which libraries' feeds this poller polls: of several bot processes, only one polls a feed.
        self.polls = polls
        self.settings = settings or FetchSettings()
        self.store = FeedStore(index_dir)
        self.fetcher = fetcher or Fetcher(self.settings)
        self.ingest = ingest
        self.clock = clock

    def follow(self, url: str, library: str) -> bool:
        """Start following a feed (FetchRefused first when citebot may not fetch it); False if already followed."""
        url = url.strip()
        vet(url, self.settings.allow)
        return self.store.follow(url, library)

    def unfollow(self, url: str, library: str) -> bool:
        return self.store.unfollow(url.strip(), library)

    def feeds(self, library: str | None = None) -> list[FeedState]:
        return self.store.feeds(library)

    def poll_all(self, due_only: bool = False, library: str | None = None) -> list[PollReport]:
        """Poll every followed feed (due_only: only those whose time has come). A feed backing off
        after errors is left until its time, with a report saying so, either way."""
        now = self.clock()
        reports = []
        for state in self.store.feeds(library):
            if not self.polls(state.library):
                continue
            if state.next_poll > now and (due_only or state.failures):
                if not due_only:
                    reports.append(PollReport(state.url, state.library, waiting_until=state.next_poll))
                continue
            reports.append(self.poll(state))
        return reports

    def next_due(self) -> float | None:
        """When the next feed is due (Unix time), or None when no feed is followed."""
        return min((s.next_poll for s in self.store.feeds() if self.polls(s.library)), default=None)

    def poll(self, state: FeedState) -> PollReport:
        report = PollReport(state.url, state.library)
        now = self.clock()
        try:
            self._poll(state, report, now)
        except Exception as exc:  # noqa: BLE001 - one feed's failure must never stop the others' polls
            if not isinstance(exc, FetchError):
                log.warning("polling %s failed", state.url, exc_info=not isinstance(exc, CitebotError))
            report.error = exc
            failures = state.failures + 1
            kind, detail, refused = ((exc.kind, exc.detail, exc.refused) if isinstance(exc, FetchError)
                                     else ("internal", f"{type(exc).__name__}: {exc}"[:300], False))
            self.store.save(replace(state, last_polled=now, failures=failures, error_kind=kind, error_detail=detail,
                                    error_refused=refused, next_poll=now + self._wait(failures)))
        return report

    def _poll(self, state: FeedState, report: PollReport, now: float) -> None:
        fetched = self.fetcher.fetch(state.url, FEED_TYPES | PAGE_TYPES, state.etag, state.last_modified)
        done = replace(state, last_polled=now, last_ok=now, failures=0, error_kind=None, error_detail="",
                       error_refused=False, next_poll=now + self._wait(0))
        if fetched.not_modified:
            report.not_modified = True
            self.store.save(replace(done, etag=fetched.etag or state.etag,
                                    last_modified=fetched.last_modified or state.last_modified))
            return
        feed = parse_feed(fetched, self.settings.max_entries)
        report.entries, report.capped, report.skipped = feed.total, feed.capped, list(feed.skipped)
        finished = self.store.done(state.url, state.library, [e.link for e in feed.entries])
        todo = [e for e in feed.entries if e.link not in finished]
        report.new = len(todo)
        pages: list[tuple[str, Document]] = []
        failed: list[str] = []
        for entry in todo:
            try:
                pages.append((entry.link, fetch_page(self.fetcher, entry.link, entry.published)))
            except FetchError as exc:
                report.skipped.append((entry.link, exc.reason))
                failed.append(entry.link)
        indexed: list[str] = []
        if pages:
            report.ingest = self.ingest([doc for _, doc in pages], state.library)
            not_indexed = {path for path, _ in report.ingest.skipped}
            for link, doc in pages:
                (failed if doc.path in not_indexed else indexed).append(link)
        # The validators are kept only now that the entries are in: a poll that fails before this
        # point fetches the whole feed again next time.
        self.store.save(replace(done, title=feed.title or state.title, etag=fetched.etag,
                                last_modified=fetched.last_modified), indexed, failed)

    def _wait(self, failures: int) -> float:
        """Seconds until the next poll: the schedule, doubled for each failure in a row, with jitter."""
        base = min(self.settings.feed_minutes * 60 * 2 ** max(0, failures - 1), MAX_BACKOFF)
        return base * random.uniform(1 - JITTER, 1 + JITTER)
