"""Which runners-up join the answer's lead: a logistic model of "this sentence holds what the lead
lacks", over what the answer step knows of each.

A two-part or cross-article question written about a Japanese–English pair of articles has its
second half in the other language, where the margin rule (compose.choose) most often took the
article's lead or a sentence that only names the subject: when the candidates are in both
languages the model chooses. Within one language (JSQuAD, most Japanese questions) the margin
rule, fitted there, keeps what it chose and the model may only add to it: the other half of
「瑠璃ヶ丘と柚ノ木、家賃相場はどれくらい違う?」 sits in the same article, behind the margin. Left
to choose alone there, the model dropped sentences the rule had rightly added (NOTES.md, sessions
58 and 59). The weights in joiner.json are fitted by scripts/train_joiner.py on question sets the
README does not report as unseen; the command that reproduces them is in that script's docstring.
"""
from __future__ import annotations

import math
import re
from dataclasses import fields
from pathlib import Path

import numpy as np

from index.answer.answer_type import gives, types_asked
from index.answer.coverage import says_subject
from index.answer.logistic import LogisticModel, load
from index.answer.question import asked_terms
from index.answer.words import cover_of, cover_weights, same_claim, second_opinion, terms
from index.text.glossary import said
from index.types import Joining, Query, Ranking, Scored

MODEL_PATH = Path(__file__).with_name("joiner.json")
FEATURES = tuple(f.name for f in fields(Joining))
# The runners-up the model weighs: the eleven after the lead, in the lead model's order (answer/lead.py).
RUNNERS_UP = 11
# A runner-up of another article joins only when its passage trails the lead's by at most this:
# further behind, its article is about something else. The question sets' libraries are topic
# pairs, where another article is never that far; in the sample library (the Osaka Expo, the
# Alaska summit, rice prices) "When did the Expo close?" added two Alaska sentences (0.13 and
# 0.14 behind). On the question sets it moved one fit answer (news_b) and nothing unseen, each set
# over its own articles or all as one library (NOTES.md, session 37). Closer than that, it must still
# say what the question is about (coverage.says_subject).
OTHER_ARTICLE_GAP = 0.10
_NUMBER = re.compile(r"\d[\d,.]*")
_TWO_ASKS = re.compile(r"[?？].+[?？]|あと[、,]|それと|また[、,]|\band (?:how|what|who|which|when|where|why)\b|"
                       r"、(?:あと|それから)", re.I)


def in_both_languages(scored: list[Scored]) -> bool:
    """Whether the lead and its RUNNERS_UP are in both languages: there the joiner and the lead
    model with the candidates' agreement (answer/lead.py) decide, within one the hand rules (which
    the joiner may add to) and the one-language lead model."""
    return len({c.hit.passage.lang for c in scored[:RUNNERS_UP + 1]}) > 1


def join(q: Query, ranking: Ranking, scored: list[Scored], hand: list[Scored], most: int,
         model: LogisticModel | None = None) -> list[Scored]:
    """The lead (scored[0]), or in one language `hand` (the margin rule's choice, which starts with
    the lead), and the runners-up the model gives at least its operating point, most likely first,
    near-repeats and other articles far behind the lead's or saying nothing of what the question
    is about (coverage.says_subject) left out, `most` sentences at most; `hand` alone when no
    fitted model is at hand. `model` is one a fit tries, else the committed one; a model without
    an operating point does not decide."""
    model = model or load(MODEL_PATH, FEATURES)
    pool = scored[:RUNNERS_UP + 1]
    if model is None or model.join_above is None:
        return hand
    chosen = [scored[0]] if in_both_languages(scored) else list(hand)
    if len(chosen) >= most:
        return chosen
    rows = joinings(q, ranking, scored, hand)
    p = np.array([model.probability(r.vector()) for r in rows])
    for i in np.argsort(-p):
        if p[i] < model.join_above or len(chosen) >= most:
            break
        if any(c is pool[i + 1] for c in chosen):
            continue
        if rows[i].same_article or (rows[i].passage_gap <= OTHER_ARTICLE_GAP
                                    and says_subject(q, pool[i + 1].hit.passage)):
            if not any(same_claim(pool[i + 1].text, c.text) for c in chosen):
                chosen.append(pool[i + 1])
    return chosen


def joinings(q: Query, ranking: Ranking, scored: list[Scored], hand: list[Scored]) -> list[Joining]:
    """What the model reads of each runner-up (scored[1:RUNNERS_UP + 1]) beside the lead."""
    lead, pool = scored[0], scored[:RUNNERS_UP + 1]
    shares = cover_weights(q.terms, ranking.term_weights)
    wanted, asked = types_asked(q), list(set(asked_terms(q.text)))
    places = {h.passage.id: i for i, h in enumerate(ranking.hits)}
    similarity = {(s.passage_id, s.start): sim for pid in {c.hit.passage.id for c in pool}
                  for s, sim in ranking.sentences.get(pid, ())}
    z = second_opinion(pool, ranking.second)
    second = [0.0] * len(pool) if z is None else [float(v) for v in z]
    said_by_lead = said(q.terms, q.lang, lead.hit.passage.lang, terms(lead.text))
    lead_numbers = set(_NUMBER.findall(lead.text))
    two_part = float(bool(_TWO_ASKS.search(q.text)))
    chosen = {id(c) for c in hand}
    out = []
    for i, c in enumerate(pool[1:], start=1):
        p, words = c.hit.passage, terms(c.text)
        says = said(q.terms, q.lang, p.lang, words)
        same_passage = p.id == lead.hit.passage.id
        out.append(Joining(
            gap=lead.score - c.score,
            rank=math.log1p(i),
            same_passage=float(same_passage),
            adjacent=float(same_passage and (0 <= c.sentence.start - lead.sentence.end < 3
                                             or 0 <= lead.sentence.start - c.sentence.end < 3)),
            same_article=float(p.doc_path == lead.hit.passage.doc_path),
            other_than_question=float(p.lang != q.lang),
            other_than_lead=float(p.lang != lead.hit.passage.lang),
            gain=cover_of(shares, says - said_by_lead),
            cover=cover_of(shares, says),
            gives=float(gives(wanted, c.text, p.section) > 0),
            lead_gives=float(gives(wanted, lead.text, lead.hit.passage.section) > 0),
            asked=float(bool(said(asked, q.lang, p.lang, words))),
            new_number=float(bool(set(_NUMBER.findall(c.text)) - lead_numbers)),
            two_part=two_part,
            article_lead=float(p.start == 0 and c.sentence.start == 0),
            same_claim=float(same_claim(c.text, lead.text)),
            passage_gap=lead.hit.score - c.hit.score,
            passage_rank=math.log1p(places[p.id]) if p.id in places else 3.0,
            similarity_gap=similarity.get((lead.sentence.passage_id, lead.sentence.start), 0.0)
            - similarity.get((c.sentence.passage_id, c.sentence.start), 0.0),
            second_gap=second[0] - second[i],
            second=second[i],
            hand=float(id(c) in chosen),
        ))
    return out

