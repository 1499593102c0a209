"""The store of answers and the votes on them: a SQLite file, or a shared PostgreSQL database
(CITEBOT_DATABASE_URL) that any number of bot processes on any number of machines use at once.

Answers are kept so their buttons still work after a restart: a button's custom_id
carries only the answer id, and the passages are read back from here.
Methods are blocking; the bot calls them through `asyncio.to_thread`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
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
"""


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


class FeedbackStore:
    """`target`: a SQLite file, or a postgresql:// URL (which may hold a password: never logged)."""

    def __init__(self, target: Path | str) -> None:
        self.url = target if isinstance(target, str) else None
        self.path = None if self.url else Path(target)

    def init(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    def save_answer(self, answer_id: str, answer: Answer, shown: Sequence[Citation], user_id: int | None) -> None:
        """Keep `answer` and the citations its "Show passages" button reveals."""
        citations = json.dumps([c.to_json() for c in shown], ensure_ascii=False)
        with self._connect() as db:
            db.execute(
                "INSERT INTO answers (id, user_id, question, answer, lang, citations, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (answer_id, user_id, answer.question, answer.text, answer.lang, citations, _now()),
            )

    def load_answer(self, answer_id: str) -> StoredAnswer | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, question, answer, lang, citations FROM answers WHERE id = ?", (answer_id,)
            ).fetchone()
        if row is None:
            return None
        citations = tuple(Citation(**c) for c in json.loads(row[4]))
        return StoredAnswer(row[0], row[1], row[2], row[3], citations)

    def record_vote(self, answer_id: str, user_id: int, vote: str) -> StoredAnswer | None:
        """Store (or change) `user_id`'s vote; None when the answer is unknown."""
        stored = self.load_answer(answer_id)
        if stored is None:
            return None
        with self._connect() as db:
            db.execute(
                "INSERT INTO votes (answer_id, user_id, question, answer, vote, voted_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                (answer_id, user_id, stored.question, stored.answer, vote, _now()),
            )
        return stored

    def votes(self) -> list[Vote]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT answer_id, user_id, question, answer, vote, voted_at FROM votes ORDER BY voted_at"
            ).fetchall()
        return [Vote(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        with self._connect() as db:
            answers = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            up, down = db.execute(
                "SELECT COALESCE(SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), 0),"
                " COALESCE(SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END), 0) FROM votes"
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
