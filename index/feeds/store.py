"""The followed feeds of one index folder, in INDEX_DIR/feeds.sqlite: each feed's library, its
conditional-GET validators, how its last poll went, and which of its entries are indexed.

Every change is one SQLite transaction (atomic: a crash leaves the old state or the new, never a
mix); a connection per call, so the bot's poller thread, its commands and a cron `citebot follow
--once` can share the file.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import fields, replace
from pathlib import Path

from index.types import FeedState

FILE_NAME = "feeds.sqlite"
# Entries whose page failed this many times are left alone until the feed names them afresh.
MAX_ATTEMPTS = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT NOT NULL, library TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    etag TEXT, last_modified TEXT, last_polled REAL, last_ok REAL, next_poll REAL NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0, error_kind TEXT, error_detail TEXT NOT NULL DEFAULT '',
    error_refused INTEGER NOT NULL DEFAULT 0, articles INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (url, library));
CREATE TABLE IF NOT EXISTS entries (
    feed TEXT NOT NULL, library TEXT NOT NULL, link TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feed, library, link));
"""
_COLUMNS = tuple(f.name for f in fields(FeedState))


class FeedStore:
    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / FILE_NAME

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            with con:  # one transaction: committed whole, or rolled back
                yield con

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        if not self.path.exists():
            return []
        with self._tx() as con:
            return con.execute(sql, params).fetchall()

    def feeds(self, library: str | None = None) -> list[FeedState]:
        """Every followed feed (or one library's), by library then URL."""
        where, params = ("WHERE library = ?", (library,)) if library else ("", ())
        rows = self._read(f"SELECT {', '.join(_COLUMNS)} FROM feeds {where} ORDER BY library, url", params)
        return [_state(row) for row in rows]

    def get(self, url: str, library: str) -> FeedState | None:
        rows = self._read(f"SELECT {', '.join(_COLUMNS)} FROM feeds WHERE url = ? AND library = ?", (url, library))
        return _state(rows[0]) if rows else None

    def follow(self, url: str, library: str) -> bool:
        """Start following; False when the library already follows it."""
        with self._tx() as con:
            return con.execute("INSERT OR IGNORE INTO feeds (url, library) VALUES (?, ?)", (url, library)).rowcount > 0

    def unfollow(self, url: str, library: str) -> bool:
        """Stop following (its articles stay indexed); False when the library did not follow it."""
        with self._tx() as con:
            con.execute("DELETE FROM entries WHERE feed = ? AND library = ?", (url, library))
            return con.execute("DELETE FROM feeds WHERE url = ? AND library = ?", (url, library)).rowcount > 0

    def save(self, state: FeedState, indexed: Sequence[str] = (), failed: Sequence[str] = ()) -> None:
        """A poll's outcome, in one transaction: the feed's state, the entries now indexed, and those
        whose page failed (tried again on later polls, MAX_ATTEMPTS times in all)."""
        with self._tx() as con:
            values = [getattr(state, c) for c in _COLUMNS[2:]]
            updated = con.execute(f"UPDATE feeds SET {', '.join(f'{c} = ?' for c in _COLUMNS[2:])} "
                                  "WHERE url = ? AND library = ?", (*values, state.url, state.library)).rowcount
            if not updated:
                return  # unfollowed while it was being polled: nothing to keep
            con.executemany("INSERT INTO entries (feed, library, link, indexed) VALUES (?, ?, ?, 1) "
                            "ON CONFLICT DO UPDATE SET indexed = 1",
                            [(state.url, state.library, link) for link in indexed])
            con.executemany("INSERT INTO entries (feed, library, link, attempts) VALUES (?, ?, ?, 1) "
                            "ON CONFLICT DO UPDATE SET attempts = attempts + 1",
                            [(state.url, state.library, link) for link in failed])
            con.execute("UPDATE feeds SET articles = (SELECT COUNT(*) FROM entries WHERE feed = ? AND library = ? "
                        "AND indexed = 1) WHERE url = ? AND library = ?", (state.url, state.library) * 2)

    def done(self, url: str, library: str, links: list[str]) -> set[str]:
        """Of these entry links, those not to fetch again: indexed, or failed MAX_ATTEMPTS times."""
        rows = self._read("SELECT link, indexed, attempts FROM entries WHERE feed = ? AND library = ?", (url, library))
        wanted = set(links)
        return {link for link, indexed, attempts in rows if link in wanted and (indexed or attempts >= MAX_ATTEMPTS)}


def _state(row: tuple) -> FeedState:
    state = FeedState(**dict(zip(_COLUMNS, row)))
    return replace(state, error_refused=bool(state.error_refused), error_detail=state.error_detail or "",
                   title=state.title or "")
