"""BM25 over passages, stored as CSR postings in numpy arrays (memory-mappable)."""
from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

import numpy as np

from index.errors import DamagedFile

K1 = 1.2
B = 0.75


class BM25:
    """Term -> postings (row positions, term frequencies), plus per-row lengths.

    Rows are positions 0..n-1; `ids[row]` is the passage id, so the index can be
    rebuilt without renumbering passages.
    """

    def __init__(self, vocab: dict[str, int], indptr: np.ndarray, rows: np.ndarray, tfs: np.ndarray,
                 lengths: np.ndarray, ids: np.ndarray):
        self.vocab = vocab
        self.indptr = indptr
        self.rows = rows
        self.tfs = tfs
        self.lengths = lengths
        self.ids = ids
        n = len(ids)
        self.avg_len = float(lengths.mean()) if n else 0.0
        df = np.diff(indptr).astype(np.float64)
        # The "+1" form of IDF keeps very common terms slightly positive instead of negative.
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)) if n else np.zeros(0)
        # The length normalisation of every row, computed once instead of per query.
        self.norm = (K1 * (1 - B + B * np.asarray(lengths, dtype=np.float32) / max(self.avg_len, 1e-9))
                     ).astype(np.float32)

    @classmethod
    def build(cls, docs: Iterable[tuple[int, list[str]]], chunk: int = 65536) -> "BM25":
        """Build from (passage id, terms) pairs, streamed: `docs` may be a database cursor.

        Rows are read `chunk` at a time; each chunk becomes sorted (term, row, tf) triples in
        numpy, so memory is a few bytes per posting rather than a Python object per term.
        """
        term_id = defaultdict(lambda: len(term_id))
        ids_parts: list[np.ndarray] = []
        len_parts: list[np.ndarray] = []
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        it = iter(docs)
        row0 = 0
        while batch := list(islice(it, chunk)):
            pids, lens, flat = [], [], []
            for pid, toks in batch:
                pids.append(pid)
                lens.append(len(toks))
                flat.extend(map(term_id.__getitem__, toks))
            lens_a = np.asarray(lens, dtype=np.int64)
            ids_parts.append(np.asarray(pids, dtype=np.int64))
            len_parts.append(lens_a.astype(np.float32))
            if flat:
                rows = np.repeat(np.arange(row0, row0 + len(batch), dtype=np.int64), lens_a)
                key = (np.asarray(flat, dtype=np.int64) << 32) | rows
                key, tf = np.unique(key, return_counts=True)  # sorted by term, then row
                parts.append(((key >> 32).astype(np.int32), (key & 0xFFFFFFFF).astype(np.int32),
                              tf.astype(np.float32)))
            row0 += len(batch)
        vocab = dict(term_id)
        if parts:
            terms_a = np.concatenate([p[0] for p in parts])
            # Chunks hold increasing rows, so a stable sort by term keeps each term's rows in order.
            order = np.argsort(terms_a, kind="stable") if len(parts) > 1 else np.arange(len(terms_a))
            rows_a = np.concatenate([p[1] for p in parts])[order]
            tfs_a = np.concatenate([p[2] for p in parts])[order]
            df = np.bincount(terms_a, minlength=len(vocab))
            del terms_a, order
        else:
            rows_a, tfs_a, df = np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(len(vocab), np.int64)
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(df)
        ids = np.concatenate(ids_parts) if ids_parts else np.zeros(0, np.int64)
        lengths = np.concatenate(len_parts) if len_parts else np.zeros(0, np.float32)
        return cls(vocab, indptr, rows_a, tfs_a, lengths, ids)

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every row for the query terms (zeros where nothing matches)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        if not len(self.ids):
            return out
        norm = self.norm
        for term in dict.fromkeys(query):
            t = self.vocab.get(term)
            if t is None:
                continue
            a, b = self.indptr[t], self.indptr[t + 1]
            rows, tf = self.rows[a:b], self.tfs[a:b]
            out[rows] += self.idf[t] * tf * (K1 + 1) / (tf + norm[rows])
        return out

    def ceiling(self, query: list[str]) -> float:
        """About the score of a passage that holds every query term once, at average length."""
        return math.fsum(float(self.idf[self.vocab[t]]) for t in set(query) if t in self.vocab) or 1.0

    def weights(self, query: list[str]) -> dict[str, float]:
        """IDF of each query term the corpus knows."""
        return {t: float(self.idf[self.vocab[t]]) for t in query if t in self.vocab}

    def top(self, query: list[str], n: int) -> list[tuple[int, float]]:
        """The n best-matching passages as (id, score scaled to 0..1), best first: scaled by what a
        passage matching every query term would score, so a weak match (one common word) earns
        little however it ranks among the others."""
        scores = self.scores(query)
        ceiling = self.ceiling(query)
        return [(int(self.ids[row]), min(1.0, float(scores[row]) / ceiling))
                for row in top_k(scores, n) if scores[row] > 0]

    def save(self, directory: Path, stem: str) -> list[Path]:
        """Write the arrays and vocabulary; each file goes through a temp name then rename."""
        paths = []
        for name, arr in (("indptr", self.indptr), ("rows", self.rows), ("tfs", self.tfs),
                          ("lengths", self.lengths), ("ids", self.ids)):
            p = directory / f"{stem}.{name}.npy"
            _atomic_save_npy(p, arr)
            paths.append(p)
        p = directory / f"{stem}.vocab.json"
        tmp = p.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, p)
        paths.append(p)
        return paths

    @classmethod
    def load(cls, directory: Path, stem: str) -> "BM25":
        """Map the arrays and read the vocabulary; DamagedFile names the first file that is
        missing, truncated or inconsistent with the others."""
        def read(name: str, reader):
            path = directory / f"{stem}.{name}"
            try:
                return path, reader(path)
            except (OSError, ValueError, EOFError) as exc:  # JSON and Unicode errors are ValueErrors
                raise DamagedFile(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc

        def arr(name: str):
            return read(f"{name}.npy", lambda p: np.load(p, mmap_mode="r", allow_pickle=False))

        vocab_path, vocab = read("vocab.json", lambda p: json.loads(p.read_text(encoding="utf-8")))
        (indptr_path, indptr), (rows_path, rows), (tfs_path, tfs) = arr("indptr"), arr("rows"), arr("tfs")
        (lengths_path, lengths), (ids_path, ids) = arr("lengths"), arr("ids")
        # Header-only checks: the shapes must agree, or scoring would index out of bounds.
        expect = [(vocab_path, isinstance(vocab, dict)),
                  (indptr_path, indptr.shape == (len(vocab) + 1,)),
                  (rows_path, rows.ndim == 1 and len(indptr) > 0 and rows.shape[0] == int(indptr[-1])),
                  (tfs_path, tfs.shape == rows.shape),
                  (ids_path, ids.ndim == 1),
                  (lengths_path, lengths.shape == ids.shape)]
        for path, ok in expect:
            if not ok:
                raise DamagedFile(path, f"does not match the other {stem} files")
        return cls(vocab, indptr, rows, tfs, np.asarray(lengths), np.asarray(ids))

    @staticmethod
    def files(directory: Path, stem: str) -> list[Path]:
        return [directory / f"{stem}.{n}.npy" for n in ("indptr", "rows", "tfs", "lengths", "ids")] + [
            directory / f"{stem}.vocab.json"
        ]


def top_k(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n highest scores, best first, without sorting every passage's score."""
    if len(scores) <= n:
        return np.argsort(-scores)
    top = np.argpartition(-scores, n)[:n]
    return top[np.argsort(-scores[top])]


def _atomic_save_npy(path: Path, arr: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(arr))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
