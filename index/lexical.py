"""BM25 over passages, stored as CSR postings in numpy arrays (memory-mappable)."""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

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

    @classmethod
    def build(cls, docs: Iterable[tuple[int, list[str]]]) -> "BM25":
        vocab: dict[str, int] = {}
        postings: list[list[tuple[int, int]]] = []
        ids: list[int] = []
        lengths: list[int] = []
        for row, (pid, toks) in enumerate(docs):
            ids.append(pid)
            lengths.append(len(toks))
            for term, tf in Counter(toks).items():
                t = vocab.setdefault(term, len(vocab))
                if t == len(postings):
                    postings.append([])
                postings[t].append((row, tf))
        indptr = np.zeros(len(postings) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(p) for p in postings])
        rows = np.fromiter((r for p in postings for r, _ in p), dtype=np.int32, count=int(indptr[-1]))
        tfs = np.fromiter((f for p in postings for _, f in p), dtype=np.float32, count=int(indptr[-1]))
        return cls(vocab, indptr, rows, tfs, np.asarray(lengths, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every row for the query terms (zeros where nothing matches)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        if not len(self.ids):
            return out
        norm = K1 * (1 - B + B * self.lengths / max(self.avg_len, 1e-9))
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
        return float(sum(self.idf[self.vocab[t]] for t in set(query) if t in self.vocab)) or 1.0

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
        def arr(name: str) -> np.ndarray:
            return np.load(directory / f"{stem}.{name}.npy", mmap_mode="r")

        vocab = json.loads((directory / f"{stem}.vocab.json").read_text(encoding="utf-8"))
        return cls(vocab, arr("indptr"), arr("rows"), arr("tfs"), np.asarray(arr("lengths")), np.asarray(arr("ids")))

    @staticmethod
    def files(directory: Path, stem: str) -> list[Path]:
        return [directory / f"{stem}.{n}.npy" for n in ("indptr", "rows", "tfs", "lengths", "ids")] + [
            directory / f"{stem}.vocab.json"
        ]


def _atomic_save_npy(path: Path, arr: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(arr))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
