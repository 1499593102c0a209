"""One library in a Milvus server, read side: the same reads and generations as the embedded store
(index.store.database.Store), over rows any number of processes share.

Rows carry the generation that added them (`born`) and the one that removed them (`dead`); a
library's committed generation, model and statistics are one JSON row of the meta collection
(`LIBRARY/state`). A writer stages generation G+1 beside G and publishes it by upserting that one
row, so a reader sees all of G+1 or none of it, and the next question in any process sees it.
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from index.errors import ModelMismatch, NoIndex
from index.store.calibration import decode_reference
from index.store.database import LANGS, Snapshot, SnapshotFields
from index.store.milvus.client import (ALIVE, DOCUMENTS, MilvusDB, literal, passages_collection,
                                       sentences_collection)
from index.store.milvus.lexical import SparseLexical, TermStats
from index.types import Passage, Sentence, SourceInfo

if TYPE_CHECKING:  # the store hands itself to its writer
    from index.store.milvus.writer import MilvusWriter

PASSAGE_FIELDS = ["pid", "doc_path", "text", "start", "end", "title", "section", "url", "source", "source_url",
                  "published", "lang", "outlet"]
_OPTIONAL = ("section", "url", "source", "source_url", "published", "outlet")


def state_key(library: str) -> str:
    return f"{library}/state"


def blob_key(library: str, name: str, generation: int, part: int) -> str:
    return f"{library}/blob/{name}/{generation}/{part}"


def visible(library: str, generation: int) -> str:
    return f"library == {literal(library)} and born <= {generation} and dead > {generation}"


class MilvusDense:
    """One language's passages of one generation, searched like a FAISS index (`search`, `ntotal`)."""

    def __init__(self, db: MilvusDB, collection: str, where: str, ntotal: int) -> None:
        self.db, self.collection, self.where, self.ntotal = db, collection, where, ntotal

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        hits = self.db.search(self.collection, [np.asarray(vectors[0], dtype=np.float32).tolist()], "dense",
                              self.where, k, ["pid"])
        return (np.array([[s for _, s in hits]], dtype=np.float32),
                np.array([[e["pid"] for e, _ in hits]], dtype=np.int64))


class MilvusStore(SnapshotFields):
    """Read side of one library in Milvus. Safe to share between threads."""

    read_only = False

    def __init__(self, db: MilvusDB, library: str) -> None:
        self.db = db
        self.library = library
        # What messages name as the index's place.
        self.directory = f"{db.where}, library {library}"
        self.state: dict = {}
        self.snapshot = Snapshot()
        self._lock = threading.RLock()
        self._recent = threading.local()
        # Each article's first passage start in one generation (`_first_starts`): asked once per
        # article, not on every question.
        self._firsts: tuple[int, dict[str, int]] = (0, {})

    @classmethod
    def open(cls, db: MilvusDB, library: str, *, create: bool = True) -> "MilvusStore":
        store = cls(db, library)
        db.ensure()
        raw = db.get(state_key(library))
        if raw is None and not create:
            raise NoIndex(store.directory, "holds no articles yet")
        store._load(raw)
        return store

    def _collections(self) -> tuple[str, str]:
        dim = self.state["dim"]
        self.db.ensure(dim)
        return passages_collection(dim), sentences_collection(dim)

    def _load(self, raw: str | None) -> None:
        state = json.loads(raw) if raw else {}
        generation = state.get("generation", 0)
        if not generation:
            self.state, self.snapshot = state, Snapshot()
            return
        self.state = state
        passages, _ = self._collections()
        blobs = self._blobs(generation, state.get("blobs", {}))
        where = visible(self.library, generation)
        stats = TermStats.decode(blobs["terms"]) if "terms" in blobs else TermStats()
        dense = {lang: MilvusDense(self.db, passages, f"{where} and lang == {literal(lang)}", n)
                 for lang, n in state.get("counts", {}).items() if n}

        def sparse(query: dict[int, float], n: int) -> list[tuple[int, float]]:
            return [(e["pid"], s) for e, s in self.db.search(passages, [query], "sparse", where, n, ["pid"])]

        self.snapshot = Snapshot(generation=generation, model=state.get("model"), dim=state["dim"],
                                 lang_offsets=state.get("lang_offsets", {}), dense=dense,
                                 lexical=SparseLexical(stats, sparse),
                                 reference=decode_reference(blobs.get("reference")))

    def _blobs(self, generation: int, parts: dict[str, int]) -> dict[str, str]:
        keys = {name: [blob_key(self.library, name, generation, i) for i in range(n)] for name, n in parts.items()}
        found = self.db.get_many([k for ks in keys.values() for k in ks])
        return {name: "".join(found[k] for k in ks) for name, ks in keys.items() if all(k in found for k in ks)}

    def load_search_files(self) -> None:
        """Nothing to read ahead: the server holds the search structures."""

    def check_model(self, model: str) -> None:
        if self.model and self.model != model:
            raise ModelMismatch(self.directory, self.model, model)

    def refresh(self) -> bool:
        """Take up a generation another process published; True if there was one."""
        with self._lock:
            raw = self.db.get(state_key(self.library))
            generation = json.loads(raw)["generation"] if raw else 0
            if generation == self.generation:
                return False
            self._load(raw)
            return True

    def close(self) -> None:
        """The connection is the process's (MilvusDB.connect); nothing of this library's to close."""

    # -- reads ---------------------------------------------------------------------------

    def _where(self) -> str:
        return visible(self.library, self.generation)

    def passages(self, ids: list[int]) -> dict[int, Passage]:
        if not ids or not self.generation:
            return {}
        rows = self.db.query(self._collections()[0], f"library == {literal(self.library)} and pid in {list(ids)}",
                             PASSAGE_FIELDS + ["dense"])
        # The ranker asks for the same passages' vectors next: one round trip instead of two.
        self._recent.vectors = {r["pid"]: np.asarray(r["dense"], dtype=np.float32) for r in rows}
        firsts = self._first_starts({r["doc_path"] for r in rows})
        return {r["pid"]: _passage(r, self.library, firsts.get(r["doc_path"]) == r["start"]) for r in rows}

    def _first_starts(self, paths: set[str]) -> dict[str, int]:
        """Where each article's first passage starts, in this generation; each article is asked of
        the server once a generation."""
        generation = self.generation
        known, firsts = self._firsts
        if known != generation:
            # A reader still on the old generation fills the old dict, never this one.
            firsts = {}
            self._firsts = (generation, firsts)
        missing = sorted(p for p in paths if p not in firsts)
        if missing:
            rows = self.db.query(self._collections()[0],
                                 f"{visible(self.library, generation)} and "
                                 f"doc_path in [{', '.join(literal(p) for p in missing)}]",
                                 ["doc_path", "start"])
            found: dict[str, int] = {}
            for r in rows:
                found[r["doc_path"]] = min(r["start"], found.get(r["doc_path"], r["start"]))
            firsts.update(found)
        return {p: firsts[p] for p in paths if p in firsts}

    def vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        if not ids or not self.generation:
            return {}
        recent = getattr(self._recent, "vectors", {})
        if all(i in recent for i in ids):
            return {i: recent[i] for i in ids}
        rows = self.db.query(self._collections()[0], f"library == {literal(self.library)} and pid in {list(ids)}",
                             ["pid", "dense"])
        return {r["pid"]: np.asarray(r["dense"], dtype=np.float32) for r in rows}

    def sentences(self, passage_ids: list[int]) -> list[Sentence]:
        if not passage_ids or not self.generation:
            return []
        rows = self.db.query(self._collections()[1],
                             f"library == {literal(self.library)} and pid in {list(passage_ids)}",
                             ["pid", "start", "end", "vector"])
        rows.sort(key=lambda r: (r["pid"], r["start"]))
        return [Sentence(r["pid"], r["start"], r["end"], np.asarray(r["vector"], dtype=np.float32)) for r in rows]

    def _documents(self) -> list[dict]:
        if not self.generation:
            return []
        return list(self.db.query_all(DOCUMENTS, self._where(),
                                      ["path", "content_hash", "title", "url", "published", "outlet", "lang"]))

    def sources(self) -> list[SourceInfo]:
        """The visible articles, by title (case-insensitively) then path."""
        docs = self._documents()
        if not docs:
            return []
        counts = Counter(r["doc_path"] for r in self.db.query_all(self._collections()[0], self._where(),
                                                                  ["doc_path"]))
        out = [SourceInfo(d["path"], d["title"], d["url"] or None, d["published"] or None, d["outlet"] or None,
                          d["lang"], passages=counts.get(d["path"], 0), library=self.library) for d in docs]
        return sorted(out, key=lambda s: (s.title.casefold(), s.path))

    def document_hashes(self) -> dict[str, str]:
        return {d["path"]: d["content_hash"] for d in self._documents()}

    def counts(self) -> tuple[int, int]:
        return self.state.get("documents", 0), sum(self.state.get("counts", {}).values())

    # -- writes --------------------------------------------------------------------------

    @contextmanager
    def writer(self, model: str, dim: int, wait: float = 0.0) -> Iterator["MilvusWriter"]:
        """Exclusive write access to the library; the new generation is published only if the block completes."""
        from index.store.milvus.lease import Lease
        from index.store.milvus.writer import MilvusWriter

        lease = Lease(self.db, self.library, self.directory).acquire(wait)
        try:
            self.refresh()
            self.check_model(model)
            self.db.ensure(dim)
            w = MilvusWriter(self, lease, model, dim)
            w.sweep()
            yield w
            w.commit()
            with self._lock:
                self._load(self.db.get(state_key(self.library)))
        finally:
            lease.release()


def _passage(row: dict, library: str, first: bool = False) -> Passage:
    values = {k: (row[k] or None) if k in _OPTIONAL else row[k] for k in PASSAGE_FIELDS}
    values["id"] = values.pop("pid")
    return Passage(**values, library=library, first=first)


__all__ = ["ALIVE", "LANGS", "MilvusStore"]
