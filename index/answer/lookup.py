"""Citation lookup: the passages whose sentences bear on a claim, each with a verdict.

A passage "supports" the claim when its closest sentence, read under its article's title and
section, states the claim's particulars: every name, most of its other nouns (in words; in the
other language, a name spelled out in the readings, another word through the glossary), every
number (2500万 is "25 million"); and it neither denies what the claim asserts ("no longer toys"
against "still toys") nor states the opposite outcome ("beat" for "lost", 減 for 増) nor puts a
side of a win or loss on the other side ("A lost to B" against "B … dropping the last two
games"). Otherwise it is only "related":
about the same thing, not saying it. No entailment model runs here: a "supports" verdict is
conservative, and a passage that states the claim in other words may be marked "related".
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from index.answer.citations import to_citation
from index.answer.compose import score_sentences
from index.answer.question import nouns
from index.text.glossary import said
from index.text.romaji import named_in
from index.text.terms import fold, terms, tokenizer
from index.types import Citation, Hit, Query, Ranking, Scored

# A passage bears on a claim when one of its sentences is at least this close to it
# (bias-corrected cosine); below it, citation lookup says it found nothing.
SUPPORT_ABOVE = 0.05
# The share of a claim's nouns other than names a supporting sentence must say. Every one (the rule
# until session 35) left 60 of 80 true claims of benchmarks/claims "related": a user's claim
# paraphrases ("shut down for good", "scientists", "bags"). Chosen on the news_a and news_b claims
# (`python benchmarks/cite.py`: true claims found 13 -> 21 of 40, false ones supported 2 -> 4 of
# 40; simulated, 0.67 found one more); on the news_e and news_f claims, at that commit, 7 -> 16 and
# 1 -> 4 (NOTES.md, session 35).
NOUN_SHARE = 0.75

# Opposite outcomes, in both languages: a claim and a sentence that each name one side of a pair
# say different things, however close their meaning vectors are.
_POLES = (
    (r"\bwins?\b|\bwon\b|\bbeat(?:s)?\b|\bvictory\b|勝利|勝っ|勝ち|優勝|制し|下し",
     r"\blos(?:e|es|t|ing)\b|\bloss\b|\bdefeat(?:ed)? by\b|負け|敗れ|敗北|黒星"),
    (r"\b(?:rise|rose|risen|increas\w*|grew|grow\w*|higher|up)\b|増え|増加|上昇|上回|伸び",
     r"\b(?:fall|fell|fallen|drop\w*|decreas\w*|declin\w*|lower|down)\b|減っ|減少|下落|低下|下回"),
    (r"\bapprov\w*|\bpass(?:ed|es)?\b|可決|承認|賛成", r"\breject\w*|\bvoted down\b|否決|却下|反対"),
)
# A number, with the scale word after it: 「2500万人」 and "25 million visitors" are one amount; so
# are 「1億2000万円」 and "120 million yen", 「21万4,000回」 and "214,000 rides" (runs are summed),
# 「約6割」 and "about 60%"
_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(億|万|千|割)|\s*(thousand|million|billion|trillion)\b)?", re.I)
_SCALE = {"割": 1, "千": 3, "万": 4, "億": 8, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}

# Who won and who lost: "The Dodgers lost to the Blue Jays" and "the Blue Jays … dropping the last
# two games" both say who lost, on opposite sides. The winner is the subject of a win verb, the
# loser its object; the loser is the subject of a lose verb, the winner what it lost "to".
_EN_WIN = re.compile(r"\b(?:beat|beats|defeat(?:s|ed)?|won|wins|edged|swept|routed|overcame|outlasted)\b")
_EN_LOSE = re.compile(r"\b(?:lost|loses|lose|losing|dropp(?:ed|ing)|fell to)\b")
_EN_NAME = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
# Capitalised words that name no side: a sentence's first word, counted things ("Game 7").
_NOT_A_SIDE = frozenset("""the a an in on at after before but and instead then game games series round
    match set inning innings week day monday tuesday wednesday thursday friday saturday sunday""".split())
_JA_SIDE = r"([ァ-ヴー・]{2,}|[一-龥]{2,}[ァ-ヴー]*)"
_JA_WON = re.compile(_JA_SIDE + r"(?:が|は)[^。]*?" + _JA_SIDE + r"(?:ら)?(?:を|に)[^。]*?(?:勝っ|勝利|下し|破っ|制し)")
_JA_LOST = re.compile(_JA_SIDE + r"(?:が|は)[^。]*?" + _JA_SIDE + r"(?:ら)?に[^。]*?(?:敗れ|負け|屈し)")


def supporting(claim: Query, ranking: Ranking, k: int) -> list[Citation]:
    """The passages that bear on the claim, those that support it first, each marked with its
    closest sentence; empty when none comes close."""
    best: dict[int, Scored] = {}
    for s in score_sentences(claim, ranking, ranking.hits):
        best.setdefault(s.hit.passage.id, s)
    close = [h for h in ranking.hits if h.passage.id in best and best[h.passage.id].score >= SUPPORT_ABOVE]
    verdicts = {h.passage.id: _supports(claim, h, best[h.passage.id]) for h in close}
    ranked = sorted(close, key=lambda h: (not verdicts[h.passage.id], -best[h.passage.id].score))[:k]
    return [to_citation(i + 1, h, role="supports" if verdicts[h.passage.id] else "related",
                        quote=best[h.passage.id].text) for i, h in enumerate(ranked)]


def _supports(claim: Query, hit: Hit, sentence: Scored) -> bool:
    p = hit.passage
    # The sentence must say it, with its article's title and section for the subject a sentence
    # leaves to a pronoun ("Instead, they beat…" under "Dodgers repeat as champions").
    context = f"{p.title}\n{p.section or ''}\n{sentence.text}"
    names, others = _particulars(claim.text, claim.lang)
    # A claim with no name, noun or number ("No.", "not") says nothing a sentence could state.
    if not (names or others or _numbers(claim.text)):
        return False
    stated = {v for pair in _numbers(context) for v in pair}
    if any(amount not in stated for _, amount in _numbers(claim.text)):
        return False
    if _opposite(claim.text, sentence.text):
        return False
    if p.lang == claim.lang and _sides_conflict(_sides(claim.text), _sides(sentence.text)):
        return False
    # A name must be there ("東京" is not "アンカレジ", however alike their vectors); of the other
    # nouns, most.
    return set(names) <= _said(names, claim.lang, p.lang, context) and (
        not others or len(_said(others, claim.lang, p.lang, context)) >= NOUN_SHARE * len(others))


# A claim is read once, whatever the number of passages it is held against.
@lru_cache(maxsize=256)
def _particulars(claim: str, lang: str) -> tuple[list[str], list[str]]:
    """The claim's names and its other nouns. "Newcomer Risa Takaoka…": an English claim's first word
    is capitalised whatever it is. A month is no name (its date is checked as numbers), and an adverb
    ("roughly", "fully") no particular."""
    claimed = nouns(claim)
    names = [t for t in claimed.names if t not in _CALENDAR
             and (not t.isascii() or lang != "en" or _capitalised_within(t, claim))]
    others = [t for t in claimed.focus if t not in names and t not in _CALENDAR
              and not (t.isascii() and len(t) > 4 and t.endswith("ly"))]
    return names, others


_CALENDAR = frozenset("""january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split())


def _capitalised_within(term: str, text: str) -> bool:
    """Whether a term is capitalised somewhere but at the start of the text."""
    return any(m.start() > 0 for m in re.finditer(rf"\b{re.escape(term[:1].upper())}", text)
               if term in terms(text[m.start():].split(maxsplit=1)[0]))


def _said(words: list[str], lang: str, plang: str, context: str) -> set[str]:
    """The words a text says: in its own words; in the other language, a name spelled out in its
    readings ("France" would be フランス), another word through the glossary (rice is コメ or 米).
    Whether a sentence "means" a word by its vector is no test here: e5 put "rice" and "price"
    close enough to a sentence on the Alaska purchase that "Rice prices doubled in 1867" was
    marked as supported by it."""
    if not words:
        return set()
    if plang == lang:
        return set(words) & set(terms(context))
    named = {t for t in words if named_in(t, context)}
    return named | said([t for t in words if t not in named], lang, plang, terms(context))


@lru_cache(maxsize=1024)
def _numbers(text: str) -> frozenset[tuple[Decimal, Decimal]]:
    """Each number as written and as the amount its scale words make it (28,914 is 28914; 2500万 is
    2500 and 25000000; 21万4,000 is 21 and 214000). A claim's amount must be stated; "25 years" is
    stated by "25 million", as before scale words were read."""
    out: list[tuple[Decimal, Decimal]] = []
    end, exponent = -1, 0
    for m in _NUMBER.finditer(fold(text)):
        digits, kanji, word = m.groups()
        scale = _SCALE[kanji or (word or "").lower()] if kanji or word else 0
        amount = _decimal(digits) * 10 ** scale
        # 1億 then 2000万, 21万 then 4,000: one amount, written in Japanese as a run of parts.
        if m.start() == end and scale < exponent:
            out[-1] = (out[-1][0], out[-1][1] + amount)
        else:
            out.append((_decimal(digits), amount))
        end, exponent = m.end(), (scale if kanji else 0)
    return frozenset((w.normalize(), a.normalize()) for w, a in out)


def _decimal(digits: str) -> Decimal:
    # A comma groups thousands (28,914); a dot is the decimal point (7.2).
    return Decimal(digits.replace(",", ""))


def _opposite(claim: str, sentence: str) -> bool:
    """Whether the sentence names the other side of an outcome the claim names, and not the claim's
    side, or denies what the claim asserts (or the reverse): "care robots … were no longer toys"
    does not support "care robots are still basically toys"."""
    claim, sentence = fold(claim), fold(sentence)
    if _negated(claim) != _negated(sentence):
        return True
    for a, b in _POLES:
        for mine, other in ((a, b), (b, a)):
            if re.search(mine, claim) and not re.search(mine, sentence) and re.search(other, sentence):
                return True
    return False


_EN_NEGATION = re.compile(r"\b(?:not|no longer|never|none|neither|nor)\b|n't\b", re.I)


@lru_cache(maxsize=256)
def _negated(text: str) -> bool:
    """Whether a text denies what it says: "no longer toys", 「届かない」「認めず」. A bare "no" is left
    out: romanised Japanese ("Nagi no Asa") and "Typhoon No. 14" are full of it."""
    if re.search(r"[ぁ-んァ-ヴ一-龥]", text):
        return any(m.part_of_speech()[0] == "助動詞" and m.dictionary_form() in ("ない", "ぬ", "ず")
                   for m in tokenizer().tokenize(text))
    return bool(_EN_NEGATION.search(text))


def _sides(text: str) -> dict[str, bool]:
    """The names a text says won (True) or lost (False)."""
    out: dict[str, bool] = {}
    if re.search(r"[ぁ-んァ-ヴ一-龥]", text):
        for pattern, first_won in ((_JA_WON, True), (_JA_LOST, False)):
            for m in pattern.finditer(text):
                out.setdefault(m.group(1), first_won)
                out.setdefault(m.group(2), not first_won)
        return out
    names = [(m.start(), m.end(), n) for m in _EN_NAME.finditer(text) if (n := _side_name(m.group()))]
    for verbs, won in ((_EN_WIN, True), (_EN_LOSE, False)):
        for m in verbs.finditer(text):
            clause_start = max(text.rfind(c, 0, m.start()) for c in ".;") + 1
            before = [n for a, _, n in names if clause_start <= a < m.start()]
            if before:
                out.setdefault(before[-1], won)
            after = text[m.end():]
            # "beat the Blue Jays": the object lost; "lost Game 7 to the Blue Jays": it won.
            obj = re.match(r"\s+(?:the\s+)?", after) if won else re.search(r"\s+to\s+(?:the\s+)?", after[:40])
            if obj:
                at = m.end() + obj.end()
                following = [n for a, _, n in names if a == at]
                if following:
                    out.setdefault(following[0], not won)
    return out


def _side_name(span: str) -> str:
    words = [w for w in span.split() if w.lower().strip(".") not in _NOT_A_SIDE and not w[:1].isdigit()]
    return " ".join(words)


def _sides_conflict(claim: dict[str, bool], sentence: dict[str, bool]) -> bool:
    """Whether a side the claim names won where the sentence says it lost, or the reverse; "Blue
    Jays" and "Toronto Blue Jays" are one side."""
    def same(a: str, b: str) -> bool:
        return bool({w.lower() for w in a.split() if len(w) > 2} & {w.lower() for w in b.split() if len(w) > 2}) \
            or a in b or b in a
    return any(same(a, b) and won != lost_or_won for a, won in claim.items() for b, lost_or_won in sentence.items())

