"""The lead model: which of the hand score's best sentences leads the answer."""
from dataclasses import replace

import numpy as np

from index.answer import lead
from index.answer.lead import (CANDIDATES, FEATURES, ONE_LANGUAGE_FEATURES, ONE_LANGUAGE_PATH, TreeModel, first,
                               in_passage, load, vectors)
from index.types import Hit, InPassage, Passage, Scored, Sentence, SentenceParts


def _scored(text: str, score: float, similarity: float, pid: int = 1, parts: bool = True, lang: str = "ja") -> Scored:
    p = Passage(id=pid, doc_path=f"/a{pid}.txt", text=text, start=0, end=len(text), title="t", section=None,
                url=None, source=None, source_url=None, published=None, lang=lang)
    s = Sentence(passage_id=pid, start=0, end=len(text), vector=np.zeros(4, np.float32))
    made = SentenceParts(similarity, 0.0, False, 0, False, False, False, 0, 0) if parts else None
    return Scored(Hit(p, score), s, text, score, made)


def _stump(feature: str) -> TreeModel:
    """One split: a candidate whose `feature` is above 0.5 gets log-odds +1, others -1."""
    return TreeModel(FEATURES, 0.0, np.array([0]), np.array([FEATURES.index(feature), 0, 0]), np.array([0.5, 0, 0]),
                     np.array([1, 0, 0]), np.array([2, 0, 0]), np.array([False, True, True]),
                     np.array([0.0, -1.0, 1.0]), 1)


def test_the_candidates_take_the_models_order_at_the_hand_scores_places():
    """The model's likeliest leads at the best hand score; the rest follow in its order (ties in the
    hand order), each at the hand score of the place it takes."""
    scored = [_scored("a", 0.50, 0.1), _scored("b", 0.48, 0.2), _scored("c", 0.47, 0.9), _scored("d", 0.40, 0.6)]
    out = first(scored, _stump("similarity"))
    assert [c.text for c in out] == ["c", "d", "a", "b"]
    assert [c.score for c in out] == [0.50, 0.48, 0.47, 0.40]


def test_only_the_best_candidates_compete():
    """A sentence past the hand score's best CANDIDATES never leads, however the model likes it."""
    scored = [_scored(str(i), 0.5 - 0.01 * i, 0.1) for i in range(CANDIDATES)] + [_scored("late", 0.3, 0.9)]
    assert first(scored, _stump("similarity")) == scored


def test_hand_order_stands_without_parts_or_when_the_best_is_likeliest():
    """Sentences scored outside compose (no parts) and a model that agrees leave the order as it was."""
    plain = [_scored("a", 0.5, 0.1, parts=False), _scored("b", 0.4, 0.9, parts=False)]
    assert first(plain, _stump("similarity")) == plain
    agreed = [_scored("a", 0.5, 0.9), _scored("b", 0.4, 0.1)]
    assert first(agreed, _stump("similarity")) == agreed


def test_a_candidate_saying_nothing_asked_never_displaces_a_best_that_answers():
    """A candidate with no question word and no asked type cannot lead over a best with both; one with either can."""
    def with_parts(c: Scored, cover: float, gives: int) -> Scored:
        return replace(c, parts=replace(c.parts, cover=cover, gives=gives))

    best = with_parts(_scored("closed on 13 October", 0.50, 0.1), 0.5, 1)
    stray = with_parts(_scored("queues in September", 0.48, 0.9), 0.0, 0)
    assert first([best, stray], _stump("similarity"))[0].text == "closed on 13 October"
    saying = with_parts(stray, 0.2, 0)
    assert first([best, saying], _stump("similarity"))[0].text == "queues in September"


def test_features_are_read_against_the_best_candidate():
    """Gaps are each candidate's value less the best among them; place and first-place mark the hand order."""
    x = vectors([_scored("a", 0.5, 0.3), _scored("b", 0.4, 0.6)])
    assert x.shape == (2, len(FEATURES))
    gap = FEATURES.index("similarity_gap")
    assert np.allclose(x[:, gap], [-0.3, 0.0])
    assert list(x[:, FEATURES.index("place")]) == [0, 1] and list(x[:, FEATURES.index("first")]) == [1, 0]


def test_candidates_are_read_by_where_they_agree():
    """Candidates sharing a passage or article count each other; passages and e5 similarity are ranked among them."""
    x = vectors([_scored("a", 0.5, 0.3, pid=1), _scored("b", 0.45, 0.6, pid=2), _scored("c", 0.4, 0.2, pid=1)])
    column = {name: list(x[:, FEATURES.index(name)]) for name in FEATURES}
    assert column["same_passage"] == [1, 0, 1] and column["same_article"] == [1, 0, 1]
    assert column["passage_place"] == [0, 1, 0]
    assert column["similarity_rank"] == [1, 0, 2]
    assert column["likely_rank"] == [0, 1, 2]  # all unscored (0.5): ties keep the candidates' order
    assert column["japanese"] == [1, 1, 1]


def test_committed_model_reads_these_features():
    """lead.json loads and was fitted on the features lead.py computes (else the hand order would stand silently)."""
    model = load()
    assert model is not None and len(model.roots) > 0


def test_candidates_in_one_language_are_led_by_the_one_language_model(monkeypatch):
    """Within one language the model without the agreement features chooses; across both, the one with them."""
    stumps = {lead.MODEL_PATH: _stump("similarity"), ONE_LANGUAGE_PATH: _stump("dense")}
    monkeypatch.setattr(lead, "load", lambda path=lead.MODEL_PATH, features=FEATURES: stumps[path])
    plain = _scored("b", 0.48, 0.3)
    close = replace(plain, hit=replace(plain.hit, dense=0.9))
    one = [_scored("a", 0.50, 0.1), close]
    assert [c.text for c in first(one)] == ["b", "a"]  # read by "dense" (the one-language stump): b
    both = [_scored("a", 0.50, 0.1), close, _scored("c", 0.40, 0.95, pid=3, lang="en")]
    assert [c.text for c in first(both)] == ["c", "a", "b"]  # read by "similarity": c


def test_committed_one_language_model_reads_the_features_before_the_agreement_ones():
    """lead_one_language.json loads with the leading features and splits on none of the agreement ones."""
    model = load(ONE_LANGUAGE_PATH, ONE_LANGUAGE_FEATURES)
    assert model is not None
    assert int(model.feature.max()) < len(ONE_LANGUAGE_FEATURES)


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_sentence_is_read_beside_its_passage_neighbours():
    """in_passage gives each sentence its neighbours' and its passage's closest similarity, its place, and
    how much nearer it reads with the sentence before it: a short answer after its subject's sentence."""
    question = _unit(1, 0, 0)
    subject, answer, aside = _unit(1, 1, 0), _unit(0, 1, 0), _unit(0, 0, 1)
    sentences = [(Sentence(1, 0, 10, subject), 0.7), (Sentence(1, 10, 20, answer), 0.1), (Sentence(1, 20, 30, aside), 0.0)]
    first_one, second, last = in_passage(sentences, question)
    assert (second.before, second.after, second.best, second.place, second.count) == (0.7, 0.0, 0.7, 1, 3)
    assert (first_one.before, last.after, first_one.place, last.place) == (0.7, 0.0, 0, 2)
    assert abs(first_one.context) < 1e-6 and second.context > 0.2 and abs(last.context) < 1e-6
    assert in_passage([], question) == []


def test_where_a_candidate_sits_in_its_passage_is_read():
    """The lead model reads a candidate's InPassage; one scored without it reads as a sentence standing alone."""
    alone = _scored("a", 0.5, 0.3)
    placed = replace(_scored("b", 0.4, 0.1), parts=replace(alone.parts, similarity=0.1,
                                                           around=InPassage(0.6, 0.2, 0.6, 2, 5, 0.15)))
    x = vectors([alone, placed])
    column = {name: list(x[:, FEATURES.index(name)]) for name in FEATURES}
    assert np.allclose(column["before"], [0.3, 0.6]) and np.allclose(column["behind_closest"], [0.0, -0.5])
    assert column["place_in_passage"] == [0, 2] and column["passage_sentences"] == [1, 5]
    assert np.allclose(column["context"], [0.0, 0.15])
