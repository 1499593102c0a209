"""The one writer of a library in Milvus: stages generation G+1 beside G, then publishes it with one
upsert of the library's state row (see index.store.milvus.store).

Removing a row from G+1 rewrites it with `dead = G+1` (Milvus has no partial update; upsert
replaces the row, vectors included), so readers of G still see it. A writer killed at any point
leaves rows born after G or dead at G+1: the next writer's sweep deletes the first and revives the
second before it stages anything.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from index.errors import IndexLocked
from index.store.calibration import encode_reference
from index.store.milvus.client import (ALIVE, DOCUMENTS, MAX_CHARS, literal, passages_collection,
                                       sentences_collection)
from index.store.milvus.lexical import TermStats, passage_vector
from index.store.milvus.store import LANGS, blob_key, state_key, visible
from index.store.schema import SEP
from index.types import NewPassage

if TYPE_CHECKING:
    from index.store.milvus.lease import Lease
    from index.store.milvus.store import MilvusStore

# Paths per retire query: one query for a whole batch of documents, not one per document.
_PATHS_PER_QUERY = 200
# Passages rewritten per upsert by a rebuild.
_REWRITE_ROWS = 1000
# Characters per meta row of a blob (the term statistics, the reference vectors).
BLOB_CHARS = 60_000
_PASSAGE_ALL = ["pk", "library", "pid", "doc_path", "start", "end", "text", "title", "section", "url", "source",
                "source_url", "published", "lang", "outlet", "terms", "born", "dead", "dense", "sparse"]
_DOCUMENT_ALL = ["pk", "library", "path", "content_hash", "title", "url", "published", "outlet", "lang", "format",
                 "born", "dead", "v"]


class MilvusWriter:
    def __init__(self, store: "MilvusStore", lease: "Lease", model: str, dim: int) -> None:
        self.store, self.db, self.lease = store, store.db, lease
        self.library = store.library
        self.model, self.dim = model, dim
        self.passages, self.sentences = passages_collection(dim), sentences_collection(dim)
        self.gen = store.generation + 1
        state = store.state
        self.next_pid = state.get("next_pid", 1)
        self.counts = {lang: state.get("counts", {}).get(lang, 0) for lang in LANGS}
        self.documents = state.get("documents", 0)
        lexical = store.snapshot.lexical
        stats = lexical.stats if lexical is not None else TermStats()
        self.stats = TermStats(dict(stats.df), stats.n, stats.total)
        self.changed = False
        self.lang_offsets: dict[str, float] | None = None
        self.reference: dict[str, np.ndarray] | None = None
        self._lib = f"library == {literal(self.library)}"

    # -- crash recovery ------------------------------------------------------------------

    def sweep(self) -> None:
        """Undo what a killed writer staged beyond G, and drop rows no reader can still need
        (removed two generations ago or more)."""
        g = self.gen - 1
        self._delete_passages(f"{self._lib} and born > {g}")
        # Sentences are written before their passage: a writer killed between the two left some
        # under ids the next writer hands out again.
        self.db.delete(self.sentences, f"{self._lib} and pid >= {self.next_pid}")
        self.db.delete(DOCUMENTS, f"{self._lib} and born > {g}")
        for collection, fields in ((self.passages, _PASSAGE_ALL), (DOCUMENTS, _DOCUMENT_ALL)):
            rows = list(self.db.query_all(collection, f"{self._lib} and dead > {g} and dead < {ALIVE}", fields))
            for r in rows:
                r["dead"] = ALIVE
            self.db.insert(collection, rows, upsert=True)
        self._delete_passages(f"{self._lib} and dead < {g}")
        self.db.delete(DOCUMENTS, f"{self._lib} and dead < {g}")
        # Blob keys are LIBRARY/blob/NAME/GENERATION/PART.
        self.db.drop([k for k in self.db.keys(f"{self.library}/blob/") if k.split("/")[3] not in (str(g), str(g - 1))])

    def _delete_passages(self, where: str) -> None:
        pids = [r["pid"] for r in self.db.query_all(self.passages, where, ["pid"])]
        if pids:
            self.db.delete_ids(self.sentences, self._lib, "pid", pids)
            self.db.delete(self.passages, where)

    # -- staging -------------------------------------------------------------------------

    def remove(self, path: str) -> bool:
        n = self._retire([path])
        self.changed |= n > 0
        return n > 0

    def _retire(self, paths: list[str]) -> int:
        """Hide these paths' rows from the new generation: rows staged here go, committed ones get dead = G+1."""
        n = 0
        for i in range(0, len(paths), _PATHS_PER_QUERY):
            n += self._retire_some(json.dumps(paths[i:i + _PATHS_PER_QUERY], ensure_ascii=False))
        return n

    def _retire_some(self, paths: str) -> int:
        doc, of_doc = f"{self._lib} and path in {paths}", f"{self._lib} and doc_path in {paths}"
        staged = list(self.db.query_all(self.passages, f"{of_doc} and born == {self.gen}", ["pid", "lang", "terms"]))
        staged_docs = self.db.query(DOCUMENTS, f"{doc} and born == {self.gen}", ["pk"])
        if staged:
            self.db.delete_ids(self.sentences, self._lib, "pid", [r["pid"] for r in staged])
            self.db.delete(self.passages, f"{of_doc} and born == {self.gen}")
        if staged_docs:
            self.db.delete(DOCUMENTS, f"{doc} and born == {self.gen}")
        live = list(self.db.query_all(self.passages, f"{of_doc} and born < {self.gen} and dead == {ALIVE}",
                                      _PASSAGE_ALL))
        live_docs = list(self.db.query_all(DOCUMENTS, f"{doc} and born < {self.gen} and dead == {ALIVE}",
                                           _DOCUMENT_ALL))
        for r in live + live_docs:
            r["dead"] = self.gen
        self.db.insert(self.passages, live, upsert=True)
        self.db.insert(DOCUMENTS, live_docs, upsert=True)
        for r in staged + live:
            self.stats.add(_terms(r["terms"]), -1)
            self.counts[r["lang"]] = self.counts.get(r["lang"], 0) - 1
        self.documents -= len(staged_docs) + len(live_docs)
        return len(live_docs) + len(staged_docs)

    def put_many(self, items: Iterable[tuple[object, str, list[NewPassage]]]) -> None:
        """Stage documents (each replacing any older version of its path) with their passages."""
        self.lease.renew()
        items = list(items)
        last = {doc.path: i for i, (doc, _, _) in enumerate(items)}  # a path given twice: the later wins
        docs, rows, sents = [], [], []
        self._retire(list(last))
        for i, (doc, content_hash, passages) in enumerate(items):
            if last[doc.path] != i:
                continue
            digest = hashlib.sha1(doc.path.encode("utf-8", "surrogatepass")).hexdigest()[:24]
            docs.append({"pk": f"{self.library}/{self.gen}/{digest}", "library": self.library,
                         **_clip({"path": doc.path, "content_hash": content_hash, "title": doc.title,
                                  "url": doc.url, "published": doc.published, "outlet": doc.outlet, "lang": doc.lang,
                                  "format": doc.format}, _DOC_LIMITS),
                         "born": self.gen, "dead": ALIVE, "v": [0.0, 1.0]})
            for p in passages:
                self.stats.add(p.terms)
            for p in passages:
                pid, self.next_pid = self.next_pid, self.next_pid + 1
                self.counts[p.lang] = self.counts.get(p.lang, 0) + 1
                rows.append({"pk": f"{self.library}/{pid}", "library": self.library, "pid": pid,
                             "start": p.start, "end": p.end, "text": p.text,
                             **_clip({"doc_path": doc.path, "title": doc.title, "section": p.section, "url": doc.url,
                                      "source": p.source, "source_url": p.source_url, "published": p.published,
                                      "lang": p.lang, "outlet": doc.outlet, "terms": SEP.join(p.terms)},
                                     _PASSAGE_LIMITS),
                             "born": self.gen, "dead": ALIVE,
                             "dense": np.asarray(p.vector, dtype=np.float32).tolist(),
                             "sparse": passage_vector(p.terms, self.stats.avg_len)})
                sents.extend({"pk": f"{self.library}/{pid}/{k}", "library": self.library, "pid": pid, "start": s,
                              "end": e, "vector": np.asarray(v, dtype=np.float32).tolist()}
                             for k, (s, e, v) in enumerate(p.sentences))
        # Sentences before their passages: a passage row is what makes them reachable.
        self.db.insert(self.sentences, sents)
        self.db.insert(self.passages, rows)
        self.db.insert(DOCUMENTS, docs)
        self.documents += len(docs)
        self.changed |= bool(docs)

    # -- what the calibration reads --------------------------------------------------------

    def _rows(self, lang: str, fields: list[str], limit: int | None) -> Iterator[dict]:
        where = f"{visible(self.library, self.gen)} and lang == {literal(lang)}"
        for i, row in enumerate(self.db.query_all(self.passages, where, fields)):
            if limit is not None and i >= limit:
                return
            yield row

    def count_without_second(self) -> int:
        return 0

    def without_second(self, limit: int) -> list[tuple[int, str]]:
        """The collections hold no cross-lingual sentence vectors (yet): answers from a Milvus
        library choose sentences with e5 alone."""
        return []

    def set_second(self, vectors: dict) -> None:
        raise NotImplementedError("Milvus collections hold no cross-lingual sentence vectors")

    def count(self, lang: str) -> int:
        return self.counts.get(lang, 0)

    def sample_passages(self, lang: str, limit: int) -> list[tuple[int, str]]:
        return [(r["pid"], r["text"]) for r in self._rows(lang, ["pid", "text"], limit)]

    def passage_vectors(self, lang: str, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        rows = list(self._rows(lang, ["pid", "dense"], limit))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        return (np.array([r["pid"] for r in rows], dtype=np.int64),
                np.array([r["dense"] for r in rows], dtype=np.float32))

    # -- publishing ----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Recount the library's term statistics from its rows, rewrite every passage's sparse vector
        with today's average length (each was weighted with the average of its own ingest), and
        publish the result as a new generation."""
        where = visible(self.library, self.gen)
        self.stats = TermStats()
        for row in self.db.query_all(self.passages, where, ["terms"]):
            self.stats.add(_terms(row["terms"]))
        batch: list[dict] = []
        for row in self.db.query_all(self.passages, where, _PASSAGE_ALL):
            row["sparse"] = passage_vector(_terms(row["terms"]), self.stats.avg_len)
            batch.append(row)
            if len(batch) >= _REWRITE_ROWS:
                self.db.insert(self.passages, batch, upsert=True)
                batch = []
        self.db.insert(self.passages, batch, upsert=True)
        self.changed = True

    def commit(self) -> None:
        if not self.changed and self.store.generation:
            return
        blobs = {"terms": self.stats.encode()}
        if self.reference is not None:
            blobs["reference"] = encode_reference(self.reference)
        parts = {}
        for name, value in blobs.items():
            chunks = [value[i:i + BLOB_CHARS] for i in range(0, len(value), BLOB_CHARS)] or [""]
            self.db.put({blob_key(self.library, name, self.gen, i): c for i, c in enumerate(chunks)})
            parts[name] = len(chunks)
        old = self.store.state
        state = {"generation": self.gen, "model": self.model, "dim": self.dim, "next_pid": self.next_pid,
                 "counts": self.counts, "documents": self.documents, "blobs": parts,
                 "lang_offsets": self.lang_offsets if self.lang_offsets is not None else old.get("lang_offsets", {})}
        if self.reference is None and "reference" in old.get("blobs", {}):
            # Keep the old reference vectors: copy them under this generation's key.
            previous = self.store._blobs(old["generation"], {"reference": old["blobs"]["reference"]})
            if "reference" in previous:
                chunks = [previous["reference"][i:i + BLOB_CHARS]
                          for i in range(0, len(previous["reference"]), BLOB_CHARS)]
                self.db.put({blob_key(self.library, "reference", self.gen, i): c for i, c in enumerate(chunks)})
                state["blobs"]["reference"] = len(chunks)
        for collection in (self.sentences, self.passages, DOCUMENTS):
            self.db.flush(collection)
        if not self.lease.held():
            raise IndexLocked(self.store.directory)  # lost the lease: another writer owns the library now
        self.db.put({state_key(self.library): json.dumps(state)})


def _terms(joined: str) -> list[str]:
    return joined.split(SEP) if joined else []


_DOC_LIMITS = {"path": 4096, "content_hash": 128, "title": 2048, "url": 4096, "published": 64, "outlet": 512,
               "lang": 16, "format": 32}
_PASSAGE_LIMITS = {"doc_path": 4096, "title": 2048, "section": 2048, "url": 4096, "source": 512,
                   "source_url": 4096, "published": 64, "lang": 16, "outlet": 512, "terms": MAX_CHARS}


def _clip(values: dict[str, str | None], limits: dict[str, int]) -> dict[str, str]:
    """None as "" (Milvus strings are not nullable) and each value within its field's length."""
    return {k: (v or "")[:limits[k]] for k, v in values.items()}
