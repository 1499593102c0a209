"""The passage order model: which candidates the source list shows first; the answer's own order untouched."""
import numpy as np

from index.answer import placing
from index.answer.logistic import LogisticModel, load
from index.answer.placing import FEATURES, MODEL_PATH, place, placings
from index.text.terms import query_terms
from index.types import Hit, Passage, Query, Ranking, Sentence


def _hit(pid: int, text: str, score: float, lang: str = "en", doc: str | None = None) -> Hit:
    p = Passage(id=pid, doc_path=doc or f"/a{pid}.txt", text=text, start=0, end=len(text), title="Harbour news",
                section=None, url=None, source=None, source_url=None, published=None, lang=lang)
    return Hit(p, score, dense=score)


def _ranking(hits: list[Hit]) -> Ranking:
    sentences = {h.passage.id: [(Sentence(h.passage.id, 0, len(h.passage.text), np.zeros(4, np.float32)), h.dense)]
                 for h in hits}
    weights = {t: 1.0 for h in hits for t in query_terms(h.passage.text)}
    return Ranking(hits, sentences, weights, None, lambda lang: np.zeros((1, 4), np.float32))


def _model(**weights: float) -> LogisticModel:
    """A model that reads only the named features (raw values, no scaling)."""
    coef = np.array([weights.get(f, 0.0) for f in FEATURES])
    return LogisticModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), coef, 0.0)


QUESTION = Query("How much did the new ferry cost?", "en", np.zeros(4, np.float32),
                 query_terms("How much did the new ferry cost?"))
LEAD = _hit(1, "The harbour town celebrated its new ferry on Sunday.", 0.30)
AMOUNT = _hit(2, "The ferry cost 1.2 billion yen, paid by the prefecture.", 0.28)
AWAY = _hit(3, "Fishing boats left early because of the wind.", 0.20)


def test_sources_in_the_model_order_answer_in_the_fused_order():
    """The likeliest passage leads the source list; the answer still reads the fused order, each hit scored by the model."""
    ranking = place(QUESTION, _ranking([LEAD, AMOUNT, AWAY]), 3, _model(gives=5.0))
    assert [h.passage.id for h in ranking.sources] == [2, 1, 3]
    assert [h.passage.id for h in ranking.hits] == [1, 2, 3]
    assert [h.score for h in ranking.hits] == [0.30, 0.28, 0.20]
    assert ranking.hits[1].likely > ranking.hits[0].likely
    assert ranking.sources[0] is ranking.hits[1]


def test_cut_to_k_after_the_order():
    """The source list keeps the model's k best, so a passage from below the answer's k can be listed."""
    ranking = place(QUESTION, _ranking([LEAD, AWAY, AMOUNT]), 1, _model(gives=5.0))
    assert [h.passage.id for h in ranking.sources] == [2]
    assert [h.passage.id for h in ranking.hits] == [1]


def test_fused_order_without_a_model(monkeypatch):
    """With no fitted model at hand the sources are the fused order too."""
    monkeypatch.setattr(placing, "load", lambda *a: None)
    ranking = place(QUESTION, _ranking([LEAD, AMOUNT, AWAY]), 2)
    assert ranking.placed is None
    assert [h.passage.id for h in ranking.sources] == [1, 2]


def test_what_the_model_reads():
    """A candidate's features: its gap to the best, the type asked given, the question's words it says, a later passage of the best's article."""
    same_doc = _hit(4, "Tickets for the ferry cost 500 yen.", 0.25, doc=LEAD.passage.doc_path)
    rows = placings(QUESTION, _ranking([LEAD, AMOUNT, same_doc]))
    assert rows[0].gap == 0.0 and rows[1].gap == np.float64(0.30) - 0.28
    assert (rows[0].gives, rows[1].gives) == (0.0, 1.0)
    assert rows[1].cover > 0 and rows[2].cover > 0
    assert (rows[1].same_article, rows[2].same_article) == (0.0, 1.0)
    assert rows[0].second == rows[0].second_z == 0.0  # no second-model vectors in this index


def test_committed_model_matches_the_features():
    """The committed weights were fitted on these features, so the ranking uses them."""
    assert load(MODEL_PATH, FEATURES) is not None


def test_engine_lists_related_sources_in_the_model_order(tmp_path, embedder):
    """End to end: the answer's related entries come in the passage model's order, its cited ones first."""
    from index.engine import Engine

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ferry_en.txt").write_text(
        "New ferry for Kanamura\n\nThe new Kanamura ferry cost 1.2 billion yen. It carries 300 passengers.\n\n"
        "The old ferry retired after forty years of service.\n", encoding="utf-8")
    (folder / "ferry_ja.txt").write_text(
        "金村に新しいフェリー\n\n金村町の新しいフェリーは建造費12億円で、定員は300人。\n\n古い船は40年間使われた。\n", encoding="utf-8")
    (folder / "bus_en.txt").write_text(
        "Kanamura buses\n\nBuses to the Kanamura ferry pier run every hour from the station.\n", encoding="utf-8")
    engine = Engine.open(tmp_path / "index", embedder=embedder)
    engine.ingest([folder])
    question = "How much did the new Kanamura ferry cost?"
    answer = engine.ask(question)
    ranking = engine.searcher.rank(engine.searcher.query(question), k=8)
    engine.close()
    assert ranking.placed is not None and not answer.abstained
    related = [c.path for c in answer.citations if c.role == "related"]
    cited = {c.path for c in answer.citations if c.role == "cited"}
    in_model_order = list(dict.fromkeys(h.passage.doc_path for h in ranking.sources if h.passage.doc_path not in cited))
    assert related == in_model_order[:len(related)]
