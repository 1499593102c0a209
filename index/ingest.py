"""Files -> Documents -> passages with vectors and terms -> a new index generation."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from .chunking import chunk_document
from .embedding import Embedder
from .errors import LoadError
from .language import detect_lang
from .loaders import iter_article_files, load_document, read_article
from .calibration import estimate_lang_offsets
from .search import passage_embed_text
from .store import LANGS, NewPassage, Store, Writer
from .tokenize import terms
from .types import Document, IngestReport

# Corpus passages embedded as queries to estimate the cross-language score offsets.
OFFSET_SAMPLES = 48

Progress = Callable[[str, int, int], None]  # (path, done, total)


def ingest(store: Store, embedder: Embedder, paths: Iterable[Path], progress: Progress | None = None,
           wait: float = 0.0) -> IngestReport:
    """Add new and changed files, skip unchanged ones, and drop files gone from the folders given."""
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
        for i, path in enumerate(files):
            if progress:
                progress(str(path), i, len(files))
            _ingest_file(w, embedder, path, known, report)
        if progress:
            progress("", len(files), len(files))
        seen = {str(p.resolve()) for p in files} | {p for p, _ in report.skipped}
        for root in (p.resolve() for p in paths if p.is_dir()):
            for doc_path in known:
                if doc_path not in seen and Path(doc_path).is_relative_to(root) and not Path(doc_path).exists():
                    w.remove(doc_path)
                    report.removed.append(doc_path)
        if w.changed:
            w.lang_offsets = _lang_offsets(w, embedder)
    return report


def remove(store: Store, embedder: Embedder, path: str) -> bool:
    with store.writer(embedder.name, embedder.dim) as w:
        removed = w.remove(path)
        if removed:
            w.lang_offsets = _lang_offsets(w, embedder)
    return removed


def rebuild(store: Store, embedder: Embedder) -> None:
    """Rewrite the search files from the database, e.g. after one was damaged."""
    with store.writer(embedder.name, embedder.dim) as w:
        w.rebuild()
        w.lang_offsets = _lang_offsets(w, embedder)


def _ingest_file(w: Writer, embedder: Embedder, path: Path, known: dict[str, str], report: IngestReport) -> None:
    key = str(path.resolve())
    try:
        data = read_article(path)
        digest = hashlib.sha256(data).hexdigest()
        if known.get(key) == digest:
            report.unchanged.append(key)
            return
        doc = load_document(path, data)
    except LoadError as exc:
        report.skipped.append((str(path), exc.reason))
        return
    passages = build_passages(doc, embedder)
    if not passages:
        report.skipped.append((str(path), "no text to index"))
        return
    w.put(doc, digest, passages)
    (report.updated if key in known else report.added).append(key)
    report.passages += len(passages)


def build_passages(doc: Document, embedder: Embedder) -> list[NewPassage]:
    chunks = chunk_document(doc)
    if not chunks:
        return []
    texts = [doc.text[c.start:c.end] for c in chunks]
    vectors = embedder.embed_passages(
        [passage_embed_text(doc.title, c.block.section, t) for c, t in zip(chunks, texts)])
    sentence_spans = [s for c in chunks for s in c.sentences]
    sentence_vecs = embedder.embed_passages([doc.text[s.start:s.end] for s in sentence_spans])
    out: list[NewPassage] = []
    j = 0
    for c, text, vec in zip(chunks, texts, vectors):
        sents = [(s.start, s.end, sentence_vecs[j + k]) for k, s in enumerate(c.sentences)]
        j += len(c.sentences)
        b = c.block
        head = " ".join(x for x in (doc.title, b.section, b.source) if x)
        out.append(NewPassage(
            start=c.start, end=c.end, text=text, section=b.section, source=b.source, source_url=b.source_url,
            published=b.published or doc.published, lang=detect_lang(text, default=doc.lang),
            terms=terms(f"{head}\n{text}"), vector=vec, sentences=sents))
    return out


def _lang_offsets(w: Writer, embedder: Embedder) -> dict[str, float]:
    samples = {lang: [(pid, t[:200]) for pid, t in w.sample_passages(lang, OFFSET_SAMPLES)] for lang in LANGS}
    return estimate_lang_offsets(embedder, samples, {lang: w.passage_vectors(lang) for lang in LANGS})
