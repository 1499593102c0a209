"""The one writer of an index: stages generation G+1 row by row, writes its search files, flips to it."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.store.calibration import encode_reference
from index.store.dense import IVF_TRAIN_PER_LIST, new_dense_index, write_faiss
from index.store.lexical import BM25
from index.store.schema import LANGS, SCHEMA_VERSION, SEP, VISIBLE, connect, fsync_dir
from index.types import NewPassage

if TYPE_CHECKING:  # the store hands itself to its writer
    from index.store.database import Store

# Rows streamed from SQLite per step when the search files are built.
_STREAM_ROWS = 20_000


class Writer:
    def __init__(self, store: Store, model: str, dim: int):
        self.store = store
        # Its own connection, so readers on the store's connection keep answering meanwhile.
        self.con = connect(store.db_path)
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
        n = self.con.execute(f"UPDATE documents SET dead = :new WHERE path = :path AND {VISIBLE}", g).rowcount
        self.con.execute(f"UPDATE passages SET dead = :new WHERE doc_path = :path AND {VISIBLE}", g)
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
                                 p.source_url, p.published, p.lang, doc.outlet, SEP.join(p.terms),
                                 np.asarray(p.vector, dtype=np.float32).tobytes(), self.gen))
                    second = p.second or (None,) * len(p.sentences)
                    sents.extend((pid, s, e, np.asarray(v, dtype=np.float32).tobytes(),
                                  None if u is None else second_blob(u))
                                 for (s, e, v), u in zip(p.sentences, second))
            self.con.executemany(
                "INSERT INTO documents (path, content_hash, title, url, published, outlet, lang, format, text, born)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)", docs)
            self.con.executemany(
                'INSERT INTO passages (id, doc_path, start, "end", text, title, section, url, source, source_url,'
                " published, lang, outlet, terms, vector, born) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.con.executemany('INSERT INTO sentences (passage_id, start, "end", vector, second) VALUES (?,?,?,?,?)',
                                 sents)
        self.changed |= bool(docs)

    def count_without_second(self) -> int:
        return self.con.execute(f"SELECT COUNT(*) {_WITHOUT_SECOND}", {"g": self.gen}).fetchone()[0]

    def without_second(self, limit: int) -> list[tuple[int, str]]:
        """Up to `limit` visible sentences that lack the cross-lingual vector: (id, text). An index
        from before that vector gets it on its next ingest."""
        rows = self.con.execute(f'SELECT s.id, p.text, p.start, s.start, s."end" {_WITHOUT_SECOND} LIMIT :n',
                                {"g": self.gen, "n": limit}).fetchall()
        return [(sid, text[start - p0:end - p0]) for sid, text, p0, start, end in rows]

    def set_second(self, vectors: dict[int, np.ndarray]) -> None:
        with self._tx():
            self.con.executemany("UPDATE sentences SET second = ? WHERE id = ?",
                                 [(second_blob(v), sid) for sid, v in vectors.items()])

    def visible_rows(self, cols: str) -> Iterator[tuple]:
        return self.con.execute(f"SELECT {cols} FROM passages WHERE {VISIBLE} ORDER BY id", {"g": self.gen})

    def count(self, lang: str) -> int:
        return self.con.execute(f"SELECT COUNT(*) FROM passages WHERE lang = :lang AND {VISIBLE}",
                                {"g": self.gen, "lang": lang}).fetchone()[0]

    def _every(self, cols: str, lang: str, limit: int | None) -> Iterator[tuple]:
        """Rows of one language in id order, or an even sample of about `limit` of them, streamed."""
        step = max(1, self.count(lang) // limit) if limit else 1
        cur = self.con.execute(f"SELECT {cols} FROM passages WHERE lang = :lang AND {VISIBLE} ORDER BY id",
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
        index = new_dense_index(self.dim, n, self.store.ann_threshold, self.store.ivf_nprobe)
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
        write_faiss(index, path)
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
        bm25 = BM25.build((pid, terms.split(SEP) if terms else []) for pid, terms in self.visible_rows("id, terms"))
        bm25.save(directory, f"lexical-{self.gen}")
        fsync_dir(directory)
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


# The visible sentences still without the second model's vector (the partial index
# sentences_without_second serves it).
_WITHOUT_SECOND = """FROM sentences s JOIN passages p ON p.id = s.passage_id
    WHERE s.second IS NULL AND p.born <= :g AND (p.dead IS NULL OR p.dead > :g)"""


def second_blob(vector: np.ndarray) -> bytes:
    """The second model's sentence vector as stored: float16, half the disk of float32, and cosines
    that differ by under 1e-3 (its z-scores far less than the 0.01 weight could notice)."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def _blobs(blobs: Iterable[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype=np.float32)
