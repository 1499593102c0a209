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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from index.store.calibration import decode_reference, encode_reference
from index.errors import DamagedFile, IndexCorrupt, IndexLocked, IndexReadOnly, ModelMismatch, NoIndex
from index.store.lexical import BM25
from index.settings import ANN_THRESHOLD
from index.types import NewPassage, Passage, Sentence, SourceInfo

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

# Dense index per language: exact inner product (IndexFlatIP) up to ANN_THRESHOLD vectors; past
# it, an inverted file over float16 vectors (IndexIVFScalarQuantizer, QT_fp16): nlist ~ 4*sqrt(n)
# k-means lists, each search scanning the nprobe = nlist/8 lists nearest the query.
# Measured with benchmarks/scale.py (500k vectors per language, 1M passages in all, 2 cores):
#  - exact search costs ~6 ms a query at 50k per language, ~37 ms at 500k, and 1.5 kB a vector;
#  - HNSW (IndexHNSWSQ fp16, M=32, efConstruction 160) took 200-380 s per 500k to build and its
#    recall@10 against exact search plateaued at 0.955 (same-language questions, efSearch
#    512-1024) and 0.87-0.91 over both languages' questions: it misses dense clusters of
#    near-duplicate passages, and cross-language questions sit far from every passage;
#  - this IVF builds in ~25 s per 500k and scans 1/8 of the vectors in ~2.4 ms; at 1M passages
#    (nlist 2828, nprobe 353, questions of both languages against both indexes) it finds 0.991
#    of the exact top-10 (nlist/16: 0.952, nlist/4: 0.998);
#  - float16 costs nothing measurable (exact search over fp16 vectors: recall@10 0.998) and halves
#    the memory: 1M vectors take ~0.8 GB instead of 1.5 GB (HNSW's graph would add ~0.27 GB).
IVF_LISTS_PER_SQRT_N = 4
IVF_PROBE_SHARE = 8  # nprobe = nlist // IVF_PROBE_SHARE (at least 8 lists)
IVF_TRAIN_PER_LIST = 40  # k-means training sample: vectors per list
# Rows streamed from SQLite per step when the derived files are built.
_STREAM_ROWS = 20_000


def ivf_lists(n: int) -> int:
    return max(1, min(int(IVF_LISTS_PER_SQRT_N * n ** 0.5), n // 39))


def ivf_nprobe(nlist: int, override: int | None = None) -> int:
    """Lists a search scans (CITEBOT_IVF_NPROBE overrides): recall@10 >= 0.95 needs about an eighth."""
    return min(nlist, override or max(8, nlist // IVF_PROBE_SHARE))


@dataclass(frozen=True)
class Snapshot:
    """One committed generation as a reader sees it. The store swaps the whole object at once,
    so a search that reads it once never mixes the files of two generations."""

    generation: int = 0
    model: str | None = None
    dim: int = 0
    lang_offsets: dict[str, float] = field(default_factory=dict)
    dense: Mapping[str, object] = field(default_factory=lambda: _DenseIndexes({}, Path(), None))
    lexical: BM25 | None = None
    # The calibration's reference sentences embedded as passages (None: index from before they were stored).
    reference: dict[str, np.ndarray] | None = None


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes. A WAL database needs its -shm file to read; when the folder
    is read-only and no writer left one, only an immutable open works (nobody can write it anyway)."""
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        con = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=30, check_same_thread=False,
                              isolation_level=None)
        try:
            con.execute("SELECT COUNT(*) FROM meta").fetchone()
            return con
        except sqlite3.OperationalError:
            con.close()
            if flags.endswith("immutable=1"):
                raise
    raise AssertionError("unreachable")


def _writable(directory: Path, db_path: Path) -> bool:
    return os.access(directory, os.W_OK) and (not db_path.exists() or os.access(db_path, os.W_OK))


def _passage(row: tuple) -> Passage:
    return Passage(*row)


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


class Store:
    """Read side of an index directory. Safe to share between threads."""

    def __init__(self, directory: Path, ann_threshold: int = ANN_THRESHOLD, ivf_nprobe: int | None = None):
        self.directory = Path(directory)
        self.db_path = self.directory / DB_NAME
        # Vectors per language past which a new dense index is approximate, and the lists an IVF
        # search scans (None: an eighth of them).
        self.ann_threshold = ann_threshold
        self.ivf_nprobe = ivf_nprobe
        self.read_only = False
        self._con = None
        self.snapshot = Snapshot()
        # Read the FAISS files when the generation is loaded (serving) rather than on first use.
        self._eager = False
        # One connection serves all reader threads; sqlite3 objects must not be used concurrently.
        self._lock = threading.RLock()

    # The snapshot's fields, for callers that need only one of them.
    generation = property(lambda self: self.snapshot.generation)
    model = property(lambda self: self.snapshot.model)
    dense = property(lambda self: self.snapshot.dense)
    lexical = property(lambda self: self.snapshot.lexical)

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
        store.read_only = not _writable(store.directory, store.db_path)
        with store._database_errors():
            if store.read_only:
                if not store.db_path.exists():
                    raise NoIndex(store.directory, "cannot be created (no write permission)")
                store._con = _connect_read_only(store.db_path)
            else:
                store._con = _connect(store.db_path)
                store._con.executescript(_SCHEMA)
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
            raise IndexCorrupt(f"{self.db_path} is not a readable citebot index ({exc}). Move it away and "
                               f"rebuild from the articles with: citebot ingest PATH... --index {self.directory}"
                               ) from exc

    def load_search_files(self) -> None:
        """Read the FAISS files now (and on every reload): a server should not pay for it on its first question."""
        self._eager = True
        if self.generation:
            self.snapshot.dense.load()

    def check_model(self, model: str) -> None:
        """Refuse to serve queries embedded by another model than the one that built the index."""
        if self.model and self.model != model:
            raise ModelMismatch(
                f"the index in {self.directory} was built with the embedding model '{self.model}', "
                f"not '{model}'. Query it with CITEBOT_MODEL={self.model}, or rebuild it for the new model "
                f"in another directory: citebot ingest PATH... --index NEW_DIR")

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
        if int(meta.get("schema", SCHEMA_VERSION)) != SCHEMA_VERSION:
            raise IndexCorrupt(f"{self.db_path} has index schema {meta['schema']}, this citebot reads "
                               f"{SCHEMA_VERSION}: rebuild with citebot ingest PATH... --index NEW_DIR")
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
                    raise self.damaged(DamagedFile(path, "missing"))
        else:  # written before the languages were recorded
            paths = {lang: p for lang in LANGS if (p := self.directory / f"dense-{lang}-{generation}.faiss").exists()}
        # Read lazily: listing sources must not import faiss. A query opens them all anyway.
        dense = _DenseIndexes(paths, self.directory, self.ivf_nprobe)
        if self._eager:
            dense.load()
        try:
            lexical = BM25.load(self.directory, f"lexical-{generation}")
        except DamagedFile as exc:
            raise self.damaged(exc) from exc
        self.snapshot = Snapshot(**fields, dense=dense, lexical=lexical)

    def damaged(self, exc: DamagedFile) -> IndexCorrupt:
        return IndexCorrupt(f"{exc}. Rebuild the search files with: citebot ingest --rebuild --index {self.directory}")

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
        """The visible articles, by title (case-insensitively) then path: the order /sources numbers them in."""
        rows = self._all(
            f"""SELECT d.path, d.title, d.url, d.published, d.outlet, d.lang,
                      (SELECT COUNT(*) FROM passages p WHERE p.doc_path = d.path AND p.born <= :g
                       AND (p.dead IS NULL OR p.dead > :g))
               FROM documents d WHERE {_VISIBLE.replace('born', 'd.born').replace('dead', 'd.dead')}
               ORDER BY d.title COLLATE NOCASE, d.path""", {"g": self.generation})
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
                    raise IndexLocked(f"another ingest is writing to {self.directory}; "
                                      f"wait for it to finish and try again") from None
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
        self.reference: dict[str, np.ndarray] | None = None

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

    def put_many(self, items: Iterable[tuple[object, str, list[NewPassage]]]) -> None:
        """Stage documents (each replacing any older version of its path) with their passages, in
        one transaction of three executemany calls."""
        docs, rows, sents = [], [], []
        with self._tx():
            # The write lock and BEGIN IMMEDIATE make this writer the only one: ids can be assigned here.
            pid = self.con.execute("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name='passages'), 0),"
                                   " COALESCE((SELECT MAX(id) FROM passages), 0))").fetchone()[0]
            items = list(items)
            last = {doc.path: i for i, (doc, _, _) in enumerate(items)}  # a path given twice: the later wins
            for i, (doc, content_hash, passages) in enumerate(items):
                if last[doc.path] != i:
                    continue
                self._retire(doc.path)
                docs.append((doc.path, content_hash, doc.title, doc.url, doc.published, doc.outlet, doc.lang,
                             doc.format, doc.text, self.gen))
                for p in passages:
                    pid += 1
                    rows.append((pid, doc.path, p.start, p.end, p.text, doc.title, p.section, doc.url, p.source,
                                 p.source_url, p.published, p.lang, doc.outlet, _SEP.join(p.terms),
                                 np.asarray(p.vector, dtype=np.float32).tobytes(), self.gen))
                    sents.extend((pid, s, e, np.asarray(v, dtype=np.float32).tobytes()) for s, e, v in p.sentences)
            self.con.executemany(
                "INSERT INTO documents (path, content_hash, title, url, published, outlet, lang, format, text, born)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)", docs)
            self.con.executemany(
                'INSERT INTO passages (id, doc_path, start, "end", text, title, section, url, source, source_url,'
                " published, lang, outlet, terms, vector, born) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.con.executemany('INSERT INTO sentences (passage_id, start, "end", vector) VALUES (?,?,?,?)', sents)
        self.changed |= bool(docs)

    def visible_rows(self, cols: str) -> Iterator[tuple]:
        return self.con.execute(f"SELECT {cols} FROM passages WHERE {_VISIBLE} ORDER BY id", {"g": self.gen})

    def count(self, lang: str) -> int:
        return self.con.execute(f"SELECT COUNT(*) FROM passages WHERE lang = :lang AND {_VISIBLE}",
                                {"g": self.gen, "lang": lang}).fetchone()[0]

    def _every(self, cols: str, lang: str, limit: int | None) -> Iterator[tuple]:
        """Rows of one language in id order, or an even sample of about `limit` of them, streamed."""
        step = max(1, self.count(lang) // limit) if limit else 1
        cur = self.con.execute(f"SELECT {cols} FROM passages WHERE lang = :lang AND {_VISIBLE} ORDER BY id",
                               {"g": self.gen, "lang": lang})
        for i, row in enumerate(cur):
            if i % step == 0:
                yield row

    def sample_passages(self, lang: str, limit: int) -> list[tuple[int, str]]:
        """An even sample of (id, text) over the passages of one language."""
        return list(self._every("id, text", lang, limit))[:limit]

    def passage_vectors(self, lang: str, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of one language's passages: all of them, or an even sample of about `limit`."""
        ids, vecs = [], []
        for batch in _batches(self._every("id, vector", lang, limit), _STREAM_ROWS):
            ids.append(np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch)))
            vecs.append(_blobs(b for _, b in batch))
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(ids), np.concatenate(vecs).reshape(-1, self.dim)

    def _build_dense(self, lang: str, path: Path) -> bool:
        """Stream one language's vectors from SQLite into its FAISS index file; False if it has none."""
        import faiss

        n = self.count(lang)
        if not n:
            return False
        index = _new_dense_index(self.dim, n, self.store.ann_threshold, self.store.ivf_nprobe)
        # k-means and IVF assignment are parallel; a reader in this process may have left FAISS at one thread.
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        try:
            if not index.is_trained:
                _, sample = self.passage_vectors(lang, limit=index.nlist * IVF_TRAIN_PER_LIST)
                index.train(sample)
                del sample
            for batch in _batches(self._every("id, vector", lang, None), _STREAM_ROWS * 5):
                ids = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
                index.add_with_ids(_blobs(b for _, b in batch).reshape(len(batch), self.dim), ids)
        finally:
            faiss.omp_set_num_threads(1)
        _write_faiss(index, path)
        return True

    def rebuild(self) -> None:
        """Rewrite the derived files from the rows even though no document changed."""
        self.changed = True

    def commit(self) -> None:
        """Write the derived files for the new generation, then flip to it."""
        if not self.changed and self.store.generation:
            return
        directory = self.store.directory
        langs = [lang for lang in LANGS if self._build_dense(lang, directory / f"dense-{lang}-{self.gen}.faiss")]
        bm25 = BM25.build((pid, terms.split(_SEP) if terms else []) for pid, terms in self.visible_rows("id, terms"))
        bm25.save(directory, f"lexical-{self.gen}")
        _fsync_dir(directory)
        meta = {"generation": str(self.gen), "model": self.model, "dim": str(self.dim),
                "schema": str(SCHEMA_VERSION), "dense_langs": ",".join(langs)}
        if self.lang_offsets is not None:
            meta["lang_offsets"] = json.dumps(self.lang_offsets)
        if self.reference is not None:
            meta["reference"] = encode_reference(self.reference)
        with self._tx():
            self.con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _blobs(blobs: Iterable[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype=np.float32)


def _new_dense_index(dim: int, n: int, threshold: int, nprobe: int | None):
    """Exact search while small, an IVF over float16 vectors past the threshold (see ANN_THRESHOLD)."""
    import faiss

    if n <= threshold:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    nlist = ivf_lists(n)
    # The IVF keeps the passage ids itself: no IDMap wrapper (and no id -> position table) needed.
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.nprobe = ivf_nprobe(nlist, nprobe)
    return ivf


class _DenseIndexes(Mapping):
    """lang -> FAISS index of one generation, each read from disk on first use."""

    def __init__(self, paths: dict[str, Path], directory: Path, nprobe: int | None):
        self._paths = paths
        self._directory = directory
        self._nprobe = nprobe
        self._loaded: dict[str, object] = {}
        self._lock = threading.Lock()

    def __getitem__(self, lang: str):
        index = self._loaded.get(lang)
        if index is None:
            path = self._paths[lang]  # KeyError for a language without vectors, as a dict would
            with self._lock:
                index = self._loaded.get(lang)
                if index is None:
                    index = self._loaded[lang] = _read_faiss(path, self._directory, self._nprobe)
        return index

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def load(self) -> None:
        for lang in self._paths:
            self[lang]


def _write_faiss(index, path: Path) -> None:
    import faiss

    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _read_faiss(path: Path, directory: Path, nprobe: int | None):
    import faiss

    # One query at a time gains nothing from OpenMP, and its spinning threads fight the
    # embedder's own pool for the same cores.
    faiss.omp_set_num_threads(1)
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexCorrupt(f"{path} is damaged ({str(exc).splitlines()[0]}). Rebuild the search files with: "
                           f"citebot ingest --rebuild --index {directory}") from exc
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        # The search-time breadth is a reader's setting: recall@10 >= 0.95 needs about nlist/8.
        ivf.nprobe = ivf_nprobe(ivf.nlist, nprobe)
    return index


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
