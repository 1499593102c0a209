"""The feedback store on a real PostgreSQL: what one bot process saves, another reads; big Discord ids fit."""
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
    """An answer saved by one store (one bot process) is read, voted on and counted through another."""
    first, second = FeedbackStore(database_url), FeedbackStore(database_url)
    first.init()
    second.init()  # a second process starting: the tables exist already
    answer = make_answer([("Doors open at nine.", 1)], [make_citation(1, passage="Doors open at nine.")])
    first.save_answer("a1", answer, answer.citations, BIG_USER)
    stored = second.load_answer("a1")
    assert stored is not None and stored.citations == answer.citations and stored.answer == answer.text
    assert second.record_vote("a1", BIG_USER, "down") is not None
    assert first.record_vote("a1", BIG_USER, "up") is not None  # a changed mind, from the other process
    assert [(v.user_id, v.vote) for v in first.votes()] == [(BIG_USER, "up")]
    assert second.counts() == {"answers": 1, "votes_up": 1, "votes_down": 0}
    assert first.load_answer("missing") is None and first.record_vote("missing", 1, "up") is None


def test_the_file_store_answers_the_same(tmp_path):
    """The SQLite file store keeps the same contract, 64-bit ids included."""
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.init()
    answer = make_answer([("A.", 1)], [make_citation(1, passage="A.")])
    store.save_answer("a1", answer, answer.citations, BIG_USER)
    store.record_vote("a1", BIG_USER, "up")
    assert store.counts() == {"answers": 1, "votes_up": 1, "votes_down": 0}
