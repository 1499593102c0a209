"""Hostile article files through Engine.ingest: each is indexed or skipped with its path and one line, never fatal."""
from __future__ import annotations

import codecs
import os
import pathlib
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.engine import Engine
from tests.paths import REPO

GOOD_JA = ("good_ja.txt", "港町の夏祭り\n\n港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。\n")
GOOD_EN = ("good_en.md", "---\ntitle: Library opens\n---\n\nThe new city library opened on Monday with 40,000 books.\n")


@dataclass(frozen=True)
class Case:
    name: str  # file name inside the corpus folder
    content: bytes | None  # None: the file is made by `make` below
    phrase: str | None = None  # indexed: this text must be findable and cited from this file
    reason: str | None = None  # skipped: the reason must contain this


def _deep_html(depth: int) -> bytes:
    return ("<html><head><title>深い入れ子</title></head><body><p>入れ子の浅い所には、港の倉庫が改装されたとある。</p>"
            + "<div>" * depth + "<p>入れ子の最深部には、灯台の記録が百年分残っているとある。</p>" + "</div>" * depth
            + "</body></html>").encode()


CASES = [
    Case("empty.txt", b"", reason="empty file"),
    Case("blank.md", b"  \n\t\n\xe2\x80\x8b\n", reason="empty file"),
    Case("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, reason="PNG"),
    Case("nul_bytes.txt", "UTF-16 without a byte-order mark".encode("utf-16-le"), reason="binary"),
    # A multi-byte character cut in half at the end of the file: the rest is kept.
    Case("truncated_utf8.txt", "橋の開通\n\n新しい吊り橋が日曜日に開通し、式典に千人が集まった。最後の文字が切れ".encode()[:-2],
         phrase="新しい吊り橋が日曜日に開通し、式典に千人が集まった。"),
    Case("sjis.txt", "市場の競り\n\n初競りでマグロ一匹が二億円で落札された。\n".encode("cp932"),
         phrase="初競りでマグロ一匹が二億円で落札された。"),
    Case("cp932_specials.txt", "記号の記事\n\n①番の窓口で、髙島屋の商品券が配られた。\n".encode("cp932"),
         phrase="①番の窓口で、髙島屋の商品券が配られた。"),
    Case("eucjp.md", "# 雪まつり\n\n雪像の数は過去最多の二百基に達した。\n".encode("euc_jp"),
         phrase="雪像の数は過去最多の二百基に達した。"),
    Case("utf16.txt", "駅の改修\n\n古い駅舎は木造のまま耐震補強されることになった。\n".encode("utf-16"),
         phrase="古い駅舎は木造のまま耐震補強されることになった。"),
    Case("utf16be.html", codecs.BOM_UTF16_BE + "<p>水族館の新館では深海魚が展示される。</p>".encode("utf-16-be"),
         phrase="水族館の新館では深海魚が展示される。"),
    Case("crlf.txt", "Ferry timetable\r\n\r\nThe island ferry adds a late sailing at 22:00.\rIt runs daily.\r\n".encode(),
         phrase="The island ferry adds a late sailing at 22:00."),
    Case("huge.txt", None, reason="too large"),
    Case("no_article.html", b"<html><head><title>Harbour - Port Daily</title></head><body><nav>Home News</nav>"
         b"<div class='content'><p>The harbour ferry will resume service on Friday after engine repairs.</p>"
         b"<p>Tickets are sold at the pier.</p></div><footer>(c) Port Daily</footer></body></html>",
         phrase="The harbour ferry will resume service on Friday after engine repairs."),
    Case("deep.html", _deep_html(5000), phrase="入れ子の最深部には、灯台の記録が百年分残っているとある。"),
    Case("unclosed.html", "<html><body><article><h2>開業<p>閉じタグがなくても、植物園の温室が再開したことは読める。<p>二つ目の段落"
         .encode(), phrase="閉じタグがなくても、植物園の温室が再開したことは読める。"),
    Case("script_only.html", b"<html><head><style>p {color: red}</style></head><body><script>var a = 1;</script></body></html>",
         reason="no article text"),
    Case("broken_front_matter.md", "---\ntitle: [unclosed\ndate: : :\n---\n# 壊れた前付け\n\n前付けが壊れていても、本文の牧場の話は読める。\n"
         .encode(), phrase="前付けが壊れていても、本文の牧場の話は読める。"),
    Case("front_matter_only.md", b"---\ntitle: Nothing else\n---\n", reason="no article text"),
    # Zero-width characters inside words and stray control characters: dropped, the words are found.
    Case("invisible.txt", ("見えない文字\n\n商店\u200b街の\u200dアーケードが\u2060改装され、\x07夜も明るく\x01なった。\ufeff\n"
                           "改装工事は半年かかり、費用は市と商店会が半分ずつ負担した。照明はすべて発光ダイオードに替わった。\n").encode(),
         phrase="商店街のアーケードが改装され、夜も明るくなった。"),
    Case("vanishes.txt", "消える記事\n\nこのファイルは読む直前に消される。\n".encode(), reason="no such file"),
    Case("unreadable.txt", "読めない記事\n\nこのファイルは権限がなく読めない。\n".encode(), reason="permission denied"),
    Case("fifo.txt", None, reason="not a regular file"),
    Case("dangling.md", None, reason="broken symbolic link"),
    Case("legacy_name", None, reason="not valid UTF-8"),
]
LEGACY_NAME = "記事.txt".encode("cp932")  # a CP932 file name from a Windows zip: not UTF-8


def _path(folder: Path, case: Case) -> Path:
    if case.name == "legacy_name":
        return Path(os.fsdecode(os.fsencode(folder) + b"/" + LEGACY_NAME))
    return folder / case.name


def _make(folder: Path) -> None:
    for name, text in (GOOD_JA, GOOD_EN):
        (folder / name).write_text(text, encoding="utf-8")
    for case in CASES:
        path = _path(folder, case)
        if case.content is not None:
            path.write_bytes(case.content)
        elif case.name == "huge.txt":
            line = "長い記録の一行です。This line repeats to make a 50 MB file.\n".encode()
            with open(path, "wb") as f:
                for _ in range(50 * 1024 * 1024 // (len(line) * 1000) + 1):
                    f.write(line * 1000)
        elif case.name == "fifo.txt":
            os.mkfifo(path)
        elif case.name == "dangling.md":
            path.symlink_to(folder / "gone.md")
        elif case.name == "legacy_name":
            path.write_bytes("旧名の記事\n\n名前の符号化が古いファイル。\n".encode())
    # Symlink loops: the folder inside itself, and a link to its parent.
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "sub" / "alias.txt").symlink_to(folder / GOOD_JA[0])


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, embedder):
    """One ingest of a folder mixing every hostile file with two good ones."""
    folder = tmp_path_factory.mktemp("hostile")
    _make(folder)
    vanishing, unreadable = folder / "vanishes.txt", folder / "unreadable.txt"
    real_read_bytes = pathlib.Path.read_bytes

    def read_bytes(self):
        if self == unreadable:  # chmod 000 means nothing to root: fail the read the way the OS would
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    def progress(path, done, total):
        if path == str(vanishing):  # listed, then deleted just before it is read
            vanishing.unlink()

    engine = Engine.open(tmp_path_factory.mktemp("index"), embedder=embedder)
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pathlib.Path, "read_bytes", read_bytes)
        report = engine.ingest([folder], progress=progress)
    elapsed = time.perf_counter() - started
    (folder / "huge.txt").unlink()  # do not keep 50 MB in pytest's temp folders
    yield folder, engine, report, elapsed
    engine.close()


def test_ingest_of_the_mixed_folder_finishes_quickly(ingested):
    """The whole hostile folder (50 MB file, 5000-level HTML, loops) ingests in bounded time."""
    *_, elapsed = ingested
    assert elapsed < 60


def test_every_file_is_accounted_for_once(ingested):
    """Each file is added or skipped exactly once; symlink loops and aliases add nothing twice."""
    folder, engine, report, _ = ingested
    listed = [p for p in report.added] + [p for p, _ in report.skipped]
    assert len(listed) == len(set(listed))
    expected = {str(_path(folder, c)) for c in CASES} | {str(folder / n) for n, _ in (GOOD_JA, GOOD_EN)}
    assert {str(Path(p)) for p in listed} == expected
    assert not report.updated and not report.removed


@pytest.mark.parametrize("case", [c for c in CASES if c.reason], ids=lambda c: c.name)
def test_bad_file_is_skipped_with_its_path_and_one_line(ingested, case):
    """A file that cannot be an article is listed in IngestReport.skipped with its path and a one-line reason."""
    folder, _, report, _ = ingested
    reasons = {p: r for p, r in report.skipped}
    path = str(_path(folder, case))
    assert path in reasons, f"{case.name} not skipped: {report}"
    reason = reasons[path]
    assert case.reason in reason and "\n" not in reason and 0 < len(reason) <= 200


@pytest.mark.parametrize("case", [c for c in CASES if c.phrase], ids=lambda c: c.name)
def test_odd_but_readable_file_is_indexed_and_cited(ingested, case):
    """A readable file in an odd encoding or shape is indexed, and its sentence is cited from it verbatim."""
    folder, engine, report, _ = ingested
    path = str(_path(folder, case))
    assert path in report.added
    citations = engine.cite(case.phrase, k=8)
    assert any(c.path == path and case.phrase in c.passage for c in citations), [c.path for c in citations]


def test_good_files_still_answer(ingested):
    """Among all the bad files, the two good articles answer their questions with citations to them."""
    folder, engine, report, _ = ingested
    ja = engine.ask("港町の夏祭りには何人が訪れた?")
    assert not ja.abstained and ja.citations[0].path == str(folder / GOOD_JA[0]) and "3万人" in ja.text
    en = engine.ask("How many books does the new library have?")
    assert not en.abstained and en.citations[0].path == str(folder / GOOD_EN[0]) and "40,000" in en.text


def test_skipped_files_leave_nothing_in_the_index(ingested):
    """No skipped file has a row in the index; the source list is exactly the added files."""
    _, engine, report, _ = ingested
    assert {s.path for s in engine.sources()} == set(report.added)


def test_cli_ingest_of_the_hostile_folder_prints_reasons_and_succeeds(ingested, tmp_path):
    """`citebot ingest` on the hostile folder exits 0 and prints one 'skipped PATH: reason' line per bad file."""
    import subprocess
    import sys

    folder, _, report, _ = ingested
    bad = ["empty.txt", "photo.txt", "script_only.html"]
    (tmp_path / "c").mkdir()
    for name in bad + [GOOD_EN[0]]:
        (tmp_path / "c" / name).write_bytes((folder / name).read_bytes())
    run = subprocess.run([sys.executable, "-m", "bot", "ingest", str(tmp_path / "c"), "--index", str(tmp_path / "i")],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr
    skipped = [line for line in run.stderr.splitlines() if line.strip().startswith("skipped ")]
    assert sorted(line.split(": ")[0].split("/")[-1] for line in skipped) == sorted(bad)
    assert "Traceback" not in run.stderr
