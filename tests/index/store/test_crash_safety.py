"""kill -9 mid-ingest leaves the index as before or as after, never a mix; damaged files give IndexCorrupt and --rebuild."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.paths import REPO
from index.engine import Engine
from bot.cli.wording import describe
from index.errors import IndexCorrupt

NEWS = "{title}\nURL: https://news.example.com/{slug}\nDate: 2025-09-{day:02d}\n\n{body}\n"

# Version 1 of the corpus, then version 2: one article edited, one deleted, three added.
V1 = {
    "festival.txt": ("港町の祭り", "港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。屋台は百軒を超えた。"),
    "library.txt": ("Library opens", "The new city library opened on Monday with 40,000 books. The mayor cut the ribbon. "
                    "Children's reading rooms are on the second floor."),
    "bridge.txt": ("吊り橋の点検", "山あいの吊り橋で定期点検が行われ、ワイヤー二本の交換が決まった。工事は来月から二週間の予定だ。"),
}
V2_CHANGES = {
    "festival.txt": ("港町の祭り", "港町で夏祭りが開かれ、約9万人が訪れた。花火は午後9時から打ち上げられた。屋台は二百軒を超えた。"),
    "tram.txt": ("Tram line extended", "The tram line was extended by 4.2 kilometres to the airport on Sunday. "
                 "Trams run every eight minutes at peak times. The extension cost 310 million euros. "
                 "Six new stops serve the business park and the university campus."),
    "rice.md": ("新米の出荷", "# 新米の出荷\n\n今年の新米は作柄が良く、出荷は例年より五日早く始まった。\n\n"
                "## 値段\n\n店頭価格は五キロで四千円前後と、前年よりやや下がる見込みだ。"),
}
V2_DELETED = ["bridge.txt"]
QUESTIONS = [
    "港町の祭りには何人が訪れた?",
    "How many books does the new library have?",
    "吊り橋の工事はいつから?",
    "When was the tram line extended to the airport?",
]


def _write_corpus(folder: Path, files: dict) -> None:
    for day, (name, (title, body)) in enumerate(sorted(files.items()), start=1):
        text = body if name.endswith(".md") else NEWS.format(title=title, slug=name, day=day, body=body)
        (folder / name).write_text(text, encoding="utf-8")


def _v2(folder: Path) -> None:
    _write_corpus(folder, V2_CHANGES)
    for name in V2_DELETED:
        (folder / name).unlink()


def state(index_dir: Path, embedder) -> dict:
    """What a reader sees: the (path, content hash) of every article and the answers to QUESTIONS."""
    eng = Engine.open(index_dir, embedder=embedder)
    try:
        answers = []
        for q in QUESTIONS:
            a = eng.ask(q)
            answers.append((a.abstained, a.text, tuple((c.path, c.passage, c.link) for c in a.citations)))
        return {"docs": eng.store.document_hashes(), "answers": answers, "stats": eng.stats()["articles"]}
    finally:
        eng.close()


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO)})


class Ingest:
    """`citebot ingest` in a child process; `started` is set once it reports progress (it holds the write lock)."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "ingest", *args], cwd=REPO,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=env or {**os.environ, "PYTHONPATH": str(REPO)})
        self.started = threading.Event()
        self.started_at: float | None = None
        self.err = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while chunk := self.proc.stderr.read1(4096):
            self.err += chunk
            if b"ingest:" in self.err and not self.started.is_set():
                self.started_at = time.monotonic()
                self.started.set()

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        code = self.proc.wait(30)
        self._reader.join(10)
        return code


@pytest.fixture(scope="module")
def histories(tmp_path_factory, embedder):
    """An index of corpus v1 ('before'), the corpus edited to v2, and the state a clean ingest of v2 gives ('after')."""
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    corpus.mkdir()
    _write_corpus(corpus, V1)
    base = root / "base"
    eng = Engine.open(base, embedder=embedder)
    eng.ingest([corpus])
    eng.close()
    before = state(base, embedder)
    _v2(corpus)
    reference = root / "reference"
    shutil.copytree(base, reference)
    began = time.monotonic()
    child = Ingest(str(corpus), "--index", str(reference))
    assert child.proc.wait(300) == 0, child.err.decode()
    writing = time.monotonic() - began
    child._reader.join(10)
    startup = (child.started_at or began) - began
    after = state(reference, embedder)
    assert before != after and before["docs"].keys() != after["docs"].keys()
    # When a clean run reported its first file, and how long it then wrote: where kills should land.
    return {"corpus": corpus, "base": base, "before": before, "after": after,
            "startup": startup, "writing": max(writing - startup, 0.2)}


def _crash_point(index_dir: Path) -> str:
    """How far the killed writer got: nothing staged, rows staged, or next generation's files written too."""
    import sqlite3

    gen = _generation(index_dir)
    con = sqlite3.connect(f"file:{index_dir / 'citebot.sqlite'}?mode=ro", uri=True)
    try:
        staged = con.execute("SELECT COUNT(*) FROM documents WHERE born > ?", (gen,)).fetchone()[0]
    finally:
        con.close()
    if any(index_dir.glob(f"*-{gen + 1}.*")):
        return "files"
    return "staged" if staged else "clean"


def test_kill_9_during_ingest_leaves_before_or_after_never_a_mix(histories, tmp_path, embedder, long_run):
    """SIGKILL at random moments of `citebot ingest`: the index opens and answers exactly as before or as after."""
    rounds = 30 if long_run else 3
    seed = int(os.environ.get("CITEBOT_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    work = tmp_path / "index"
    shutil.copytree(histories["base"], work)
    seen = []
    for i in range(rounds):
        child = Ingest(str(histories["corpus"]), "--index", str(work))
        # Most kills land while the writer holds the lock and stages rows or writes files; some during start-up.
        if i % 3 and child.started.wait(histories["startup"] + 60):
            time.sleep(rng.uniform(0, histories["writing"] * 1.2))
        else:
            time.sleep(rng.uniform(0, histories["startup"] + histories["writing"]))
        child.kill()
        where = _crash_point(work)
        got = state(work, embedder)
        which = "before" if got == histories["before"] else "after" if got == histories["after"] else None
        seen.append(f"{which}/{where}")
        assert which, f"seed {seed}, kill {i}: the index is neither before nor after: {got}"
        if which == "after":  # the ingest finished before the kill: start over from the old index
            shutil.rmtree(work)
            shutil.copytree(histories["base"], work)
    print(f"seed {seed}: {seen}")
    if long_run:  # enough rounds that some kill must land while the writer has staged work
        assert any(not s.endswith("/clean") for s in seen), f"seed {seed}: no kill landed mid-write: {seen}"
    # A follow-up ingest cleans up whatever the killed ones staged and reaches the 'after' state.
    run = cli("ingest", str(histories["corpus"]), "--index", str(work))
    assert run.returncode == 0, run.stderr
    assert state(work, embedder) == histories["after"]
    leftovers = [p.name for p in work.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers


def test_kill_9_during_rebuild_leaves_the_answers_unchanged(histories, tmp_path, embedder, long_run):
    """SIGKILL during `citebot ingest --rebuild` changes no answer; a rebuild left to finish changes none either."""
    rng = random.Random(int(os.environ.get("CITEBOT_CRASH_SEED", 7)))
    work = tmp_path / "index"
    shutil.copytree(histories["base"], work)
    for _ in range(10 if long_run else 1):
        child = Ingest("--rebuild", "--index", str(work))
        time.sleep(rng.uniform(0, histories["startup"] + histories["writing"]))
        child.kill()
        assert state(work, embedder) == histories["before"]
    gen = _generation(work)
    run = cli("ingest", "--rebuild", "--index", str(work))
    assert run.returncode == 0, run.stderr
    assert state(work, embedder) == histories["before"]
    assert _generation(work) == gen + 1 and (work / f"lexical-{gen + 1}.vocab.json").exists()


def _generation(index_dir: Path) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{index_dir / 'citebot.sqlite'}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
    finally:
        con.close()


# --- damaged index files ---------------------------------------------------------------------------


@pytest.fixture
def damaged(histories, tmp_path):
    """A private copy of the 'before' index and its generation number, to damage."""
    work = tmp_path / "index"
    shutil.copytree(histories["base"], work)
    return work, _generation(work)


def _truncate(path: Path, keep: float) -> None:
    os.truncate(path, int(path.stat().st_size * keep))


def _open_error(index_dir: Path, embedder) -> str:
    """How the CLI words the IndexCorrupt that opening (or asking) raises."""
    with pytest.raises(IndexCorrupt) as err:
        eng = Engine.open(index_dir, embedder=embedder)
        try:  # a damage found only when reading counts too, as long as it is reported the same way
            eng.ask(QUESTIONS[0])
        finally:
            eng.close()
    return describe(err.value)


DERIVED_DAMAGE = [
    pytest.param("dense-ja-{g}.faiss", 0.5, id="faiss-truncated"),
    pytest.param("dense-en-{g}.faiss", 0.0, id="faiss-empty"),
    pytest.param("lexical-{g}.rows.npy", 0.5, id="bm25-npy-truncated"),
    pytest.param("lexical-{g}.indptr.npy", 0.0, id="bm25-npy-empty"),
    pytest.param("lexical-{g}.vocab.json", 0.3, id="bm25-vocab-truncated"),
    pytest.param("lexical-{g}.ids.npy", None, id="bm25-npy-missing"),
    pytest.param("dense-ja-{g}.faiss", None, id="faiss-missing"),
]


@pytest.mark.parametrize(("name", "keep"), DERIVED_DAMAGE)
def test_damaged_search_file_gives_index_corrupt_naming_it_and_the_rebuild_command(damaged, embedder, name, keep):
    """A truncated, emptied or missing FAISS/BM25 file gives IndexCorrupt naming that file and `citebot ingest --rebuild`."""
    work, gen = damaged
    path = work / name.format(g=gen)
    if keep is None:
        path.unlink()
    else:
        _truncate(path, keep)
    message = _open_error(work, embedder)
    assert str(path) in message and "citebot ingest --rebuild" in message and f"--index {work}" in message


def test_garbage_database_gives_index_corrupt_naming_it(damaged, embedder):
    """Garbage over citebot.sqlite gives IndexCorrupt naming the file and how to rebuild from the articles."""
    work, _ = damaged
    db = work / "citebot.sqlite"
    db.write_bytes(b"this is not a database " * 500)
    message = _open_error(work, embedder)
    assert str(db) in message and "citebot ingest" in message


def test_damaged_database_pages_give_index_corrupt_not_a_traceback(damaged, embedder):
    """Garbage over the database's data pages (header intact) gives IndexCorrupt, on open or on the first question."""
    work, _ = damaged
    db = work / "citebot.sqlite"
    with open(db, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        for offset in range(8192, size, 8192):
            f.seek(offset)
            f.write(b"\xde\xad\xbe\xef" * 512)
    message = _open_error(work, embedder)
    assert str(db) in message and "citebot ingest" in message


@pytest.mark.parametrize("name", ["dense-ja-{g}.faiss", "lexical-{g}.tfs.npy"])
def test_rebuild_repairs_a_damaged_search_file(histories, damaged, embedder, name):
    """`citebot ingest --rebuild --index DIR` rewrites a damaged FAISS/BM25 file from SQLite and answers as before."""
    work, gen = damaged
    _truncate(work / name.format(g=gen), 0.5)
    run = cli("ingest", "--rebuild", "--index", str(work))
    assert run.returncode == 0, run.stderr
    assert state(work, embedder) == histories["before"]
