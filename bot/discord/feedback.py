"""The store of answers and the votes on them: a SQLite file, or a shared PostgreSQL database
(CITEBOT_DATABASE_URL) that any number of bot processes on any number of machines use at once.

Answers are kept so their buttons still work after a restart: a button's custom_id
carries only the answer id, and the passages are read back from here.
Each answer, vote and declined question carries the server it came from (None: a DM), so an admin
sees the coverage gaps of their own server only. Rows older than CITEBOT_FEEDBACK_DAYS are purged.
Methods are blocking; the bot calls them through `asyncio.to_thread`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from index.types import Answer, Citation

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    user_id BIGINT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    lang TEXT NOT NULL,
    citations TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS declined (
    guild_id BIGINT,
    question TEXT NOT NULL,
    asked_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS declined_asked_at ON declined (asked_at);
"""
# Columns added after the first release: a store made before them gains them at start.
ADDED_COLUMNS = (("answers", "guild_id", "BIGINT"), ("votes", "guild_id", "BIGINT"))


@dataclass(frozen=True)
class StoredAnswer:
    id: str
    question: str
    answer: str
    lang: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Vote:
    answer_id: str
    user_id: int
    question: str
    answer: str
    vote: str
    voted_at: str


@dataclass(frozen=True)
class Gap:
    """A question the bot declined, or an answer voted 👎: how often, and when last, in the period."""

    question: str
    count: int
    last: str
    answer: str | None = None  # the down-voted answer; None for a declined question


@dataclass(frozen=True)
class Day:
    """Questions answered and declined on one day (UTC, YYYY-MM-DD)."""

    date: str
    answered: int
    declined: int


# The PostgreSQL advisory lock key that serialises schema set-up ("citebot" in ASCII).
_SCHEMA_LOCK = 0x636974656274


class FeedbackStore:
    """`target`: a SQLite file, or a postgresql:// URL (which may hold a password: never logged)."""

    def __init__(self, target: Path | str) -> None:
        self.url = target if isinstance(target, str) else None
        self.path = None if self.url else Path(target)

    def init(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            if self.url is not None:
                # Bot processes starting together would race on CREATE TABLE IF NOT EXISTS (PostgreSQL
                # then fails with a duplicate pg_type row): one at a time, for this transaction.
                db.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            else:
                # The same for SQLite, whose DDL runs outside a transaction unless one is begun: two
                # processes would both find a column missing and the second ALTER would fail
                # ("duplicate column name"). The write lock makes the check and the ALTER one step.
                db.execute("BEGIN IMMEDIATE")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            for table, column, kind in ADDED_COLUMNS:
                if column not in db.columns(table):
                    # IF NOT EXISTS: another process sharing the PostgreSQL may be adding it right now.
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {'IF NOT EXISTS ' if self.url else ''}{column} {kind}")

    def save_answer(
        self, answer_id: str, answer: Answer, shown: Sequence[Citation], user_id: int | None,
        guild_id: int | None = None,
    ) -> None:
        """Keep `answer` and the citations its "Show passages" button reveals; a declined question is
        also kept as a coverage gap (the question, the time and the server: nothing about the asker)."""
        citations = json.dumps([c.to_json() for c in shown], ensure_ascii=False)
        now = _now()
        with self._connect() as db:
            db.execute(
                "INSERT INTO answers (id, user_id, guild_id, question, answer, lang, citations, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (answer_id, user_id, guild_id, answer.question, answer.text, answer.lang, citations, now),
            )
            if answer.abstained:
                db.execute("INSERT INTO declined (guild_id, question, asked_at) VALUES (?, ?, ?)",
                           (guild_id, answer.question, now))

    def load_answer(self, answer_id: str) -> StoredAnswer | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, question, answer, lang, citations FROM answers WHERE id = ?", (answer_id,)
            ).fetchone()
        if row is None:
            return None
        # JSON gives a list where the citation holds a tuple; rows from before `also` have none.
        citations = tuple(Citation(**{**c, "also": tuple(c.get("also", ()))}) for c in json.loads(row[4]))
        return StoredAnswer(row[0], row[1], row[2], row[3], citations)

    def record_vote(self, answer_id: str, user_id: int, vote: str, guild_id: int | None = None) -> StoredAnswer | None:
        """Store (or change) `user_id`'s vote, made in server `guild_id`; None when the answer is unknown."""
        stored = self.load_answer(answer_id)
        if stored is None:
            return None
        with self._connect() as db:
            db.execute(
                "INSERT INTO votes (answer_id, user_id, guild_id, question, answer, vote, voted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id, user_id)"
                " DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                (answer_id, user_id, guild_id, stored.question, stored.answer, vote, _now()),
            )
        return stored

    def forget_user(self, user_id: int, guild_id: int) -> int:
        """Delete `user_id`'s votes cast in server `guild_id` (and unlink their questions there); the count of votes."""
        with self._connect() as db:
            removed = db.execute("DELETE FROM votes WHERE user_id = ? AND guild_id = ?", (user_id, guild_id)).rowcount
            db.execute("UPDATE answers SET user_id = NULL WHERE user_id = ? AND guild_id = ?", (user_id, guild_id))
        return removed

    def purge(self, days: int, now: datetime | None = None) -> int:
        """Delete votes, answers and declined questions older than `days` days; the count of rows deleted.
        An answer with a newer vote stays until the vote goes (a vote needs its answer)."""
        cutoff = _stamp((now or datetime.now(UTC)) - timedelta(days=days))
        with self._connect() as db:
            deleted = db.execute("DELETE FROM votes WHERE voted_at < ?", (cutoff,)).rowcount
            deleted += db.execute("DELETE FROM answers WHERE created_at < ? AND id NOT IN"
                                  " (SELECT answer_id FROM votes)", (cutoff,)).rowcount
            deleted += db.execute("DELETE FROM declined WHERE asked_at < ?", (cutoff,)).rowcount
        return deleted

    def gaps(self, guild_id: int | None, days: int, limit: int = 10) -> tuple[list[Gap], list[Gap]]:
        """The most frequent declined questions and the most down-voted answers of the last `days` days,
        in server `guild_id` (None: every server and DM), most frequent first."""
        since = _stamp(datetime.now(UTC) - timedelta(days=days))
        where, params = _in_guild(guild_id)
        with self._connect() as db:
            declined = db.execute(f"SELECT question, NULL, asked_at FROM declined WHERE asked_at >= ? AND {where}",
                                  (since, *params)).fetchall()
            down = db.execute(f"SELECT question, answer, voted_at FROM votes WHERE vote = 'down' AND voted_at >= ?"
                              f" AND {where}", (since, *params)).fetchall()
        return _tally(declined, limit), _tally(down, limit)

    def daily(self, guild_id: int | None, days: int = 30, now: datetime | None = None) -> list[Day]:
        """Questions answered and declined per day over the last `days` days (oldest first, every day listed)."""
        today = (now or datetime.now(UTC)).date()
        first = today - timedelta(days=days - 1)
        since = first.isoformat()
        where, params = _in_guild(guild_id)
        with self._connect() as db:
            asked = db.execute(f"SELECT created_at FROM answers WHERE created_at >= ? AND {where}", (since, *params))
            asked_days = [row[0][:10] for row in asked.fetchall()]
            declined = db.execute(f"SELECT asked_at FROM declined WHERE asked_at >= ? AND {where}", (since, *params))
            declined_days = [row[0][:10] for row in declined.fetchall()]
        result = []
        for offset in range(days):
            date = (first + timedelta(days=offset)).isoformat()
            no = declined_days.count(date)
            result.append(Day(date, max(asked_days.count(date) - no, 0), no))
        return result

    def votes(self) -> list[Vote]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT answer_id, user_id, question, answer, vote, voted_at FROM votes ORDER BY voted_at"
            ).fetchall()
        return [Vote(*row) for row in rows]

    def counts(self, guild_id: int | None = None) -> dict[str, int]:
        """Answers and votes kept, in server `guild_id` (None: in every server and DM)."""
        where, params = _in_guild(guild_id)
        with self._connect() as db:
            answers = db.execute(f"SELECT COUNT(*) FROM answers WHERE {where}", params).fetchone()[0]
            up, down = db.execute(
                "SELECT COALESCE(SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), 0),"
                f" COALESCE(SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END), 0) FROM votes WHERE {where}", params
            ).fetchone()
        return {"answers": answers, "votes_up": up, "votes_down": down}

    @contextmanager
    def _connect(self) -> Iterator[_Db]:
        # One short-lived connection per call: calls arrive on arbitrary worker threads (and, with
        # PostgreSQL, from other processes); each call is one transaction.
        if self.url is not None:
            import psycopg

            with psycopg.connect(self.url, connect_timeout=10) as pg:
                yield _Db(pg, "%s")
            return
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield _Db(db, "?")
        finally:
            db.close()


class _Db:
    """A connection that takes the SQL above, written with "?" placeholders, in either dialect."""

    def __init__(self, con, placeholder: str) -> None:
        self.con, self.placeholder = con, placeholder

    def execute(self, sql: str, params: Sequence = ()):
        return self.con.execute(sql.replace("?", self.placeholder), params)

    def columns(self, table: str) -> set[str]:
        return {column[0] for column in self.execute(f"SELECT * FROM {table} WHERE 1 = 0").description}


def _in_guild(guild_id: int | None) -> tuple[str, tuple]:
    """The SQL condition (and its parameters) for one server's rows; for every server's, one always true."""
    return ("1 = 1", ()) if guild_id is None else ("guild_id = ?", (guild_id,))


def _tally(rows: Sequence[tuple[str, str | None, str]], limit: int) -> list[Gap]:
    """Rows of (question, answer, time) counted by question (case and spacing aside), most frequent
    first, then most recent; each shown as last asked."""
    groups: dict[tuple[str, str | None], list[tuple[str, str | None, str]]] = {}
    for row in rows:
        groups.setdefault((" ".join(row[0].split()).casefold(), row[1]), []).append(row)
    gaps = []
    for group in groups.values():
        question, answer, last = max(group, key=lambda row: row[2])
        gaps.append(Gap(" ".join(question.split()), len(group), last, answer))
    gaps.sort(key=lambda gap: gap.last, reverse=True)
    gaps.sort(key=lambda gap: gap.count, reverse=True)  # stable: the most recent first among equals
    return gaps[:limit]


def _now() -> str:
    return _stamp(datetime.now(UTC))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
