"""A question of several parts ("…は誰?あと、…は何メートル?", "Who found it, and how heavy was it?",
"X did Y. What is Z?") -> its parts, each asked on its own; the answer gives each part's own
sentence. Asked whole, one embedding stands for both parts, and the answer quoted the part it
fitted best: about half of the fit sets' multi-hop questions were answered without all their
evidence (NOTES.md, session 54)."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from index.answer.compose import cited, compose, read
from index.answer.question import nouns
from index.answer.words import same_claim
from index.text.terms import terms, tokenizer
from index.types import Answer, Query, Ranking, Scored

# A part ends at a question mark or full stop that more text follows, outside quotation marks.
_JA_END = re.compile(r"[?？。!！]")
_EN_END = re.compile(r"(?<=[a-z0-9)\"'”])[?.!](?=\s+\S)")
# "No. 3", "Mr. Ito", "St. Mary's" and "approx. 40" do not end a sentence.
_ABBREVIATION = re.compile(r"\b(?:no|nos|mr|mrs|ms|dr|st|mt|vs|jr|sr|co|inc|ltd|approx|vol|fig|etc|[a-z])\.$", re.I)
# "…, and how heavy was it?", "how many were there and what did moving them cost": a second
# question joined by "and".
_EN_AND = re.compile(r",?\s+and\s+(?=(?:how|what|which|who|whom|whose|when|where|why|did|does|do|is|was|were|are|"
                     r"has|have|had|will|would|can)\b)", re.I)
# Japanese second questions open with a word that adds one: 「あと、」「それと」「また、」「ちなみに」.
_JA_OPENER = re.compile(r"^(?:あと|それと|それから|また|ちなみに|さらに|加えて|ついでに|で)[、,]?\s*")
_EN_OPENER = re.compile(r"^(?:and|also|plus)\b[,]?\s*", re.I)
# A part shorter than this asks nothing on its own (「本当?」, "Why?"): it stays with its neighbour.
MIN_JA_CHARS = 6
MIN_EN_WORDS = 3
# More parts than this is a paragraph, not a question.
MAX_PARTS = 3
_QUOTES = {"「": "」", "『": "』", "(": ")", "（": "）", "“": "”", "\"": "\""}


def _unquoted_ends(text: str, ends: re.Pattern) -> list[int]:
    """Where the parts of `text` end: after each end mark outside quotation marks and brackets
    that more text follows."""
    out, open_marks = [], []
    for i, ch in enumerate(text):
        if open_marks and ch == _QUOTES[open_marks[-1]]:
            open_marks.pop()
        elif ch in _QUOTES:
            open_marks.append(ch)
        elif not open_marks and ends.fullmatch(ch) and text[i + 1:].strip():
            out.append(i + 1)
    return out


def _long_enough(part: str, lang: str) -> bool:
    return len(part) >= MIN_JA_CHARS if lang == "ja" else len(part.split()) >= MIN_EN_WORDS


def split(text: str, lang: str) -> list[str]:
    """The parts of a question, each as written (its opener dropped); one part when it has one."""
    text = text.strip()
    if lang == "ja":
        pieces = _cut(text, _unquoted_ends(text, _JA_END))
    else:
        cuts = [m.end() for m in _EN_END.finditer(text) if not _ABBREVIATION.search(text[:m.end()])]
        pieces = [p for piece in _cut(text, cuts) for p in _and_split(piece)]
    opener = _JA_OPENER if lang == "ja" else _EN_OPENER
    parts: list[str] = []
    for piece in pieces:
        piece = opener.sub("", piece.strip()).strip()
        if not piece:
            continue
        if parts and not (_long_enough(piece, lang) and _long_enough(parts[-1], lang)):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts if 1 < len(parts) <= MAX_PARTS else [text]


def _cut(text: str, ends: list[int]) -> list[str]:
    bounds = [0, *ends, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def _and_split(piece: str) -> list[str]:
    """An English sentence's "…, and how…" second question, split off; the first half keeps the
    sentence's question mark."""
    m = _EN_AND.search(piece)
    first = piece[:m.start()].rstrip(" ,") if m else ""
    if not first.strip():
        return [piece]
    if piece.rstrip().endswith("?") and not first.endswith("?"):
        first += "?"
    return [first, piece[m.end():]]


# At most this many of the earlier parts' nouns go with a later part, when they name nothing: enough
# to say what "it" is. All of them pulled the part to the earlier part's sentence ("which firm
# designed it? (cost bayfield project)" was answered with a cost).
CONTEXT_NOUNS = 2


def alone(parts: Sequence[str], lang: str) -> list[str]:
    """Each part as a question of its own: a later part ("which firm designed it?", 「いくらかかった?」)
    takes the names the earlier parts say and it does not (else their first nouns), which tell what
    it is about."""
    out = [parts[0]]
    for i, part in enumerate(parts[1:], 1):
        earlier = "".join(parts[:i]) if lang == "ja" else " ".join(parts[:i])
        said = nouns(earlier)
        phrases = [(p, forms) for p, forms in (_ja_phrases(earlier) if lang == "ja" else _en_phrases(earlier))
                   if p not in part]
        named = [p for p, forms in phrases if forms & set(said.names)]
        about = [p for p, forms in phrases if forms & set(said.focus)]
        # Other nouns only for a part that points back or names nothing: "how tall are the
        # towers? (people ceremony)" was answered with the ceremony's sentence.
        words = named or (about[:CONTEXT_NOUNS] if _POINTS_BACK.search(part) or not nouns(part).focus else [])
        if not words:
            out.append(part)
        else:
            out.append(f"{part}（{'・'.join(words)}）" if lang == "ja" else f"{part} ({' '.join(words)})")
    return out


_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|that|those|these|this|there|he|she|his|her|him)\b|"
                          r"それ|その|そこ|これ|この|ここ|あれ|あの|同(?:社|氏|市|町|村|県|館|園|校|店|所)", re.I)


_NOUNISH = ("名詞", "接頭辞", "接尾辞")
_JOINERS = ("ヶ", "ケ", "ノ", "・")


def _ja_phrases(text: str) -> list[tuple[str, frozenset[str]]]:
    """The noun phrases of a Japanese text as written (Sudachi's 潮・霧・大橋 and 鸛・ヶ・浜市 joined
    back), each with the normal forms it says, as `nouns` reads them."""
    out: dict[str, frozenset[str]] = {}
    run: list = []
    for m in [*tokenizer().tokenize(text), None]:
        if m is not None and (m.part_of_speech()[0] in _NOUNISH or m.surface() in _JOINERS):
            run.append(m)
            continue
        phrase = "".join(r.surface() for r in run)
        if phrase.strip("".join(_JOINERS)):
            out.setdefault(phrase, frozenset(terms(phrase)) if phrase.isascii()
                           else frozenset(r.normalized_form() for r in run))
        run = []
    return list(out.items())


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9.-]*(?:\s+[A-Z][A-Za-z0-9.-]*)*")


def _en_phrases(text: str) -> list[tuple[str, frozenset[str]]]:
    """An English text's names as written ("Kotogaura", "Okabe Lund"), then its words, each with
    its terms."""
    phrases = [w for w in _LATIN_RUN.findall(text) if w[0].isupper()] + re.findall(r"[A-Za-z][A-Za-z-]+", text)
    return list({w: frozenset(terms(w)) for w in phrases}.items())


def answer(text: str, query: Callable[[str], Query], rank: Callable[[Query], Ranking], k: int,
           embed_queries: Callable[[list[str]], np.ndarray]) -> Answer:
    """The cited answer to a question (compose's), read part by part too when it has several
    parts. `query` embeds a text as a question, `rank` ranks the library's passages for one."""
    q = query(text)
    ranking = rank(q)
    pieces = split(text, q.lang)
    if len(pieces) < 2:
        return compose(q, ranking, k, embed_queries)
    parts = [(part, rank(part)) for part in map(query, alone(pieces, q.lang))]
    return answer_in_parts(q, ranking, parts, k, embed_queries)


def answer_in_parts(q: Query, ranking: Ranking, parts: Sequence[tuple[Query, Ranking]], k: int,
                    embed_queries: Callable[[list[str]], np.ndarray]) -> Answer:
    """The whole question's answer, with each part's best sentence after its lead when the
    answer does not quote it already. Whether to decline is the whole question's call: a part
    asked alone lacks what makes its sibling unanswerable."""
    whole = read(q, ranking, k, embed_queries)
    if isinstance(whole, Answer):
        return whole
    chosen = list(whole.chosen)
    added: list[Scored] = []
    for part_query, part_ranking in parts:
        reading = read(part_query, part_ranking, k, embed_queries)
        if isinstance(reading, Answer):
            continue
        best = reading.chosen[0]
        if not any(_same(best, c) for c in (*chosen, *added)):
            added.append(best)
    return cited(q, ranking, chosen[:1] + added + chosen[1:], k, whole.confidence)


def _same(a: Scored, b: Scored) -> bool:
    return (a.hit.passage.id == b.hit.passage.id and a.sentence.start == b.sentence.start) or same_claim(a.text, b.text)
