"""Answers keep flowing while an ingest runs (same process or another); concurrent ingests never corrupt the index."""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import index.store.database as store_module
from tests.paths import REPO
from index.engine import Engine
from index.errors import IndexLocked

NEWS = "{title}\nURL: https://news.example.com/{slug}\nDate: 2025-10-{day:02d}\n\n{body}\n"
FIRST = {
    "festival.txt": ("港町の祭り", "港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。"),
    "library.txt": ("Library opens", "The new city library opened on Monday with 40,000 books. The mayor cut the ribbon."),
}
SECOND = {
    "museum.txt": ("博物館の特別展", "県立博物館で古代の土器を集めた特別展が始まった。会期は十一月末までだ。"),
    "tram.txt": ("Tram line extended", "The tram line was extended by 4.2 kilometres to the airport on Sunday."),
    "bakery.txt": ("パン店の開店", "駅前に新しいパン店が開店し、開店初日は行列が二百メートルに伸びた。"),
    "ferry.txt": ("Ferry returns", "The island ferry returned to service on Friday after a month of engine repairs."),
}
STABLE_Q = "港町の祭りには何人が訪れた?"
NEW_Q = "When was the tram line extended to the airport?"


def _write(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for day, (name, (title, body)) in enumerate(sorted(files.items()), start=1):
        (folder / name).write_text(NEWS.format(title=title, slug=name, day=day, body=body), encoding="utf-8")
    return folder


def _valid(answer, known_paths: set[str]) -> None:
    """An answer that a reader may be shown: numbered citations to known articles, sentences quoted from them."""
    assert answer.problem() is None and all(c.path in known_paths for c in answer.citations)


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    """An index of the first corpus, and the second corpus waiting to be ingested (both kept pristine)."""
    root = tmp_path_factory.mktemp("concurrency")
    first, second = _write(root / "first", FIRST), _write(root / "second", SECOND)
    eng = Engine.open(root / "base", embedder=embedder)
    eng.ingest([first])
    eng.close()
    paths = {str(p.resolve()) for p in first.iterdir()} | {str(p.resolve()) for p in second.iterdir()}
    return root, first, second, paths


@pytest.fixture
def engine(built, tmp_path, embedder):
    root, *_ = built
    shutil.copytree(root / "base", tmp_path / "index")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    yield eng
    eng.close()


def test_answers_keep_flowing_while_a_thread_ingests(built, engine):
    """While one thread ingests a folder, asks from this thread never raise and every answer is valid."""
    _, first, second, paths = built
    errors: list[BaseException] = []

    def ingest():
        try:
            engine.ingest([second])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    writer = threading.Thread(target=ingest)
    writer.start()
    asked = 0
    while writer.is_alive() or asked < 3:
        _valid(engine.ask(f"{STABLE_Q} #{asked}"), paths)  # distinct, so none is served from the cache
        asked += 1
    writer.join()
    assert not errors
    assert engine.stats()["articles"] == len(FIRST) + len(SECOND)
    after = engine.ask(NEW_Q)
    assert not after.abstained and after.citations[0].path == str((second / "tram.txt").resolve())


def test_many_reader_threads_and_one_writer(built, engine):
    """Four asking threads and an ingest in a fifth: no exception anywhere, every answer valid."""
    _, _, second, paths = built
    stop = threading.Event()
    errors: list[BaseException] = []
    answers = []

    def reader(q: str) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                a = engine.ask(f"{q} #{i}")  # distinct questions: no answer comes from the cache
                _valid(a, paths)
                answers.append(a)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    readers = [threading.Thread(target=reader, args=(q,)) for q in (STABLE_Q, NEW_Q, "図書館の蔵書は?", "パン店")]
    for t in readers:
        t.start()
    try:
        engine.ingest([second])
        time.sleep(0.2)
    finally:
        stop.set()
        for t in readers:
            t.join(60)
    assert not errors, errors[:3]
    assert answers


class _Watched:
    """The engine's store as one reader sees it, noting the moment that reader has looked at the BM25 index."""

    def __init__(self, store, looked: threading.Event):
        self._store, self._looked = store, looked

    def __getattr__(self, name):
        value = getattr(self._store, name)
        if name in ("snapshot", "lexical"):
            self._looked.set()
        return value


def _ranking(searcher, q) -> list[tuple]:
    """Everything a ranking took from the index: each hit's id and dense, BM25 and fused scores."""
    return [(h.passage.id, round(h.score, 6), round(h.dense, 6), round(h.lexical, 6))
            for h in searcher.rank(q, k=8).hits]


def test_a_reader_mid_search_never_sees_a_half_loaded_index(built, engine, monkeypatch):
    """A search running while the store swaps in a new generation ranks exactly as the old or the new index does."""
    _, _, second, _ = built
    q = engine.searcher.query(STABLE_Q)
    before = _ranking(engine.searcher, q)
    seen: list = []
    readers: list[threading.Thread] = []

    def search_now() -> None:
        """Run a whole search in another thread, from the moment the store is caught mid-reload."""
        looked = threading.Event()
        searcher = copy.copy(engine.searcher)
        searcher.store = _Watched(engine.store, looked)
        t = threading.Thread(target=lambda: seen.append(_ranking(searcher, q)), daemon=True)
        t.start()
        looked.wait(10)  # it has read the store's indexes; it may now wait for the store's lock
        readers.append(t)

    def spy(real):
        def wrapper(*args, **kwargs):
            search_now()
            return real(*args, **kwargs)
        return wrapper

    # Caught as the new BM25 files are read: the moment a half-done reload would show.
    monkeypatch.setattr(store_module.BM25, "load", classmethod(spy(store_module.BM25.load.__func__)))
    engine.ingest([second])
    for t in readers:
        t.join(60)
    monkeypatch.undo()
    after = _ranking(engine.searcher, q)
    assert before != after and len(seen) == len(readers) >= 1
    assert all(r in (before, after) for r in seen), (before, after, seen)


def test_another_process_ingests_while_this_one_answers(built, engine, tmp_path):
    """A CLI ingest in another process: asks here stay valid meanwhile and see the new articles once it commits."""
    _, first, second, paths = built
    before_docs = set(engine.store.document_hashes())
    child = subprocess.Popen([sys.executable, "-m", "bot", "ingest", str(second), "--index", str(engine.store.directory)],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    counts = set()
    while child.poll() is None:
        _valid(engine.ask(f"{STABLE_Q} #{len(counts)}.{time.monotonic()}"), paths)
        counts.add(engine.stats()["articles"])
        time.sleep(0.3)  # leave the child most of the two cores
    assert child.returncode == 0, child.stderr.read()
    # The same Engine, not reopened: refresh() picks up the generation the other process flipped to.
    after = engine.ask(NEW_Q)
    assert not after.abstained and after.citations[0].path == str((second / "tram.txt").resolve())
    assert set(engine.store.document_hashes()) > before_docs
    assert counts <= {len(FIRST), len(FIRST) + len(SECOND)}  # never a partly visible ingest


def test_two_cli_ingests_at_once_one_waits_or_refuses_clearly(built, engine, tmp_path):
    """Two `citebot ingest` into one index at once: each succeeds or says the index is locked; the index stays whole."""
    _, first, second, paths = built
    directory = str(engine.store.directory)
    engine.close()
    third = _write(tmp_path / "third", {"hall.txt": ("Concert hall", "The concert hall reopened after a two-year refit.")})
    children = [subprocess.Popen([sys.executable, "-m", "bot", "ingest", str(folder), "--index", directory],
                                 cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": str(REPO)}) for folder in (second, third)]
    results = [(c.wait(300), c.stderr.read()) for c in children]
    for code, err in results:
        assert "Traceback" not in err
        assert code == 0 or (code == 2 and "another ingest is writing" in err), err
    assert any(code == 0 for code, _ in results)
    reopened = Engine.open(Path(directory), embedder=engine.embedder)
    try:
        docs = set(reopened.store.document_hashes())
        expected = {str(p.resolve()) for p in first.iterdir()}
        for (code, _), folder in zip(results, (second, third)):
            if code == 0:
                expected |= {str(p.resolve()) for p in folder.iterdir()}
        assert docs == expected
        _valid(reopened.ask(STABLE_Q), paths | {str((third / "hall.txt").resolve())})
    finally:
        reopened.close()


def test_two_threads_ingesting_through_one_engine_take_turns(built, engine, tmp_path):
    """Two threads calling Engine.ingest on one Engine are serialised: both succeed and both folders are indexed."""
    _, first, second, _ = built
    third = _write(tmp_path / "third", {"hall.txt": ("Concert hall", "The concert hall reopened after a two-year refit.")})
    reports, errors = [], []

    def run(folder):
        try:
            reports.append(engine.ingest([folder]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in (second, third)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors and len(reports) == 2
    assert engine.stats()["articles"] == len(FIRST) + len(SECOND) + 1


def test_a_second_engine_waits_for_the_lock_when_asked_to(built, engine, tmp_path, embedder):
    """An ingest with wait= blocks while another writer holds the lock, then succeeds; without wait it is refused."""
    _, _, second, _ = built
    other = Engine.open(engine.store.directory, embedder=embedder)
    try:
        released = threading.Event()

        def hold():
            with engine.store.writer(embedder.name, embedder.dim):
                released.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        time.sleep(0.3)
        with pytest.raises(IndexLocked, match="another ingest is writing"):
            other.ingest([second])
        threading.Timer(1.0, released.set).start()
        report = other.ingest([second], wait=60)
        holder.join(30)
        assert len(report.added) == len(SECOND)
    finally:
        other.close()


def test_twenty_query_threads_share_one_tokenizer_dictionary():
    """Tokenizing in 20 threads at once (as 20 concurrent asks do) adds tens of MB, not a dictionary per thread."""
    script = """
import threading
from concurrent.futures import ThreadPoolExecutor
from index.text.terms import query_terms

def rss():
    return {k: int(v.split()[0]) // 1024 for k, _, v in (l.partition(":") for l in open("/proc/self/status"))
            if k in ("VmRSS", "VmHWM")}

query_terms("港町の祭りには何人が訪れた?")
base = rss()["VmRSS"]
barrier = threading.Barrier(20)

def ask(i):
    barrier.wait()
    return query_terms(f"港町の祭りには何人が訪れた? {i}")

with ThreadPoolExecutor(20) as pool:
    results = list(pool.map(ask, range(20)))
assert all(r[:3] == results[0][:3] for r in results), results
print(rss()["VmHWM"] - base)
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.strip()) < 200  # one Sudachi dictionary per thread took ~55 MB each: over 1 GB
