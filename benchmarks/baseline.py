"""A "tutorial RAG" baseline: what citebot has to beat.

Raw file text (HTML and all, as LangChain's TextLoader would give it), 500-character chunks with
50 overlap from a RecursiveCharacterTextSplitter look-alike, cosine top-5 over e5 embeddings,
and the top chunk as the answer. No parsing, no metadata, never abstains.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.types import Answer, AnswerSentence, Citation

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
TOP_K = 5
# LangChain's defaults plus the Japanese full stop, which a ja-aware tutorial adds.
SEPARATORS = ("\n\n", "\n", "。", ". ", " ", "")
_EMBED_BATCH = 32  # keeps one call's memory bounded on a large corpus

EmbedPassages = Callable[[list[str]], np.ndarray]
EmbedQuery = Callable[[str], np.ndarray]


def _split_keeping_separator(text: str, separator: str) -> list[str]:
    # LangChain's keep_separator=True glues each separator to the start of the piece after it.
    if separator == "":
        return list(text)
    parts = re.split(f"({re.escape(separator)})", text)
    pieces = [parts[0]] + [parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2)]
    return [p for p in pieces if p]


def _merge(splits: Sequence[str], size: int, overlap: int) -> list[str]:
    """Pack small pieces into chunks of at most `size`, carrying up to `overlap` chars forward."""
    chunks: list[str] = []
    current: list[str] = []
    total = 0
    for piece in splits:
        if total + len(piece) > size and current:
            chunks.append("".join(current))
            # Drop pieces from the front until what's left can serve as the overlap.
            while current and (total > overlap or total + len(piece) > size):
                total -= len(current[0])
                current.pop(0)
        current.append(piece)
        total += len(piece)
    if current:
        chunks.append("".join(current))
    return chunks


def _split(text: str, separators: Sequence[str], size: int, overlap: int) -> list[str]:
    separator, rest = separators[-1], ()
    for i, candidate in enumerate(separators):
        if candidate == "" or candidate in text:
            separator, rest = candidate, tuple(separators[i + 1:])
            break
    chunks: list[str] = []
    small: list[str] = []
    for piece in _split_keeping_separator(text, separator):
        if len(piece) < size:
            small.append(piece)
            continue
        if small:
            chunks.extend(_merge(small, size, overlap))
            small = []
        chunks.extend(_split(piece, rest, size, overlap) if rest else [piece])
    if small:
        chunks.extend(_merge(small, size, overlap))
    return chunks


def split_text(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """RecursiveCharacterTextSplitter-like chunks: stripped, none empty, none longer than `size`."""
    chunks = (c.strip() for c in _split(text, SEPARATORS, size, overlap))
    return [c for c in chunks if c]


@dataclass(frozen=True)
class Chunk:
    path: str
    title: str
    text: str


def load_chunks(corpus_dir: str | Path) -> list[Chunk]:
    """Every file under corpus_dir, read raw (HTML tags, scripts and all) and chunked."""
    root = Path(corpus_dir)
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    chunks = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        chunks.extend(Chunk(str(path), path.name, c) for c in split_text(text))
    return chunks


def _guess_lang(text: str) -> str:
    return "ja" if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text) else "en"


class BaselineRAG:
    def __init__(self, corpus_dir: str | Path, embed_passages: EmbedPassages, embed_query: EmbedQuery):
        self.chunks = load_chunks(corpus_dir)
        if not self.chunks:
            raise ValueError(f"{corpus_dir}: no text found to index")
        self._embed_query = embed_query
        texts = [c.text for c in self.chunks]
        batches = [embed_passages(texts[i:i + _EMBED_BATCH]) for i in range(0, len(texts), _EMBED_BATCH)]
        self.vectors = np.vstack([np.asarray(b, dtype=np.float32).reshape(len(b), -1) for b in batches])

    def search(self, question: str, k: int = TOP_K) -> list[tuple[Chunk, float]]:
        # Vectors are L2-normalised, so the dot product is the cosine.
        q = np.asarray(self._embed_query(question), dtype=np.float32).reshape(-1)
        scores = self.vectors @ q
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunks[i], float(scores[i])) for i in order]

    def ask(self, question: str) -> Answer:
        ranked = self.search(question)
        citations = tuple(
            Citation(n=n, passage=chunk.text, title=chunk.title, section=None, url=None, source=None,
                     source_url=None, published=None, path=chunk.path, score=s)
            for n, (chunk, s) in enumerate(ranked, start=1)
        )
        return Answer(
            question=question,
            sentences=(AnswerSentence(text=citations[0].passage, n=1),),
            citations=citations,
            abstained=False,
            lang=_guess_lang(question),
        )
