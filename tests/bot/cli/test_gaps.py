"""`citebot gaps`: the bot's declined questions and down-voted answers, in the terminal, across servers."""

import json

from bot.cli import main
from bot.discord.feedback import FeedbackStore
from tests.bot.discord.engine_double import make_answer, make_citation


def test_gaps_prints_every_servers_gaps_as_text_and_json(tmp_path, monkeypatch, capsys):
    """Declined questions of two servers are counted together, the 👎 answer shown under its question; --json
    carries the same."""
    path = tmp_path / "feedback.sqlite"
    monkeypatch.setenv("CITEBOT_FEEDBACK_DB", str(path))
    monkeypatch.setenv("CITEBOT_INDEX_DIR", str(tmp_path / "index"))
    store = FeedbackStore(path)
    store.init()
    declined = make_answer([], [], abstained=True, message="Not covered.")
    for n, guild in enumerate((1, 2)):
        store.save_answer(f"d{n}", declined, (), None, guild)
    answered = make_answer([("Doors open at nine.", 1)], [make_citation(1)])
    store.save_answer("a1", answered, answered.citations, 5, 1)
    store.record_vote("a1", 5, "down", 1)
    assert main(["gaps"]) == 0
    out = capsys.readouterr().out
    assert "  2x  scripted" in out and "-> Doors open at nine. [1]" in out
    assert main(["gaps", "--days", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["days"] == 7 and data["declined"][0]["count"] == 2
    assert data["down_voted"][0]["answer"] == "Doors open at nine. [1]"


def test_gaps_without_a_store_says_so(tmp_path, monkeypatch, capsys):
    """With no feedback file yet, citebot gaps says none were recorded and creates nothing."""
    monkeypatch.setenv("CITEBOT_FEEDBACK_DB", str(tmp_path / "feedback.sqlite"))
    monkeypatch.setenv("CITEBOT_INDEX_DIR", str(tmp_path / "index"))
    assert main(["gaps"]) == 0
    captured = capsys.readouterr()
    assert "No feedback yet" in captured.err and captured.out.count("none") == 2
    assert not (tmp_path / "feedback.sqlite").exists()
