"""Baselines: what citebot has to beat.

BaselineRAG, the "tutorial RAG": raw file text (HTML and all, as LangChain's TextLoader would give
it), 500-character chunks with 50 overlap from a RecursiveCharacterTextSplitter look-alike, cosine
top-5 over e5 embeddings, and the top chunk as the answer. No parsing, no metadata, never abstains.

BM25Baseline: the same chunks ranked by plain BM25 (k1=1.2, b=0.75) over Sudachi terms
(index.text.terms); the answer is the top chunk's first sentence holding the most distinct query
terms. No embeddings, never abstains.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.text.terms import terms
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


# ---------------------------------------------------------------- BM25

BM25_K1 = 1.2
BM25_B = 0.75
# A sentence ends after 。！？!? (plus closing quotes), after a word's "." before a space, or at a line break.
_BOUNDARY = re.compile(r"[。！？!?]+[」』）)\"”’]*|(?<=\w)\.(?=\s)|\n")


def split_sentences(text: str) -> list[str]:
    """The chunk's sentences, stripped, each a verbatim substring of `text`."""
    pieces, start = [], 0
    for m in _BOUNDARY.finditer(text):
        pieces.append(text[start:m.end()])
        start = m.end()
    pieces.append(text[start:])
    return [s.strip() for s in pieces if s.strip()]


class BM25Baseline:
    """Okapi BM25 over the baseline's chunks; Lucene's idf, log(1 + (N - df + 0.5) / (df + 0.5))."""

    def __init__(self, corpus_dir: str | Path, k1: float = BM25_K1, b: float = BM25_B):
        self.chunks = load_chunks(corpus_dir)
        if not self.chunks:
            raise ValueError(f"{corpus_dir}: no text found to index")
        self.k1, self.b = k1, b
        postings: dict[str, dict[int, int]] = {}
        lengths = np.zeros(len(self.chunks), dtype=np.float32)
        for i, chunk in enumerate(self.chunks):
            chunk_terms = terms(chunk.text)
            lengths[i] = len(chunk_terms)
            for t in chunk_terms:
                row = postings.setdefault(t, {})
                row[i] = row.get(i, 0) + 1
        n = len(self.chunks)
        avgdl = float(lengths.mean()) or 1.0
        # Per chunk, the part of the BM25 denominator that doesn't depend on tf.
        self._norm = (k1 * (1 - b + b * lengths / avgdl)).astype(np.float32)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        for t, row in postings.items():
            ids = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            tfs = np.fromiter(row.values(), dtype=np.float32, count=len(row))
            idf = float(np.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5)))
            self._postings[t] = (ids, tfs, idf)

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(self.chunks), dtype=np.float32)
        for t in query_terms:
            if t not in self._postings:
                continue
            ids, tfs, idf = self._postings[t]
            out[ids] += idf * tfs * (self.k1 + 1) / (tfs + self._norm[ids])
        return out

    def search(self, question: str, k: int = TOP_K) -> list[tuple[Chunk, float]]:
        scores = self.scores(list(dict.fromkeys(terms(question))))
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunks[i], float(scores[i])) for i in order]

    def ask(self, question: str) -> Answer:
        wanted = set(terms(question))
        ranked = self.search(question)
        citations = tuple(
            Citation(n=n, passage=chunk.text, title=chunk.title, section=None, url=None, source=None,
                     source_url=None, published=None, path=chunk.path, score=s)
            for n, (chunk, s) in enumerate(ranked, start=1)
        )
        top = citations[0].passage
        sentences = split_sentences(top) or [top]
        # max() keeps the first of equals: the earliest sentence with the most query terms.
        best = max(sentences, key=lambda s: len(wanted.intersection(terms(s))))
        return Answer(
            question=question,
            sentences=(AnswerSentence(text=best, n=1),),
            citations=citations,
            abstained=False,
            lang=_guess_lang(question),
        )
