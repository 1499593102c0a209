"""Ranking: BM25 reorders passages within the question's language, never across languages; the question's names lift the passages that say them; the glossary lifts the other language's passage that says more of the question."""
import numpy as np

from index.answer.ranking import (ARTICLE_NAME_WEIGHT, GLOSSARY_WEIGHT, NAME_WEIGHT, _across_languages, _with_names,
                                  _within_language)
from index.types import Hit, Passage, Query


def _hit(pid, lang, dense, lexical):
    p = Passage(pid, f"/{pid}.txt", "text", 0, 4, "t", None, None, None, None, None, lang)
    return Hit(p, dense + 0.05 * lexical, dense=dense, lexical=lexical)


def test_lexical_matches_cannot_lift_a_language_over_the_other():
    """A same-language word match reorders that language's passages but keeps the other language's best on top."""
    ja_best = _hit(1, "ja", 0.10, 0.0)
    en_a = _hit(2, "en", 0.09, 0.0)
    en_b = _hit(3, "en", 0.08, 1.0)  # fused 0.13: above ja_best without the rule
    ranked = sorted(_within_language([ja_best, en_a, en_b], "en"), key=lambda h: -h.score)
    assert [h.passage.id for h in ranked] == [1, 3, 2]
    assert [round(h.score, 2) for h in ranked] == [0.10, 0.09, 0.08]


def test_a_passage_saying_the_questions_name_is_lifted_over_its_neighbour_on_the_same_theme():
    """Of two Japanese passages on a fishing port's typhoon damage, the one naming "Shiomi" (潮見) gains both lifts."""
    q = Query("How many boats sank in Shiomi?", "en", np.zeros(3), ["boat", "sank", "shiomi"])
    named = Hit(Passage(1, "/1.txt", "潮見漁港では漁船23隻が沈没した。", 0, 16, "t", None, None, None, None, None, "ja"), 0.100)
    other = Hit(Passage(2, "/2.txt", "神楽漁港では漁船30隻が沈没した。", 0, 16, "t", None, None, None, None, None, "ja"), 0.105)
    lifted = {h.passage.id: h.score for h in _with_names([named, other], q)}
    assert lifted == {1: 0.100 + NAME_WEIGHT + ARTICLE_NAME_WEIGHT, 2: 0.105}
    assert _with_names([named, other], Query("how many boats sank?", "en", np.zeros(3), ["boat", "sank"])) == [named, other]


def test_a_passage_whose_article_names_the_question_s_name_is_lifted_though_it_does_not():
    """The second passage of the Shiomi article, which never repeats the name, gains the article's lift; the other port's does not."""
    q = Query("How many boats sank in Shiomi?", "en", np.zeros(3), ["boat", "sank", "shiomi"])
    lead = Hit(Passage(1, "/shiomi.txt", "潮見漁港を台風が襲った。", 0, 12, "t", None, None, None, None, None, "ja"), 0.090)
    later = Hit(Passage(2, "/shiomi.txt", "漁船23隻が沈没した。", 12, 22, "t", None, None, None, None, None, "ja"), 0.100)
    other = Hit(Passage(3, "/kagura.txt", "漁船30隻が沈没した。", 0, 10, "t", None, None, None, None, None, "ja"), 0.105)
    lifted = {h.passage.id: h.score for h in _with_names([lead, later, other], q)}
    assert lifted[2] == 0.100 + ARTICLE_NAME_WEIGHT and lifted[3] == 0.105
    assert lifted[2] > lifted[3]


_BRIDGE_Q = Query("How much is the toll for residents to cross the bridge?", "en", np.zeros(3), ["toll", "resident", "cross", "bridge"])
_WEIGHTS = {"toll": 2.0, "resident": 1.0, "cross": 1.0, "bridge": 1.0}


def test_an_other_language_passage_saying_more_of_the_question_is_lifted_over_its_twin():
    """The Japanese passage giving the bridge toll (通行料, 橋, 渡る) passes the English twin that only says "bridge"."""
    twin = Hit(Passage(1, "/bridge_en.txt", "The bridge opened to traffic on Saturday.", 0, 41, "t", None, None, None, None, None, "en"), 0.100)
    toll = Hit(Passage(2, "/bridge_ja.txt", "島民が橋を渡る通行料は1回200円に据え置かれる。", 0, 25, "t", None, None, None, None, None, "ja"), 0.090)
    lifted = {h.passage.id: h for h in _across_languages([twin, toll], _BRIDGE_Q, _WEIGHTS)}
    # said through the glossary: toll, cross, bridge (4 of 5 by weight); the twin says bridge (1 of 5)
    assert lifted[1] == twin
    assert abs(lifted[2].score - 0.090 - GLOSSARY_WEIGHT * (4 / 5 - 1 / 5)) < 1e-9
    assert lifted[2].score > lifted[1].score


def test_an_other_language_passage_saying_no_more_than_the_question_s_own_is_left_alone():
    """When a passage in the question's language says the question's words as well, the other language gains nothing."""
    own = Hit(Passage(1, "/bridge_en.txt", "Residents pay a toll of 200 yen to cross the bridge.", 0, 52, "t", None, None, None, None, None, "en"), 0.100)
    toll = Hit(Passage(2, "/bridge_ja.txt", "島民が橋を渡る通行料は1回200円に据え置かれる。", 0, 25, "t", None, None, None, None, None, "ja"), 0.090)
    assert _across_languages([own, toll], _BRIDGE_Q, _WEIGHTS) == [own, toll]


def test_the_ranking_keeps_the_order_before_the_lift_for_the_refusal_rules(tmp_path, embedder):
    """An English question about a bridge toll only a Japanese article gives: the lifted ranking, and beside it the unlifted one with its probabilities."""
    from index.engine import Engine

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "bridge_en.txt").write_text(
        "Shiogiri Bridge opens to traffic\nURL: https://news.example.com/bridge\nDate: 2026-03-01\n\n"
        "The Shiogiri Bridge opened to traffic on Saturday after six years of work. The mayor cut the ribbon "
        "and a brass band played as the first cars crossed to the island.\n", encoding="utf-8")
    (folder / "bridge_ja.txt").write_text(
        "潮霧大橋の通行料\nURL: https://news.example.jp/bridge\nDate: 2026-03-02\n\n"
        "潮霧大橋の通行料は普通車1回500円と決まった。島民が橋を渡る通行料は1回200円に据え置かれる。\n", encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([folder])
    q = eng.searcher.query("How much is the toll for residents to cross the bridge?")
    ranking = eng.searcher.rank(q, k=8)
    assert ranking.ruled is not None and all(h.likely is not None for h in ranking.ruled)
    ja = next(h for h in ranking.hits if h.passage.lang == "ja")
    before = next(h for h in ranking.ruled if h.passage.id == ja.passage.id)
    assert ja.score > before.score
    assert ranking.hits[0].passage.lang == "ja"
    assert eng.searcher.rank(eng.searcher.query("When did the Shiogiri Bridge open?"), k=8).ruled is None
