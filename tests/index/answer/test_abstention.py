"""The abstention model: the committed weights load with their operating point, and a question the
library plainly does not hold is declined while a well-grounded one is not."""
from dataclasses import replace

from index.answer import abstention
from index.answer.logistic import load
from index.types import Grounds

GROUNDED = Grounds(top_score=0.12, top_gap=0.03, top_lexical=0.9, unknown_share=0.0, unknown_name=0.0,
                   unknown_meant=abstention.ALL_MEANT, other_language=0.0, any_unknown=0.0,
                   articles=0.4, likeliest=0.8)
# About an article the library does not hold: a weak best passage, and names it never uses.
ELSEWHERE = Grounds(top_score=0.04, top_gap=0.002, top_lexical=0.2, unknown_share=0.6, unknown_name=1.0,
                    unknown_meant=0.5, other_language=0.0, any_unknown=1.0, articles=1.0, likeliest=0.05)


def test_committed_model_matches_the_grounds_and_has_an_operating_point():
    """abstention.json names exactly the Grounds fields and carries the operating point fitted with it."""
    model = load(abstention.MODEL_PATH, abstention.FEATURES)
    assert model is not None and model.decline_above is not None and 0.0 < model.decline_above < 1.0


def test_a_question_about_an_article_not_held_is_declined_and_a_grounded_one_is_not():
    """Weak retrieval plus unknown names is declined; a strong, fully known match is answered."""
    above = abstention.thresholds().decline_above
    assert abstention.declines(ELSEWHERE, above)
    assert not abstention.declines(GROUNDED, above)
    assert not abstention.declines(ELSEWHERE, None)
    assert abstention.unanswerable(ELSEWHERE) > abstention.unanswerable(GROUNDED)


def test_an_unknown_name_raises_the_probability_of_no_answer():
    """The same question grounds, but with a name the library never uses, look less answerable."""
    known = replace(ELSEWHERE, unknown_name=0.0)
    assert abstention.unanswerable(ELSEWHERE) > abstention.unanswerable(known)


def test_no_passage_likely_to_answer_raises_the_probability_of_no_answer():
    """The same grounds look less answerable when the passage model finds no candidate likely to hold the answer."""
    likely = replace(ELSEWHERE, likeliest=0.8)
    assert abstention.unanswerable(ELSEWHERE) > abstention.unanswerable(likely)


def test_committed_thresholds_are_the_fitted_rules_and_operating_point():
    """abstention.json carries the rules' fitted thresholds beside the model's operating point."""
    t = abstention.thresholds()
    model = load(abstention.MODEL_PATH, abstention.FEATURES)
    assert t.decline_above == model.decline_above
    assert 0.0 <= t.abstain_below < 0.2 and 0.0 < t.covered_z < 5.0  # the floor grid starts at 0


def test_without_a_fitted_file_nothing_is_declined_by_threshold(tmp_path, monkeypatch):
    """A missing abstention.json (a fit from scratch) leaves every threshold open, not a crash."""
    monkeypatch.setattr(abstention, "MODEL_PATH", tmp_path / "missing.json")
    abstention.thresholds.cache_clear()
    try:
        assert abstention.thresholds() == abstention.NO_RULES
    finally:
        monkeypatch.undo()
        abstention.thresholds.cache_clear()
