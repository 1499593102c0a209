"""The citebot command line: ingest summary, ask (text, --json, stdin), cite, sources, errors."""

import io
import json
import sys

import pytest

from bot.cli import main

NEWS = "港町の祭り\nURL: https://news.example.com/festival\nDate: 2025-09-01\n\n港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。\n"


@pytest.fixture
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("CITEBOT_THREADS", "2")
    return tmp_path / "index"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "festival.txt").write_text(NEWS, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (folder / "empty.md").write_text("", encoding="utf-8")
    return folder


def test_ingest_prints_a_summary_and_names_skipped_files(index_dir, corpus, capsys):
    """Ingest reports added files and each skipped file with its reason, and indexes the good one."""
    assert main(["ingest", str(corpus)]) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "2 skipped" in err
    assert "broken.txt" in err and "empty.md" in err


def test_ask_json_follows_the_contract(index_dir, corpus, capsys):
    """ask --json prints one object with the answer, abstained flag and numbered citations."""
    main(["ingest", str(corpus)])
    capsys.readouterr()
    assert main(["ask", "港町の祭りには何人が訪れた?", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["abstained"] is False and "[1]" in out["answer"] and "3万人" in out["answer"]
    assert out["citations"][0]["url"] == "https://news.example.com/festival"
    assert out["citations"][0]["published"] == "2025-09-01"


def test_ask_reads_questions_from_stdin_in_order(index_dir, corpus, capsys, monkeypatch):
    """Without a QUESTION, each stdin line gets one JSON line, in the same order; blank lines are skipped."""
    main(["ingest", str(corpus)])
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("港町の祭りには何人が訪れた?\n\n花火は何時から?\n"))
    assert main(["ask"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["question"] for x in lines] == ["港町の祭りには何人が訪れた?", "花火は何時から?"]


def test_empty_question_is_a_clear_error(index_dir, corpus, capsys):
    """A blank question exits 2 with a message instead of a traceback."""
    main(["ingest", str(corpus)])
    capsys.readouterr()
    assert main(["ask", "   "]) == 2
    assert "question is empty" in capsys.readouterr().err


def test_first_ask_builds_the_sample_index(index_dir, capsys):
    """With no index yet, ask builds one from the shipped sample articles and answers with a link."""
    assert main(["ask", "アラスカでの米ロ首脳会談はいつ行われた?"]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "https://" in out


def test_sources_and_cite(index_dir, corpus, capsys):
    """sources lists the indexed article; cite finds the passage that states a claim."""
    main(["ingest", str(corpus)])
    capsys.readouterr()
    assert main(["sources"]) == 0
    assert "港町の祭り" in capsys.readouterr().out
    assert main(["cite", "夏祭りには約3万人が訪れた", "--json"]) == 0
    cits = json.loads(capsys.readouterr().out)["citations"]
    assert cits and "3万人" in cits[0]["passage"]
