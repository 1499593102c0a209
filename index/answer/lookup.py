"""Citation lookup: the passages whose sentences bear on a claim, each with a verdict.

A passage "supports" the claim when its closest sentence, read under its article's title and
section, states the claim's particulars: every name and noun of the claim (in words; in the
other language, a name spelled out in the readings and other nouns in meaning), every number,
and not the opposite outcome ("beat" for "lost", 減 for 増). Otherwise it is only "related":
about the same thing, not saying it. No entailment model runs here: a "supports" verdict is
conservative, and a passage that states the claim in other words may be marked "related".
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from index.answer.citations import to_citation
from index.answer.compose import score_sentences
from index.answer.coverage import unmeant
from index.answer.question import focus_terms
from index.text.romaji import named_in
from index.text.terms import fold, terms, tokenizer
from index.types import Citation, Hit, Query, Ranking, Scored

# A passage bears on a claim when one of its sentences is at least this close to it
# (bias-corrected cosine); below it, citation lookup says it found nothing.
SUPPORT_ABOVE = 0.05

# Opposite outcomes, in both languages: a claim and a sentence that each name one side of a pair
# say different things, however close their meaning vectors are.
_POLES = (
    (r"\bwins?\b|\bwon\b|\bbeat(?:s)?\b|\bvictory\b|勝利|勝っ|勝ち|優勝|制し|下し",
     r"\blos(?:e|es|t|ing)\b|\bloss\b|\bdefeat(?:ed)? by\b|負け|敗れ|敗北|黒星"),
    (r"\b(?:rise|rose|risen|increas\w*|grew|grow\w*|higher|up)\b|増え|増加|上昇|上回|伸び",
     r"\b(?:fall|fell|fallen|drop\w*|decreas\w*|declin\w*|lower|down)\b|減っ|減少|下落|低下|下回"),
    (r"\bapprov\w*|\bpass(?:ed|es)?\b|可決|承認|賛成", r"\breject\w*|\bvoted down\b|否決|却下|反対"),
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def supporting(claim: Query, ranking: Ranking, k: int,
               embed_queries: Callable[[list[str]], np.ndarray]) -> list[Citation]:
    """The passages that bear on the claim, those that support it first, each marked with its
    closest sentence; empty when none comes close."""
    best: dict[int, Scored] = {}
    for s in score_sentences(claim, ranking, ranking.hits):
        best.setdefault(s.hit.passage.id, s)
    close = [h for h in ranking.hits if h.passage.id in best and best[h.passage.id].score >= SUPPORT_ABOVE]
    embed = _memo(embed_queries)
    verdicts = {h.passage.id: _supports(claim, h, best[h.passage.id], ranking, embed) for h in close}
    ranked = sorted(close, key=lambda h: (not verdicts[h.passage.id], -best[h.passage.id].score))[:k]
    return [to_citation(i + 1, h, role="supports" if verdicts[h.passage.id] else "related",
                        quote=best[h.passage.id].text) for i, h in enumerate(ranked)]


def _supports(claim: Query, hit: Hit, sentence: Scored, ranking: Ranking,
              embed: Callable[[list[str]], np.ndarray]) -> bool:
    p = hit.passage
    # The sentence must say it, with its article's title and section for the subject a sentence
    # leaves to a pronoun ("Instead, they beat…" under "Dodgers repeat as champions").
    context = f"{p.title}\n{p.section or ''}\n{sentence.text}"
    if any(n not in _numbers(context) for n in _numbers(claim.text)):
        return False
    if _opposite(claim.text, sentence.text):
        return False
    wanted = focus_terms(claim.text)
    if p.lang == claim.lang:
        # Same language: the passage must use the claim's names and nouns ("東京" is not
        # "アンカレジ", however alike their vectors).
        return not set(wanted) - set(terms(context))
    # The other language: a name is spelled out in the passage's readings ("France" would be
    # フランス); a word that is no name there may still be meant by a sentence.
    missing = [t for t in wanted if not named_in(t, context)]
    if any(_is_name(t, claim.text) for t in missing):
        return False
    return unmeant(missing, ranking, [hit], embed) is None


def _is_name(term: str, claim: str) -> bool:
    """A name in the claim: a capitalised English word not opening it; a katakana word or proper noun."""
    if term.isascii():
        capital = re.escape(term[:1].upper() + term[1:])
        return any(m.start() > 0 for m in re.finditer(rf"\b{capital}", claim))
    return bool(re.fullmatch(r"[ァ-ヴー・]+", term)) or any(
        m.part_of_speech()[1] == "固有名詞" for m in tokenizer().tokenize(term))


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(fold(text))}


def _opposite(claim: str, sentence: str) -> bool:
    """Whether the sentence names the other side of an outcome the claim names, and not the claim's side."""
    claim, sentence = fold(claim), fold(sentence)
    for a, b in _POLES:
        for mine, other in ((a, b), (b, a)):
            if re.search(mine, claim) and not re.search(mine, sentence) and re.search(other, sentence):
                return True
    return False


def _memo(embed_queries: Callable[[list[str]], np.ndarray]) -> Callable[[list[str]], np.ndarray]:
    """The claim's terms are checked against several passages: embed each term once."""
    @lru_cache(maxsize=None)
    def one(term: str) -> np.ndarray:
        return embed_queries([term])[0]

    return lambda words: np.vstack([one(w) for w in words])
