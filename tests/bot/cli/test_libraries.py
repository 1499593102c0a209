"""Named libraries on the command line: each --library has its own articles, and no command crosses them."""
import json

import pytest

from bot.cli import main

FESTIVAL = "港町の祭り\nURL: https://news.example.com/festival\nDate: 2025-09-01\n\n港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。\n"
LIBRARY = ("City library reopens\nURL: https://news.example.com/library\nDate: 2025-10-01\n\n"
           "The city library reopened on Monday with 40,000 books. The mayor cut the ribbon at nine.\n")


@pytest.fixture
def index_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("CITEBOT_THREADS", "2")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name, text in (("a", FESTIVAL), ("b", LIBRARY)):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(text, encoding="utf-8")
    return tmp_path / "index"


def test_a_library_never_answers_from_another(index_dir, tmp_path, capsys):
    """ingest --library a, then ask/cite/sources/remove --library b never see a's article; a's answer names its library."""
    assert main(["ingest", str(tmp_path / "a"), "--library", "a"]) == 0
    assert main(["ingest", str(tmp_path / "b"), "--library", "b"]) == 0
    capsys.readouterr()
    festival = str((tmp_path / "a" / "a.txt").resolve())
    assert main(["ask", "港町の夏祭りには何人が訪れましたか？", "--library", "b", "--json"]) == 0
    other = json.loads(capsys.readouterr().out)
    assert other["citations"] and all(c["path"] != festival and c["library"] == "b" for c in other["citations"])
    assert main(["cite", "夏祭りには約3万人が訪れた", "--library", "b", "--json"]) == 0
    assert all(c["path"] != festival for c in json.loads(capsys.readouterr().out)["citations"])
    assert main(["sources", "--library", "b", "--json"]) == 0
    assert [x["library"] for x in json.loads(capsys.readouterr().out)] == ["b"]
    assert main(["remove", "a.txt", "--library", "b"]) == 1
    capsys.readouterr()
    assert main(["ask", "港町の夏祭りには何人が訪れましたか？", "--library", "a", "--json"]) == 0
    own = json.loads(capsys.readouterr().out)
    assert not own["abstained"] and "約3万人" in own["answer"]
    assert own["citations"][0]["path"] == festival and own["citations"][0]["library"] == "a"


def test_a_library_with_no_articles_says_so_and_a_bad_name_is_refused(index_dir, tmp_path, capsys):
    """ask in a library nobody ingested into is one error line (exit 2), and creates nothing; so is a name like ../x."""
    assert main(["ask", "いつ?", "--library", "empty"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("citebot: error: ") and "no citebot index" in err
    assert not (index_dir / "libraries" / "empty").exists()
    assert main(["ask", "いつ?", "--library", "../x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("citebot: error: --library") and len(err.strip().splitlines()) == 1
