"""Dense search files: one FAISS index per language and generation, exact while small.

Exact inner product (IndexFlatIP) up to the ANN threshold (CITEBOT_ANN_THRESHOLD) vectors per
language; past it an inverted file over float16 vectors (IndexIVFScalarQuantizer, QT_fp16) with
nlist ~ 4*sqrt(n) lists, each search scanning nlist/8 of them: recall@10 0.991 of exact search at
1M passages, at a fraction of its cost and half its memory (README, Measured, has the figures).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from index.errors import IndexCorrupt

IVF_LISTS_PER_SQRT_N = 4
IVF_PROBE_SHARE = 8  # nprobe = nlist // IVF_PROBE_SHARE (at least 8 lists)
IVF_TRAIN_PER_LIST = 40  # k-means training sample: vectors per list


def ivf_lists(n: int) -> int:
    return max(1, min(int(IVF_LISTS_PER_SQRT_N * n ** 0.5), n // 39))


def ivf_nprobe(nlist: int, override: int | None = None) -> int:
    """Lists a search scans (CITEBOT_IVF_NPROBE overrides): recall@10 >= 0.95 needs about an eighth."""
    return min(nlist, override or max(8, nlist // IVF_PROBE_SHARE))




def new_dense_index(dim: int, n: int, threshold: int, nprobe: int | None):
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


class DenseIndexes(Mapping):
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
                    index = self._loaded[lang] = read_faiss(path, self._directory, self._nprobe)
        return index

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def load(self) -> None:
        for lang in self._paths:
            self[lang]


def write_faiss(index, path: Path) -> None:
    import faiss

    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_faiss(path: Path, directory: Path, nprobe: int | None):
    import faiss

    # One query at a time gains nothing from OpenMP, and its spinning threads fight the
    # embedder's own pool for the same cores.
    faiss.omp_set_num_threads(1)
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexCorrupt(path, str(exc).splitlines()[0], directory, "rebuild") from exc
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        # The search-time breadth is a reader's setting: recall@10 >= 0.95 needs about nlist/8.
        ivf.nprobe = ivf_nprobe(ivf.nlist, nprobe)
    return index
