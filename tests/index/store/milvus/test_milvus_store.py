"""The Milvus store against a real milvus-lite server: the embedded store's answers, libraries, generations."""
import json
import threading

import pytest

from index.catalog import Catalog
from index.engine import Engine
from index.errors import IndexLocked, ModelMismatch, NoIndex
from index.evaluation import load_questions, score
from index.ingest.loaders import load_document
from index.store.milvus.client import MilvusDB
from index.store.milvus.store import state_key
from tests.paths import FIXTURES, REPO

DEV = REPO.parent / "shared" / "eval" / "dev"


class CachedEmbedder:
    """The real model, each text embedded once per test module: both stores get the same vectors."""

    def __init__(self, embedder) -> None:
        self.inner, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.cache: dict[tuple[bool, str], object] = {}

    def _embed(self, texts, query: bool):
        todo = [t for t in dict.fromkeys(texts) if (query, t) not in self.cache]
        if todo:
            fn = self.inner.embed_queries if query else self.inner.embed_passages
            self.cache.update(((query, t), v) for t, v in zip(todo, fn(todo)))
        import numpy as np

        return np.stack([self.cache[(query, t)] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts):
        return self._embed(list(texts), False)

    def embed_queries(self, texts):
        return self._embed(list(texts), True)


@pytest.fixture(scope="module")
def cached(embedder):
    return CachedEmbedder(embedder)


def _open(settings, library, embedder, create=True) -> Engine:
    return Engine.open("/nonexistent", embedder=embedder, settings=settings, library=library, create=create)


@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/eval/dev beside the repository")
def test_dev_set_answers_match_the_embedded_store(tmp_path, milvus_settings, library, cached):
    """On the dev set, the Milvus store's hit@5 is within one question of the embedded store's (it has no second-model vectors, which the source list's order reads) and every citation is an article's text verbatim."""
    questions = load_questions(DEV / "questions.jsonl")
    embedded = Engine.open(tmp_path / "index", embedder=cached)
    embedded.ingest([DEV / "corpus"])
    milvus = _open(milvus_settings, library, cached)
    report = milvus.ingest([DEV / "corpus"])
    assert not report.skipped and report.passages == embedded.stats()["passages"]
    results = {}
    # What an article says, as its loader read it: a citation must be a run of it, verbatim.
    texts = {str(p.resolve()): load_document(p, p.read_bytes()).text for p in (DEV / "corpus").iterdir()}
    for name, engine in (("embedded", embedded), ("milvus", milvus)):
        answers = [engine.ask(q.question) for q in questions]
        results[name] = score(questions, answers).overall.value("hit@5")
        for a in answers:
            for c in a.citations:
                # Joined passages of one section are separated by a line break (or "…" for a gap).
                for line in c.passage.split("\n"):
                    assert line == "…" or line in texts[c.path], line[:80]
    assert abs(results["milvus"] - results["embedded"]) <= 1 / sum(q.answerable for q in questions) + 1e-9, results


def test_libraries_never_mix(tmp_path, milvus_settings, cached):
    """Through the Catalog on Milvus, a question in (guild-1, shared) cites those libraries only; /sources lists only theirs."""
    catalog = Catalog(tmp_path / "unused", settings=milvus_settings, embedder=cached)
    suffix = tmp_path.name[-12:].replace("_", "-")
    shared, mine, other = f"shared-{suffix}", f"guild-1-{suffix}", f"guild-2-{suffix}"
    for lib, name in ((shared, "kawane_railway_ja.txt"), (mine, "riverside_library_en.md"),
                      (other, "shiomi_ferry_ja.txt")):
        report = catalog.ingest([FIXTURES / "bot_corpus" / name], library=lib)
        assert report.added
    both = (mine, shared)
    library = catalog.ask("When did the Riverside library reopen?", libraries=both)
    assert not library.abstained and library.citations[0].library == mine
    ferry = catalog.ask("潮見港の電動フェリーはいつ就航しましたか？", libraries=both)
    assert all(c.library in both and "フェリー" not in c.title for c in ferry.citations)
    assert all(c.library in both for c in catalog.cite("潮見港に電動フェリーが就航した", libraries=both))
    assert {s.library for s in catalog.sources(both)} == set(both)
    assert [s.library for s in catalog.sources((other,))] == [other]
    assert catalog.ask("When did the Riverside library reopen?", libraries=(f"nobody-{suffix}",)).abstained


def test_another_process_sees_a_new_generation_on_its_next_question(tmp_path, milvus_settings, library, cached):
    """A reader with its own connection answers from the new articles on its next question after another writer publishes."""
    writer = _open(milvus_settings, library, cached)
    writer.ingest([FIXTURES / "bot_corpus" / "kawane_railway_ja.txt"])
    reader_db = MilvusDB(milvus_settings.milvus_uri)  # not the shared connection: as another process has
    from index.store.milvus.store import MilvusStore

    reader = Engine(MilvusStore.open(reader_db, library, create=False), cached)
    question = "When did the Riverside library reopen?"
    assert all("Riverside" not in c.title for c in reader.ask(question).citations)
    writer.ingest([FIXTURES / "bot_corpus" / "riverside_library_en.md"])
    answer = reader.ask(question)
    assert not answer.abstained and "Riverside" in answer.citations[0].title
    writer.remove(str((FIXTURES / "bot_corpus" / "riverside_library_en.md").resolve()))
    assert all("Riverside" not in c.title for c in reader.ask(question).citations)
    assert reader.stats()["articles"] == 1


def test_changed_article_replaces_its_old_passages(tmp_path, milvus_settings, library, cached):
    """Re-ingesting a changed file leaves one copy of the article, with the new text only."""
    path = tmp_path / "note.txt"
    path.write_text("島の図書館\n\n島の図書館は毎週月曜日に休館します。\n", encoding="utf-8")
    engine = _open(milvus_settings, library, cached)
    engine.ingest([path])
    path.write_text("島の図書館\n\n島の図書館は毎週火曜日に休館します。\n", encoding="utf-8")
    report = engine.ingest([path])
    assert report.updated == [str(path.resolve())]
    assert [s.passages for s in engine.sources()] == [1]
    answer = engine.ask("島の図書館は何曜日に休館しますか？")
    assert "火曜日" in answer.citations[0].passage and all("月曜日" not in c.passage for c in answer.citations)


def test_rebuild_reweighs_every_passage_with_the_current_average_length(tmp_path, milvus_settings, library, cached):
    """`ingest --rebuild` on Milvus rewrites each passage's sparse BM25 vector with the library's current average length."""
    from index.store.milvus.client import passages_collection
    from index.store.milvus.lexical import passage_vector

    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text("島の灯台\n\n島の灯台は白い。\n", encoding="utf-8")
    long.write_text("港の市場\n\n" + "港の市場では朝から魚や野菜が売られ、観光客も地元の人も大勢訪れる。" * 6 + "\n",
                    encoding="utf-8")
    engine = _open(milvus_settings, library, cached)
    engine.ingest([short])
    engine.ingest([long])
    db, collection = engine.store.db, passages_collection(cached.dim)

    def sparse_of_short() -> dict:
        (row,) = db.query(collection, f'library == "{library}" and doc_path == "{short.resolve()}"', ["sparse", "terms"])
        return row

    before = sparse_of_short()
    engine.rebuild()
    after = sparse_of_short()
    expected = passage_vector(after["terms"].split("\x1f"), engine.store.snapshot.lexical.stats.avg_len)
    assert after["sparse"] != before["sparse"]
    assert after["sparse"].keys() == expected.keys()
    assert all(abs(after["sparse"][k] - v) < 1e-5 for k, v in expected.items())


def test_a_library_of_another_model_is_refused(milvus_settings, library, cached, embedder):
    """A library built by one model refuses questions embedded by another, naming both."""
    _open(milvus_settings, library, cached).ingest([FIXTURES / "bot_corpus" / "kawane_railway_ja.txt"])

    class Other(CachedEmbedder):
        pass

    other = Other(embedder)
    other.name = "another/model"
    with pytest.raises(ModelMismatch) as caught:
        _open(milvus_settings, library, other)
    assert caught.value.index_model == embedder.name and caught.value.asked_model == "another/model"


def test_an_unknown_library_is_no_index_without_create(milvus_settings, library, cached):
    """Opening a library nobody has written to, without create, says it holds no articles."""
    with pytest.raises(NoIndex):
        _open(milvus_settings, library, cached, create=False)


def test_a_second_writer_waits_or_is_refused(milvus_settings, library, cached):
    """While one writer holds a library's lease, another in any process is refused with IndexLocked."""
    engine = _open(milvus_settings, library, cached)
    store = engine.store
    entered, leave = threading.Event(), threading.Event()

    def hold():
        with store.writer(cached.name, cached.dim):
            entered.set()
            leave.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(30)
        other = _open(milvus_settings, library, cached)
        with pytest.raises(IndexLocked):
            other.ingest([FIXTURES / "bot_corpus" / "kawane_railway_ja.txt"])
        lock = json.loads(store.db.get(f"{library}/lock"))
        assert lock["pid"] and lock["expires"]
    finally:
        leave.set()
        holder.join()
    assert store.db.get(f"{library}/lock") is None
    _open(milvus_settings, library, cached).ingest([FIXTURES / "bot_corpus" / "kawane_railway_ja.txt"])
    assert json.loads(store.db.get(state_key(library)))["documents"] == 1


def test_the_first_passage_of_an_article_is_marked_in_the_current_generation(tmp_path, milvus_settings, library, cached):
    """As in the embedded store, Passage.first marks only an article's opening passage, and follows a changed article."""
    body = "".join(f"港町の第{i}回の祭りでは、{i}番目の山車が通りを進み、見物客が沿道を埋めた。" for i in range(1, 31))
    path = tmp_path / "festival.txt"
    path.write_text(f"港町の祭り\n\n{body}\n", encoding="utf-8")
    engine = _open(milvus_settings, library, cached)
    engine.ingest([path])

    def passages():
        hits = engine.searcher.candidates(engine.searcher.query("港町の祭りの山車")).hits
        return sorted((h.passage for h in hits), key=lambda p: p.start)

    before = passages()
    assert len(before) >= 3 and [p.first for p in before] == [True] + [False] * (len(before) - 1)
    path.write_text(f"港町の祭り、今年も盛大に開かれる\n\n前書きの一文がここに入った。{body}\n", encoding="utf-8")
    engine.ingest([path])
    after = passages()
    assert after[0].start != before[0].start and [p.first for p in after] == [True] + [False] * (len(after) - 1)
