"""Ranking: BM25 reorders passages within the question's language, never across languages; the question's names lift the passages that say them."""
import numpy as np

from index.answer.ranking import ARTICLE_NAME_WEIGHT, NAME_WEIGHT, _with_names, _within_language
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
