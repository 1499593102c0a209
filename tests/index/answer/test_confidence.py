"""The answer-confidence model: the committed weights load, and a better-backed answer scores higher."""
from dataclasses import replace

from index.answer import confidence
from index.answer.logistic import load
from index.types import Signals

PLAIN = Signals(top_score=0.06, top_gap=0.01, top_lexical=0.3, best_sentence=0.06, sentence_gap=0.005, cover=0.4,
                asked=0.0, unknown_terms=0.0, same_language=1.0, from_top=1.0)


def test_committed_model_matches_the_signals_and_gives_a_probability():
    """confidence.json names exactly the Signals fields, so it is used, and returns a value in (0, 1)."""
    assert load(confidence.MODEL_PATH, confidence.FEATURES) is not None
    p = confidence.probability(PLAIN)
    assert p is not None and 0.0 < p < 1.0


def test_stronger_evidence_means_higher_confidence():
    """An answer whose best sentence uses all the question's words and leads clearly scores above a weak one."""
    strong = replace(PLAIN, top_score=0.12, best_sentence=0.12, cover=1.0, sentence_gap=0.03, top_lexical=0.9)
    weak = replace(PLAIN, top_score=0.036, best_sentence=0.03, cover=0.0, sentence_gap=0.0, top_lexical=0.0)
    assert confidence.probability(strong) > confidence.probability(PLAIN) > confidence.probability(weak)
