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
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.errors import DamagedFile, IndexCorrupt, IndexLocked, IndexReadOnly, ModelMismatch, NoIndex
from index.settings import ANN_THRESHOLD
from index.store.calibration import decode_reference
from index.store.dense import DenseIndexes
from index.store.lexical import BM25
from index.store.schema import (DB_NAME, LANGS, PASSAGE_COLS, SCHEMA, SCHEMA_VERSION, VISIBLE, columns, connect,
                                connect_read_only, upgrade, writable)
from index.store.writer import Writer
from index.types import Passage, Sentence, SourceInfo

__all__ = ["DB_NAME", "LANGS", "Snapshot", "Store", "Writer"]


@dataclass(frozen=True)
class Snapshot:
    """One committed generation as a reader sees it. The store swaps the whole object at once,
    so a search that reads it once never mixes the files of two generations."""

    generation: int = 0
    model: str | None = None
    dim: int = 0
    lang_offsets: dict[str, float] = field(default_factory=dict)
    dense: Mapping[str, object] = field(default_factory=lambda: DenseIndexes({}, Path(), None))
    lexical: BM25 | None = None
    # The calibration's reference sentences embedded as passages (None: index from before they were stored).
    reference: dict[str, np.ndarray] | None = None


class SnapshotFields:
    """The current snapshot's fields, for callers that need only one of them (both stores)."""

    snapshot: Snapshot
    generation = property(lambda self: self.snapshot.generation)
    model = property(lambda self: self.snapshot.model)
    dense = property(lambda self: self.snapshot.dense)
    lexical = property(lambda self: self.snapshot.lexical)


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


class Store(SnapshotFields):
    """Read side of an index directory. Safe to share between threads."""

    def __init__(self, directory: Path, ann_threshold: int = ANN_THRESHOLD, ivf_nprobe: int | None = None):
        self.directory = Path(directory)
        self.db_path = self.directory / DB_NAME
        # Vectors per language past which a new dense index is approximate, and the lists an IVF
        # search scans (None: an eighth of them).
        self.ann_threshold = ann_threshold
        self.ivf_nprobe = ivf_nprobe
        self.read_only = False
        # The library name its passages and articles are reported under (index.settings.library_dir).
        self.library = "default"
        self._con = None
        self.snapshot = Snapshot()
        # Read the FAISS files when the generation is loaded (serving) rather than on first use.
        self._eager = False
        # One connection serves all reader threads; sqlite3 objects must not be used concurrently.
        self._lock = threading.RLock()

    @classmethod
    def open(cls, directory: Path, *, search_files: bool = True, create: bool = True,
             ann_threshold: int = ANN_THRESHOLD, ivf_nprobe: int | None = None) -> "Store":
        """Open an index; create=True makes an empty one where there is none.

        search_files=False reads only the database, for `ingest --rebuild` to rewrite damaged files.
        A folder citebot may not write to is opened read-only: it answers, and refuses writes."""
        store = cls(directory, ann_threshold, ivf_nprobe)
        if store.directory.exists() and not store.directory.is_dir():
            raise NoIndex(store.directory, "is a file, not a folder")
        if not store.db_path.exists():
            if not create:
                raise NoIndex(store.directory)
            try:
                store.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise NoIndex(store.directory, f"cannot be created ({exc.strerror or exc})") from None
        store.read_only = not writable(store.directory, store.db_path)
        with store._database_errors():
            if store.read_only:
                if not store.db_path.exists():
                    raise NoIndex(store.directory, "cannot be created (no write permission)")
                store._con = connect_read_only(store.db_path)
            else:
                store._con = connect(store.db_path)
                store._con.executescript(SCHEMA)
                upgrade(store._con)
        store._load(search_files)
        return store

    @contextmanager
    def _database_errors(self) -> Iterator[None]:
        """A damaged database (SQLITE_CORRUPT, SQLITE_NOTADB) as IndexCorrupt naming the file;
        a busy or locked one stays what it is."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            corrupt = code & 0xFF in (11, 26) if code is not None else not isinstance(exc, sqlite3.OperationalError)
            if not corrupt:
                raise
            raise IndexCorrupt(self.db_path, str(exc), self.directory, "reingest") from exc

    def load_search_files(self) -> None:
        """Read the FAISS files now (and on every reload): a server should not pay for it on its first question."""
        self._eager = True
        if self.generation:
            self.snapshot.dense.load()

    def check_model(self, model: str) -> None:
        """Refuse to serve queries embedded by another model than the one that built the index."""
        if self.model and self.model != model:
            raise ModelMismatch(self.directory, self.model, model)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> sqlite3.Connection:
        assert self._con is not None, "store is closed"
        return self._con

    def _all(self, sql: str, params=()) -> list[tuple]:
        with self._lock, self._database_errors():
            return self.con.execute(sql, params).fetchall()

    def meta(self) -> dict[str, str]:
        return dict(self._all("SELECT key, value FROM meta"))

    def _load(self, search_files: bool = True) -> None:
        """Read the committed generation and publish it as one snapshot."""
        meta = self.meta()
        self._has_second = "second" in columns(self.con, "sentences")
        if int(meta.get("schema", SCHEMA_VERSION)) != SCHEMA_VERSION:
            raise IndexCorrupt(self.db_path, f"index schema {meta['schema']}; this citebot reads {SCHEMA_VERSION}",
                               self.directory, "reingest")
        generation = int(meta.get("generation", 0))
        fields = dict(generation=generation, model=meta.get("model"), dim=int(meta.get("dim", 0)),
                      lang_offsets=json.loads(meta.get("lang_offsets", "{}")),
                      reference=decode_reference(meta.get("reference")))
        if generation == 0 or not search_files:
            self.snapshot = Snapshot(**fields)
            return
        if "dense_langs" in meta:
            # A language that had passages must have its file: without it those passages would
            # silently drop out of dense search.
            paths = {lang: self.directory / f"dense-{lang}-{generation}.faiss"
                     for lang in meta["dense_langs"].split(",") if lang}
            for path in paths.values():
                if not path.exists():
                    raise DamagedFile(path, "missing")
        else:  # written before the languages were recorded
            paths = {lang: p for lang in LANGS if (p := self.directory / f"dense-{lang}-{generation}.faiss").exists()}
        # Read lazily: listing sources must not import faiss. A query opens them all anyway.
        dense = DenseIndexes(paths, self.directory, self.ivf_nprobe)
        if self._eager:
            dense.load()
        lexical = BM25.load(self.directory, f"lexical-{generation}")
        self.snapshot = Snapshot(**fields, dense=dense, lexical=lexical)

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
        rows = self._all(f"SELECT {PASSAGE_COLS} FROM passages WHERE id IN ({marks})", ids)
        firsts = self._first_starts({r[1] for r in rows})
        return {r[0]: Passage(*r, library=self.library, first=firsts.get(r[1]) == r[3]) for r in rows}

    def _first_starts(self, paths: set[str]) -> dict[str, int]:
        """Where each article's first passage starts, in this generation."""
        named = {f"p{i}": path for i, path in enumerate(paths)}
        if not named:
            return {}
        marks = ",".join(f":{k}" for k in named)
        return dict(self._all(f"SELECT doc_path, MIN(start) FROM passages WHERE doc_path IN ({marks}) AND {VISIBLE} "
                              "GROUP BY doc_path", {"g": self.generation, **named}))

    def sentences(self, passage_ids: list[int]) -> list[Sentence]:
        if not passage_ids:
            return []
        marks = ",".join("?" * len(passage_ids))
        # A read-only index from before the column was added has none.
        second = "second" if self._has_second else "NULL"
        rows = self._all(
            f'SELECT passage_id, start, "end", vector, {second} FROM sentences WHERE passage_id IN ({marks}) ORDER BY id',
            passage_ids)
        return [Sentence(p, s, e, _vec(v), np.frombuffer(u, dtype=np.float16).astype(np.float32) if u else None)
                for p, s, e, v, u in rows]

    def sources(self) -> list[SourceInfo]:
        """The visible articles, by title (case-insensitively) then path: the order /sources numbers them in."""
        rows = self._all(
            f"""SELECT d.path, d.title, d.url, d.published, d.outlet, d.lang,
                      (SELECT COUNT(*) FROM passages p WHERE p.doc_path = d.path AND p.born <= :g
                       AND (p.dead IS NULL OR p.dead > :g))
               FROM documents d WHERE {VISIBLE.replace('born', 'd.born').replace('dead', 'd.dead')}
               ORDER BY d.title COLLATE NOCASE, d.path""", {"g": self.generation})
        return [SourceInfo(*r[:6], passages=r[6], library=self.library) for r in rows]

    def document_hashes(self) -> dict[str, str]:
        return dict(self._all(f"SELECT path, content_hash FROM documents WHERE {VISIBLE}", {"g": self.generation}))

    def counts(self) -> tuple[int, int]:
        g = {"g": self.generation}
        docs = self._all(f"SELECT COUNT(*) FROM documents WHERE {VISIBLE}", g)[0][0]
        psg = self._all(f"SELECT COUNT(*) FROM passages WHERE {VISIBLE}", g)[0][0]
        return docs, psg

    def vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        marks = ",".join("?" * len(ids))
        rows = self._all(f"SELECT id, vector FROM passages WHERE id IN ({marks})", ids)
        return {pid: _vec(blob) for pid, blob in rows}

    # -- writes --------------------------------------------------------------------------

    @contextmanager
    def writer(self, model: str, dim: int, wait: float = 0.0) -> Iterator["Writer"]:
        """Exclusive write access; the new generation becomes visible only if the block completes."""
        if self.read_only:
            raise IndexReadOnly(self.directory)
        lock = open(self.directory / "write.lock", "a+")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    lock.close()
                    raise IndexLocked(self.directory) from None
                time.sleep(0.2)
        try:
            self.refresh()
            self.check_model(model)
            w = Writer(self, model, dim)
            try:
                with self._database_errors():
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
