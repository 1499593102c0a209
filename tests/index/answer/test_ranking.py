"""Ranking: BM25 reorders passages within the question's language, never across languages."""
from index.answer.ranking import _within_language
from index.types import Hit, Passage


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
