"""Files -> Documents -> passages with vectors and terms -> a new index generation."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from index.store.calibration import embed_reference, estimate_lang_offsets
from index.ingest.chunking import VERSION as CHUNKING_VERSION, Chunk, chunk_document
from index.embedding import Embedder, SecondOpinion
from index.errors import LoadError
from index.text.language import detect_lang
from index.ingest.files import iter_article_files, read_article
from index.ingest.loaders import load_document
from index.store.database import LANGS, Store, Writer
from index.text.terms import terms
from index.types import Document, IngestReport, NewPassage

# Corpus passages embedded as queries to estimate the cross-language score offsets.
OFFSET_SAMPLES = 48
# Corpus passage vectors the offsets are averaged over: an even sample, enough for a mean.
OFFSET_PASSAGES = 20_000
# Texts (passages and sentences, across documents) sent to the embedder per call: big enough to
# keep its threads busy, small enough that a large corpus never sits in memory at once.
EMBED_BATCH = 64
# Sentences of an older index given their cross-lingual vectors per transaction, and the name
# their progress reports go by (an older index's first ingest may take minutes over them).
BACKFILL_BATCH = 512
BACKFILL = "cross-lingual vectors"

Progress = Callable[[str, int, int], None]  # (path, done, total)
log = logging.getLogger(__name__)


def ingest(store: Store, embedder: Embedder, paths: Iterable[Path], progress: Progress | None = None,
           wait: float = 0.0, drop: Iterable[str] = (), documents: Iterable[Document] = (),
           second: SecondOpinion | None = None) -> IngestReport:
    """Add new and changed files, skip unchanged ones, and drop files gone from the folders given
    (and the articles `drop` names). `documents` are articles loaded elsewhere (fetched pages), each
    keyed by its `path` (a page's URL): a new one is added, a changed one replaces the old. With
    `second`, every sentence also gets that model's vector, older sentences included."""
    paths = [Path(p) for p in paths]
    report = IngestReport()
    files: list[Path] = []
    for path, problem in iter_article_files(paths):
        if problem:
            report.skipped.append((str(path), problem))
        else:
            files.append(path)
    with store.writer(embedder.name, embedder.dim, wait=wait) as w:
        known = store.document_hashes()
        for doc_path in drop:
            if w.remove(doc_path):
                report.removed.append(doc_path)
                known.pop(doc_path, None)
        batch = _Batch(w, embedder, report, second)
        texts = {digest: path for path, digest in known.items()}
        for i, path in enumerate(files):
            if progress:
                progress(str(path), i, len(files))
            _ingest_file(batch, path, known, texts, report)
        for doc in documents:
            _ingest_document(batch, doc, known, report)
        batch.flush()
        if progress:
            progress("", len(files), len(files))
        seen = {str(p.resolve()) for p in files} | {p for p, _ in report.skipped}
        for root in (p.resolve() for p in paths if p.is_dir()):
            for doc_path in known:
                if doc_path not in seen and Path(doc_path).is_relative_to(root) and not Path(doc_path).exists():
                    w.remove(doc_path)
                    report.removed.append(doc_path)
        if w.changed:
            calibrate(w, embedder)
        if second is not None:
            backfill(w, second, progress)
    return report


def backfill(w: Writer, second: SecondOpinion, progress: Progress | None = None) -> None:
    """Give the sentences of an index built before the cross-lingual vectors theirs (about 500
    sentences a second on 2 cores: a minute and a half for a 10k-passage library), reporting
    progress as (BACKFILL, done, total)."""
    total = w.count_without_second()
    done = 0
    while rows := w.without_second(BACKFILL_BATCH):
        if progress:
            progress(BACKFILL, done, total)
        w.set_second(dict(zip((sid for sid, _ in rows), second.embed([text for _, text in rows]))))
        done += len(rows)
    if progress and total:
        progress(BACKFILL, total, total)


def remove(store: Store, embedder: Embedder, path: str) -> bool:
    with store.writer(embedder.name, embedder.dim) as w:
        removed = w.remove(path)
        if removed:
            calibrate(w, embedder)
    return removed


def rebuild(store: Store, embedder: Embedder) -> None:
    """Rewrite the search files from the database, e.g. after one was damaged."""
    with store.writer(embedder.name, embedder.dim) as w:
        w.rebuild()
        calibrate(w, embedder)


@dataclass
class _Pending:
    """A document waiting for its vectors: its chunks and the texts to embed for them."""

    doc: Document
    digest: str
    key: str
    updated: bool
    chunks: list[Chunk]
    texts: list[str]  # each chunk's embed text, then each of its sentences, chunk by chunk


class _Batch:
    """Documents whose texts are embedded together, EMBED_BATCH texts per call, then written in order."""

    def __init__(self, w: Writer, embedder: Embedder, report: IngestReport, second: SecondOpinion | None = None,
                 size: int = EMBED_BATCH):
        self.w, self.embedder, self.report, self.second, self.size = w, embedder, report, second, size
        self.pending: list[_Pending] = []
        self.n_texts = 0

    def add(self, item: _Pending) -> None:
        self.pending.append(item)
        self.n_texts += len(item.texts)
        if self.n_texts >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        texts = [t for item in self.pending for t in item.texts]
        vectors = self.embedder.embed_passages(texts)
        sentences = [sentence_texts(item.doc, item.chunks) for item in self.pending]
        second = self.second.embed([t for ts in sentences for t in ts]) if self.second is not None else None
        j = k = 0
        staged = []
        for item, ts in zip(self.pending, sentences):
            passages = _passages(item.doc, item.chunks, vectors[j:j + len(item.texts)],
                                 second[k:k + len(ts)] if second is not None else None)
            j += len(item.texts)
            k += len(ts)
            staged.append((item.doc, item.digest, passages))
            (self.report.updated if item.updated else self.report.added).append(item.key)
            self.report.passages += len(passages)
        self.w.put_many(staged)  # in file order, one transaction per batch
        self.pending, self.n_texts = [], 0


def _ingest_file(batch: _Batch, path: Path, known: dict[str, str], texts: dict[str, str],
                 report: IngestReport) -> None:
    """`texts` maps each indexed (or queued) file's digest to its path."""
    key = str(path.resolve())
    try:
        data = read_article(path)
        digest = hashlib.sha256(CHUNKING_VERSION.encode() + data).hexdigest()
        if known.get(key) == digest:
            report.unchanged.append(key)
            return
        # A copy of an indexed article (the same file saved in two folders) would answer every
        # question about it twice and push other articles' passages out of the best eight.
        if (same := texts.get(digest)) is not None and same != key and Path(same).exists():
            if key in known and batch.w.remove(key):
                report.removed.append(key)
            report.duplicates.append((str(path), same))
            return
        doc = load_document(path, data)
        chunks = chunk_document(doc)
    except LoadError as exc:
        report.skipped.append((str(path), exc.reason))
        return
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not cost the others their ingest
        log.warning("skipped %s: unexpected error while reading it", path, exc_info=True)
        report.skipped.append((str(path), f"unexpected error ({type(exc).__name__}: {_first_line(exc)})"))
        return
    if not chunks:
        report.skipped.append((str(path), "no text to index"))
        return
    texts[digest] = key
    batch.add(_Pending(doc, digest, key, key in known, chunks, embed_texts(doc, chunks)))


def _ingest_document(batch: _Batch, doc: Document, known: dict[str, str], report: IngestReport) -> None:
    digest = hashlib.sha256("\0".join(x or "" for x in (CHUNKING_VERSION, doc.title, doc.url, doc.published,
                                                        doc.outlet, doc.text))
                            .encode("utf-8")).hexdigest()
    if known.get(doc.path) == digest:
        report.unchanged.append(doc.path)
        return
    chunks = chunk_document(doc)
    if not chunks:
        report.skipped.append((doc.path, "no text to index"))
        return
    updated = doc.path in known
    known[doc.path] = digest  # the same page twice in one ingest is indexed once
    batch.add(_Pending(doc, digest, doc.path, updated, chunks, embed_texts(doc, chunks)))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "no message"


def passage_embed_text(title: str, section: str | None, text: str) -> str:
    """What the embedder sees for a passage: short passages need their article and section as context."""
    head = f"{title} / {section}" if section else title
    return f"{head}\n{text}"


def embed_texts(doc: Document, chunks: list[Chunk]) -> list[str]:
    """What the main model embeds for a document, chunk by chunk: the passage, then its sentences."""
    out = []
    for c in chunks:
        out.append(passage_embed_text(doc.title, c.block.section, doc.text[c.start:c.end]))
        out.extend(doc.text[s.start:s.end] for s in c.sentences)
    return out


def sentence_texts(doc: Document, chunks: list[Chunk]) -> list[str]:
    """What the second model embeds for a document: its sentences, chunk by chunk."""
    return [doc.text[s.start:s.end] for c in chunks for s in c.sentences]


def build_passages(doc: Document, embedder: Embedder) -> list[NewPassage]:
    """One document's passages with the main model's vectors (one embedder call)."""
    chunks = chunk_document(doc)
    if not chunks:
        return []
    return _passages(doc, chunks, embedder.embed_passages(embed_texts(doc, chunks)))


def _passages(doc: Document, chunks: list[Chunk], vectors, second=None) -> list[NewPassage]:
    """Chunks + their vectors, laid out as embed_texts lists them (and the sentences' vectors of
    the second model, sentence by sentence), -> passages to write."""
    out: list[NewPassage] = []
    j = n = 0
    for c in chunks:
        text = doc.text[c.start:c.end]
        vec = vectors[j]
        sents = [(s.start, s.end, vectors[j + 1 + k]) for k, s in enumerate(c.sentences)]
        others = tuple(second[n:n + len(c.sentences)]) if second is not None else ()
        j += 1 + len(c.sentences)
        n += len(c.sentences)
        b = c.block
        head = " ".join(x for x in (doc.title, b.section, b.source) if x)
        out.append(NewPassage(
            start=c.start, end=c.end, text=text, section=b.section, source=b.source, source_url=b.source_url,
            published=b.published or doc.published, lang=detect_lang(text, default=doc.lang),
            terms=terms(f"{head}\n{text}"), vector=vec, sentences=sents, second=others))
    return out


def calibrate(w: Writer, embedder: Embedder) -> None:
    """Give the new generation its language offsets and reference vectors, from its own passages."""
    samples = {lang: [(pid, t[:200]) for pid, t in w.sample_passages(lang, OFFSET_SAMPLES)] for lang in LANGS}
    w.reference = embed_reference(embedder)
    w.lang_offsets = estimate_lang_offsets(embedder, samples,
                                           {lang: w.passage_vectors(lang, OFFSET_PASSAGES) for lang in LANGS},
                                           w.reference)
