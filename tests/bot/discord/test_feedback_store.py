"""The feedback store on a real PostgreSQL: what one bot process saves, another reads; big Discord ids fit."""
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.discord.feedback import FeedbackStore

from .engine_double import make_answer, make_citation
from .postgres import postgres_server

BIG_USER = 900_000_000_000_000_302  # Discord ids need 64 bits


@pytest.fixture(scope="module")
def database_url():
    with postgres_server() as url:
        yield url


def test_two_processes_share_answers_and_votes(database_url):
    """An answer saved by one store (one bot process) is read back whole (where else a passage ran too), voted on and counted through another."""
    first, second = FeedbackStore(database_url), FeedbackStore(database_url)
    first.init()
    second.init()  # a second process starting: the tables exist already
    answer = make_answer([("Doors open at nine.", 1)],
                         [make_citation(1, passage="Doors open at nine.", also=("https://mirror.example/doors",))])
    first.save_answer("a1", answer, answer.citations, BIG_USER)
    stored = second.load_answer("a1")
    assert stored is not None and stored.citations == answer.citations and stored.answer == answer.text
    assert second.record_vote("a1", BIG_USER, "down") is not None
    assert first.record_vote("a1", BIG_USER, "up") is not None  # a changed mind, from the other process
    assert [(v.user_id, v.vote) for v in first.votes()] == [(BIG_USER, "up")]
    assert second.counts() == {"answers": 1, "votes_up": 1, "votes_down": 0}
    assert first.load_answer("missing") is None and first.record_vote("missing", 1, "up") is None


def test_processes_starting_together_set_up_the_tables_once(database_url):
    """Eight stores initialising one empty PostgreSQL database at the same moment all succeed (no CREATE TABLE race)."""
    import threading

    url = fresh_database(database_url)
    barrier, errors = threading.Barrier(8), []

    def start() -> None:
        barrier.wait()
        try:
            FeedbackStore(url).init()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and FeedbackStore(url).counts() == {"answers": 0, "votes_up": 0, "votes_down": 0}


def test_the_file_store_answers_the_same(tmp_path):
    """The SQLite file store keeps the same contract, 64-bit ids included."""
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.init()
    answer = make_answer([("A.", 1)], [make_citation(1, passage="A.")])
    store.save_answer("a1", answer, answer.citations, BIG_USER)
    store.record_vote("a1", BIG_USER, "up")
    assert store.counts() == {"answers": 1, "votes_up": 1, "votes_down": 0}


def fresh_database(server_url):
    """A new, empty database on the module's PostgreSQL server: this test's rows only."""
    import psycopg

    name = f"gaps_{datetime.now(UTC):%H%M%S%f}"
    with psycopg.connect(server_url, autocommit=True) as pg:
        pg.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def gap_store(target):
    """A store holding, in server 1, an answered question voted 👎 by two members and a declined question
    asked twice; in server 2, one declined question."""
    store = FeedbackStore(target)
    store.init()
    answered = make_answer([("Doors open at nine.", 1)], [make_citation(1)])
    store.save_answer("a1", replace(answered, question="When do doors open?"), answered.citations, 11, 1)
    store.record_vote("a1", 11, "down", 1)
    store.record_vote("a1", 12, "down", 1)
    declined = make_answer([], [], abstained=True, message="Not covered.")
    for n, (question, guild) in enumerate((("Zoo hours?", 1), ("zoo  HOURS?", 1), ("Ferry?", 2))):
        store.save_answer(f"d{n}", replace(declined, question=question), (), 11, guild)
    return store


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_gaps_forget_and_purge_on_both_stores(backend, tmp_path, request):
    """Both stores count a server's declined questions, 👎 answers, answers and votes, forget one member's votes in one server,
    and purge rows older than the retention period (tested with old timestamps) while keeping newer ones."""
    target = tmp_path / "feedback.sqlite" if backend == "sqlite" else fresh_database(request.getfixturevalue("database_url"))
    store = gap_store(target)
    declined, down = store.gaps(1, 30)
    assert [(g.question.casefold(), g.count) for g in declined] == [("zoo hours?", 2)]
    assert [(g.question, g.count, g.answer) for g in down] == [("When do doors open?", 2, "Doors open at nine. [1]")]
    assert store.counts(1) == {"answers": 3, "votes_up": 0, "votes_down": 2}
    assert store.counts(2) == {"answers": 1, "votes_up": 0, "votes_down": 0} and store.counts()["answers"] == 4
    assert [g.question for g in store.gaps(2, 30)[0]] == ["Ferry?"]
    assert store.forget_user(11, guild_id=2) == 0 and store.forget_user(11, guild_id=1) == 1
    assert [(g.count) for g in store.gaps(1, 30)[1]] == [1]
    later = datetime.now(UTC) + timedelta(days=91)
    assert store.purge(90, now=later) >= 5
    assert store.gaps(None, 3650) == ([], []) and store.load_answer("a1") is None
    store.save_answer("fresh", make_answer([], [], abstained=True), (), None, 1)
    assert store.purge(90) == 0 and store.load_answer("fresh") is not None


def test_a_store_from_before_server_ids_gains_them(tmp_path):
    """A feedback file made before votes and answers carried a server id is migrated at start, its rows kept."""
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO answers VALUES ('a1', 5, 'Q?', 'A.', 'en', '[]', '2026-01-01T00:00:00+00:00')")
    store = FeedbackStore(path)
    store.init()
    store.init()  # twice: a restart finds the columns already there
    assert store.load_answer("a1") is not None and store.record_vote("a1", 5, "down", 7) is not None
    assert store.forget_user(5, 7) == 1


OLD_SCHEMA = """
CREATE TABLE answers (id TEXT PRIMARY KEY, user_id BIGINT, question TEXT NOT NULL, answer TEXT NOT NULL,
    lang TEXT NOT NULL, citations TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE votes (answer_id TEXT NOT NULL REFERENCES answers(id), user_id BIGINT NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id));
"""


def test_another_process_cannot_add_a_column_between_the_check_and_the_alter(tmp_path, monkeypatch):
    """While one store migrates a SQLite file, another process's ALTER is locked out, so the first never
    meets a column added behind its back (two serve processes starting together failed on that)."""
    from bot.discord import feedback

    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    other: list[str] = []
    columns = feedback._Db.columns

    def racing(self, table):
        found = columns(self, table)
        if not other:  # the other process, at its worst moment: right after this one's first check
            db = sqlite3.connect(path, timeout=0)
            try:
                db.execute("ALTER TABLE answers ADD COLUMN guild_id BIGINT")
                other.append("added")
            except sqlite3.OperationalError as e:
                other.append(str(e))
            finally:
                db.close()
        return found

    monkeypatch.setattr(feedback._Db, "columns", racing)
    FeedbackStore(path).init()
    assert other == ["database is locked"]
