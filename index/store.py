"""The index directory: SQLite (truth) + per-generation FAISS and BM25 files (derived).

Every row carries the generation that added it (`born`) and the one that removed it
(`dead`). Readers see generation G: rows with born <= G and (dead is null or dead > G).
A writer stages generation G+1 row by row, writes the derived files for G+1, and only
then flips `meta.generation` in one SQLite transaction. A crash at any point before the
flip leaves G exactly as it was; the next writer sweeps up what the dead one staged.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import IndexCorrupt, IndexLocked, ModelMismatch
from .lexical import BM25
from .types import Passage

SCHEMA_VERSION = 1
DB_NAME = "citebot.sqlite"
LANGS = ("ja", "en")
_SEP = "\x1f"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL,
    title TEXT NOT NULL, url TEXT, published TEXT, outlet TEXT, lang TEXT NOT NULL, format TEXT NOT NULL,
    text TEXT NOT NULL, born INTEGER NOT NULL, dead INTEGER);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc_path TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, title TEXT NOT NULL, section TEXT, url TEXT, source TEXT, source_url TEXT,
    published TEXT, lang TEXT NOT NULL, outlet TEXT, terms TEXT NOT NULL, vector BLOB NOT NULL,
    born INTEGER NOT NULL, dead INTEGER);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_path);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY AUTOINCREMENT, passage_id INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_passage ON sentences(passage_id);
"""

_VISIBLE = "born <= :g AND (dead IS NULL OR dead > :g)"
_PASSAGE_COLS = 'id, doc_path, text, start, "end", title, section, url, source, source_url, published, lang, outlet'


@dataclass(frozen=True)
class SourceInfo:
    """An indexed article, for listings."""

    path: str
    title: str
    url: str | None
    published: str | None
    outlet: str | None
    lang: str
    passages: int


@dataclass(frozen=True)
class Sentence:
    passage_id: int
    start: int
    end: int
    vector: np.ndarray


@dataclass(frozen=True)
class NewPassage:
    """A passage to write: its vectors are already computed."""

    start: int
    end: int
    text: str
    section: str | None
    source: str | None
    source_url: str | None
    published: str | None
    lang: str
    terms: list[str]
    vector: np.ndarray
    sentences: list[tuple[int, int, np.ndarray]]


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def _passage(row: tuple) -> Passage:
    return Passage(*row)


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


class Store:
    """Read side of an index directory. Safe to share between threads."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.db_path = self.directory / DB_NAME
        self._con = None
        self.generation = 0
        self.model: str | None = None
        self.dim = 0
        self.lang_offsets: dict[str, float] = {}
        self.dense: dict[str, object] = {}
        self.lexical: BM25 | None = None
        # One connection serves all reader threads; sqlite3 objects must not be used concurrently.
        self._lock = threading.RLock()

    @classmethod
    def open(cls, directory: Path, model: str | None = None) -> "Store":
        """Open an existing index (or an empty one); refuse a different model than the one that built it."""
        store = cls(directory)
        store.directory.mkdir(parents=True, exist_ok=True)
        try:
            store._con = _connect(store.db_path)
            store._con.executescript(_SCHEMA)
            store._load()
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"{store.db_path} is not a readable citebot index ({exc}). "
                               f"Move it away and rebuild with: citebot ingest PATH... --index {store.directory}") from exc
        if model and store.model and store.model != model:
            raise ModelMismatch(
                f"the index in {store.directory} was built with the embedding model '{store.model}', "
                f"not '{model}'. Query it with CITEBOT_MODEL={store.model}, or rebuild it for the new model "
                f"in another directory: citebot ingest PATH... --index NEW_DIR")
        return store

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> sqlite3.Connection:
        assert self._con is not None, "store is closed"
        return self._con

    def _all(self, sql: str, params=()) -> list[tuple]:
        with self._lock:
            return self.con.execute(sql, params).fetchall()

    def meta(self) -> dict[str, str]:
        return dict(self._all("SELECT key, value FROM meta"))

    def _load(self) -> None:
        meta = self.meta()
        if int(meta.get("schema", SCHEMA_VERSION)) != SCHEMA_VERSION:
            raise IndexCorrupt(f"{self.db_path} has index schema {meta['schema']}, this citebot reads "
                               f"{SCHEMA_VERSION}: rebuild with citebot ingest PATH... --index NEW_DIR")
        self.generation = int(meta.get("generation", 0))
        self.model = meta.get("model")
        self.dim = int(meta.get("dim", 0))
        self.lang_offsets = json.loads(meta.get("lang_offsets", "{}"))
        self.dense, self.lexical = {}, None
        if self.generation == 0:
            return
        for lang in LANGS:
            path = self.directory / f"dense-{lang}-{self.generation}.faiss"
            if path.exists():
                self.dense[lang] = _read_faiss(path, self.directory)
        try:
            self.lexical = BM25.load(self.directory, f"lexical-{self.generation}")
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            raise IndexCorrupt(f"{exc.filename if isinstance(exc, OSError) else self.directory} is missing or "
                               f"damaged ({exc}). Rebuild the search files with: citebot ingest --rebuild "
                               f"--index {self.directory}") from exc

    def refresh(self) -> bool:
        """Reload the derived files if a writer has flipped the generation; True if it did."""
        with self._lock:
            rows = self._all("SELECT value FROM meta WHERE key='generation'")
            if not rows or int(rows[0][0]) == self.generation:
                return False
            self._load()
            return True

    # -- reads ---------------------------------------------------------------------------

    def passages(self, ids: list[int]) -> dict[int, Passage]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._all(f"SELECT {_PASSAGE_COLS} FROM passages WHERE id IN ({marks})", ids)
        return {r[0]: _passage(r) for r in rows}

    def sentences(self, passage_ids: list[int]) -> list[Sentence]:
        if not passage_ids:
            return []
        marks = ",".join("?" * len(passage_ids))
        rows = self._all(
            f'SELECT passage_id, start, "end", vector FROM sentences WHERE passage_id IN ({marks}) ORDER BY id',
            passage_ids)
        return [Sentence(p, s, e, _vec(v)) for p, s, e, v in rows]

    def sources(self) -> list[SourceInfo]:
        rows = self._all(
            f"""SELECT d.path, d.title, d.url, d.published, d.outlet, d.lang,
                      (SELECT COUNT(*) FROM passages p WHERE p.doc_path = d.path AND p.born <= :g
                       AND (p.dead IS NULL OR p.dead > :g))
               FROM documents d WHERE {_VISIBLE.replace('born', 'd.born').replace('dead', 'd.dead')}
               ORDER BY d.title""", {"g": self.generation})
        return [SourceInfo(*r[:6], passages=r[6]) for r in rows]

    def document_hashes(self) -> dict[str, str]:
        return dict(self._all(f"SELECT path, content_hash FROM documents WHERE {_VISIBLE}", {"g": self.generation}))

    def counts(self) -> tuple[int, int]:
        g = {"g": self.generation}
        docs = self._all(f"SELECT COUNT(*) FROM documents WHERE {_VISIBLE}", g)[0][0]
        psg = self._all(f"SELECT COUNT(*) FROM passages WHERE {_VISIBLE}", g)[0][0]
        return docs, psg

    def vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        marks = ",".join("?" * len(ids))
        rows = self._all(f"SELECT id, vector FROM passages WHERE id IN ({marks})", ids)
        return {pid: _vec(blob) for pid, blob in rows}

    # -- writes --------------------------------------------------------------------------

    @contextmanager
    def writer(self, model: str, dim: int, wait: float = 0.0) -> Iterator["Writer"]:
        """Exclusive write access; the new generation becomes visible only if the block completes."""
        lock = open(self.directory / "write.lock", "a+")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    lock.close()
                    raise IndexLocked(f"another ingest is writing to {self.directory}; "
                                      f"wait for it to finish and try again") from None
                time.sleep(0.2)
        try:
            self.refresh()
            if self.model and self.model != model:
                raise ModelMismatch(f"the index in {self.directory} was built with '{self.model}', "
                                    f"not '{model}': ingest into another --index directory")
            w = Writer(self, model, dim)
            try:
                w.sweep()
                yield w
                w.commit()
            finally:
                w.con.close()
            with self._lock:
                self._load()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()


class Writer:
    def __init__(self, store: Store, model: str, dim: int):
        self.store = store
        # Its own connection, so readers on the store's connection keep answering meanwhile.
        self.con = _connect(store.db_path)
        self.model = model
        self.dim = dim
        self.gen = store.generation + 1
        self.changed = False
        # Set by the ingest from the new corpus before commit; None keeps the old ones.
        self.lang_offsets: dict[str, float] | None = None

    def sweep(self) -> None:
        """Undo whatever a crashed writer staged beyond the committed generation, and drop the
        rows and files that no reader can still need (removed two generations ago or more)."""
        g = self.store.generation
        with self._tx():
            self.con.execute("DELETE FROM sentences WHERE passage_id IN (SELECT id FROM passages WHERE born > ?)", (g,))
            for table in ("passages", "documents"):
                self.con.execute(f"DELETE FROM {table} WHERE born > ?", (g,))
                self.con.execute(f"UPDATE {table} SET dead = NULL WHERE dead > ?", (g,))
            self.con.execute("DELETE FROM sentences WHERE passage_id IN (SELECT id FROM passages WHERE dead < ?)", (g,))
            for table in ("passages", "documents"):
                self.con.execute(f"DELETE FROM {table} WHERE dead < ?", (g,))
        keep = {f"-{g}.", f"-{g - 1}."}
        for p in self.store.directory.iterdir():
            if p.name.startswith(("dense-", "lexical-")) and not any(k in p.name for k in keep):
                p.unlink(missing_ok=True)

    @contextmanager
    def _tx(self) -> Iterator[None]:
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def remove(self, path: str) -> bool:
        with self._tx():
            n = self._retire(path)
        self.changed |= n > 0
        return n > 0

    def _retire(self, path: str) -> int:
        """Hide a path's rows from the new generation: mark committed ones dead, drop ones staged here."""
        g = {"g": self.gen - 1, "new": self.gen, "path": path}
        self.con.execute("DELETE FROM sentences WHERE passage_id IN "
                         "(SELECT id FROM passages WHERE doc_path = :path AND born = :new)", g)
        staged = self.con.execute("DELETE FROM documents WHERE path = :path AND born = :new", g).rowcount
        self.con.execute("DELETE FROM passages WHERE doc_path = :path AND born = :new", g)
        n = self.con.execute(f"UPDATE documents SET dead = :new WHERE path = :path AND {_VISIBLE}", g).rowcount
        self.con.execute(f"UPDATE passages SET dead = :new WHERE doc_path = :path AND {_VISIBLE}", g)
        return n + staged

    def put(self, doc, content_hash: str, passages: list[NewPassage]) -> None:
        """Stage a document (replacing any older version of the same path) with its passages."""
        with self._tx():
            self._retire(doc.path)
            self.con.execute(
                "INSERT INTO documents (path, content_hash, title, url, published, outlet, lang, format, text, born)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc.path, content_hash, doc.title, doc.url, doc.published, doc.outlet, doc.lang, doc.format,
                 doc.text, self.gen))
            for p in passages:
                cur = self.con.execute(
                    'INSERT INTO passages (doc_path, start, "end", text, title, section, url, source, source_url,'
                    " published, lang, outlet, terms, vector, born) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.path, p.start, p.end, p.text, doc.title, p.section, doc.url, p.source, p.source_url,
                     p.published, p.lang, doc.outlet, _SEP.join(p.terms),
                     np.asarray(p.vector, dtype=np.float32).tobytes(), self.gen))
                pid = cur.lastrowid
                self.con.executemany(
                    'INSERT INTO sentences (passage_id, start, "end", vector) VALUES (?,?,?,?)',
                    [(pid, s, e, np.asarray(v, dtype=np.float32).tobytes()) for s, e, v in p.sentences])
        self.changed = True

    def visible_rows(self, cols: str) -> Iterator[tuple]:
        return self.con.execute(f"SELECT {cols} FROM passages WHERE {_VISIBLE} ORDER BY id", {"g": self.gen})

    def sample_passages(self, lang: str, limit: int) -> list[tuple[int, str]]:
        """An even sample of (id, text) over the passages of one language."""
        rows = self.con.execute(f"SELECT id, text FROM passages WHERE lang = :lang AND {_VISIBLE} ORDER BY id",
                                {"g": self.gen, "lang": lang}).fetchall()
        step = max(1, len(rows) // limit)
        return rows[::step][:limit]

    def passage_vectors(self, lang: str) -> tuple[np.ndarray, np.ndarray]:
        ids, vecs = [], []
        for pid, blob in self.con.execute(
                f"SELECT id, vector FROM passages WHERE lang = :lang AND {_VISIBLE} ORDER BY id",
                {"g": self.gen, "lang": lang}):
            ids.append(pid)
            vecs.append(_vec(blob))
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(ids, dtype=np.int64), np.vstack(vecs)

    def rebuild(self) -> None:
        """Rewrite the derived files from the rows even though no document changed."""
        self.changed = True

    def commit(self) -> None:
        """Write the derived files for the new generation, then flip to it."""
        if not self.changed and self.store.generation:
            return
        import faiss

        directory = self.store.directory
        for lang in LANGS:
            ids, vecs = self.passage_vectors(lang)
            if not len(ids):
                continue
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            index.add_with_ids(vecs, ids)
            _write_faiss(index, directory / f"dense-{lang}-{self.gen}.faiss")
        bm25 = BM25.build((pid, terms.split(_SEP) if terms else []) for pid, terms in self.visible_rows("id, terms"))
        bm25.save(directory, f"lexical-{self.gen}")
        _fsync_dir(directory)
        meta = {"generation": str(self.gen), "model": self.model, "dim": str(self.dim),
                "schema": str(SCHEMA_VERSION)}
        if self.lang_offsets is not None:
            meta["lang_offsets"] = json.dumps(self.lang_offsets)
        with self._tx():
            self.con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def _write_faiss(index, path: Path) -> None:
    import faiss

    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _read_faiss(path: Path, directory: Path):
    import faiss

    # One query at a time gains nothing from OpenMP, and its spinning threads fight the
    # embedder's own pool for the same cores.
    faiss.omp_set_num_threads(1)
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexCorrupt(f"{path} is damaged ({str(exc).splitlines()[0]}). Rebuild the search files with: "
                           f"citebot ingest --rebuild --index {directory}") from exc


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
