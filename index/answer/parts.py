"""A question of several parts ("…は誰?あと、…は何メートル?", "Who found it, and how heavy was it?",
"X did Y. What is Z?", "The sake handed out on the first flight: how many bottles…?") -> its parts,
each asked on its own; the answer gives each part's own sentence. A part that describes something
rather than asking is answered by the sentence that names it, and the part after it is asked with
that name. Asked whole, one embedding stands for both parts, and the answer quoted the part it
fitted best: about half of the fit sets' multi-hop questions were answered without all their
evidence (NOTES.md, session 54)."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

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
# A description, then the question about what it describes: 「…配られた日本酒、その酒蔵は…?」,
# 「…テープカットした市長って、何票取ったの?」, "The sake handed out on the first flight: how many
# bottles…?". Asked whole, the answer quoted the sentence the description matches and not the one
# that answers (NOTES.md, session 55). 「Xって、」 cuts only after a clause with a verb: 「汐見工場って、…」
# is one question about a named thing.
_JA_BRIDGE = re.compile(r"、(?=その|そこ|同[社氏市町村県館園校店所])|(?<=って、)")
_EN_BRIDGE = re.compile(r"(?<=\S)(?::|;|\s[—–])(?=\s+\S)")
# Japanese second questions open with a word that adds one: 「あと、」「それと」「また、」「ちなみに」.
_JA_OPENER = re.compile(r"^(?:あと|それと|それから|また|ちなみに|さらに|加えて|ついでに|で)[、,]?\s*")
_EN_OPENER = re.compile(r"^(?:and|also|plus)\b[,]?\s*", re.I)
# A part shorter than this asks nothing on its own (「本当?」, "Why?"): it stays with its neighbour.
MIN_JA_CHARS = 6
MIN_EN_WORDS = 3
# More parts than this is a paragraph, not a question.
MAX_PARTS = 3
_QUOTES = {"「": "」", "『": "』", "(": ")", "（": "）", "“": "”", "\"": "\""}


def _outside_quotes(text: str) -> list[bool]:
    """For each character of `text`, whether it stands outside quotation marks and brackets."""
    out, open_marks = [], []
    for ch in text:
        if open_marks and ch == _QUOTES[open_marks[-1]]:
            open_marks.pop()
            out.append(False)
        elif ch in _QUOTES:
            open_marks.append(ch)
            out.append(False)
        else:
            out.append(not open_marks)
    return out


def _unquoted_ends(text: str, outside: list[bool], ends: re.Pattern) -> list[int]:
    """Where the parts of `text` end: after each end mark outside quotation marks and brackets
    (`outside`, per character) that more text follows."""
    return [i + 1 for i, ch in enumerate(text) if outside[i] and ends.fullmatch(ch) and text[i + 1:].strip()]


def _bridge_ends(text: str, outside: list[bool], bridges: re.Pattern) -> list[int]:
    """Where a description ends and the question about it begins, outside quotation marks."""
    return [m.end() for m in bridges.finditer(text)
            if m.start() < len(text) and outside[m.start()] and text[m.end():].strip() and _describes(text[:m.end()])]


def _describes(text: str) -> bool:
    """Whether a Japanese 「…って、」 opening describes something by what it did (has a verb); an
    English or other bridge opening always counts."""
    if not text.endswith("って、"):
        return True
    return any(m.part_of_speech()[0] == "動詞" for m in tokenizer().tokenize(text[:-3]))


def _long_enough(part: str, lang: str) -> bool:
    return len(part) >= MIN_JA_CHARS if lang == "ja" else len(part.split()) >= MIN_EN_WORDS


def split(text: str, lang: str) -> list[str]:
    """The parts of a question, each as written (its opener dropped); one part when it has one."""
    text = text.strip()
    outside = _outside_quotes(text)
    if lang == "ja":
        pieces = _cut(text, sorted({*_unquoted_ends(text, outside, _JA_END), *_bridge_ends(text, outside, _JA_BRIDGE)}))
    else:
        cuts = [m.end() for m in _EN_END.finditer(text) if not _ABBREVIATION.search(text[:m.end()])]
        cuts = sorted({*cuts, *_bridge_ends(text, outside, _EN_BRIDGE)})
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
        named = _apart([p for p, forms in phrases if forms & set(said.names)])
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


_LATIN_RUN = re.compile(r"[A-Z][A-Za-z0-9.-]*(?:\s+[A-Z][A-Za-z0-9.-]*)*")


def _en_phrases(text: str) -> list[tuple[str, frozenset[str]]]:
    """An English text's names as written ("Kotogaura", "Okabe Lund"), then its words, each with
    its terms."""
    phrases = [w.rstrip(".") for w in _LATIN_RUN.findall(text)] + re.findall(r"[A-Za-z][A-Za-z-]+", text)
    return list({w: frozenset(terms(w)) for w in phrases}.items())


def answer(text: str, query: Callable[[str], Query], rank: Callable[[Query], Ranking], k: int,
           embed_queries: Callable[[list[str]], np.ndarray]) -> Answer:
    """The cited answer to a question (compose's), read part by part too when it has several
    parts: the whole question's answer, with each part's best sentence after its lead when the
    answer does not quote it already. `query` embeds a text as a question, `rank` ranks the
    library's passages for one. Whether to decline is the whole question's call: a part asked
    alone lacks what makes its sibling unanswerable."""
    q = query(text)
    ranking = rank(q)
    pieces = split(text, q.lang)
    if len(pieces) < 2:
        return compose(q, ranking, k, embed_queries)
    whole = read(q, ranking, k, embed_queries)
    if isinstance(whole, Answer):
        return whole
    chosen = list(whole.chosen)
    added: list[Scored] = []
    named: list[str] = []
    described: Scored | None = None  # the sentence answering the part before, when that part describes
    for piece, part in zip(pieces, alone(pieces, q.lang)):
        part_query = query(f"{part}（{'・'.join(named)}）" if named and q.lang == "ja"
                           else f"{part} ({' '.join(named)})" if named else part)
        part_ranking = rank(part_query)
        if described is not None:
            # The part asks about the thing its description names: the sentence that names it says
            # what it is, not what the part asks.
            part_ranking = _without(part_ranking, described)
        reading = read(part_query, part_ranking, k, embed_queries)
        named, described = [], None
        if isinstance(reading, Answer):
            continue
        best = reading.chosen[0]
        if not _asks(piece, q.lang):
            named, described = bridged(best.text, best.hit.passage.lang, text), best
        if not any(_same(best, c) for c in (*chosen, *added)):
            added.append(best)
    return cited(q, ranking, chosen[:1] + added + chosen[1:], k, whole.confidence)


def _without(ranking: Ranking, quoted: Scored) -> Ranking:
    """The ranking without one sentence among its candidates."""
    pid, start = quoted.hit.passage.id, quoted.sentence.start
    return replace(ranking, sentences={i: [(s, sim) for s, sim in ss if not (i == pid and s.start == start)]
                                       for i, ss in ranking.sentences.items()})


_JA_ASKS = re.compile(r"[?？]|何|いつ|どこ|どれ|どの|どう|どんな|誰|だれ|いくら|なぜ|なに")
_EN_ASKS = re.compile(r"\?|\b(?:how|what|which|who|whom|whose|when|where|why)\b", re.I)
# The names a description's sentence adds that go with the next part: enough to say which thing it
# is ("Tsukiyo Shuzo", its town); not tuned.
BRIDGE_NAMES = 3


def _asks(piece: str, lang: str) -> bool:
    return bool((_JA_ASKS if lang == "ja" else _EN_ASKS).search(piece))


def bridged(sentence: str, lang: str, question: str) -> list[str]:
    """The names a sentence (in `lang`, its passage's language) says that the question does not:
    the sentence answering a description (「雲井から飛んだ初便で配られた日本酒」) names the thing it
    describes (澄川酒造, "Sumikawa Shuzo"), which is what the next part asks about."""
    names = set(nouns(sentence).names)
    asked = set(terms(question))
    phrases = _ja_phrases(sentence) if lang == "ja" else _en_phrases(sentence)
    new = [p for p, forms in phrases if forms & names and not forms <= asked and p not in question]
    return _apart(new)[:BRIDGE_NAMES]


def _apart(phrases: list[str]) -> list[str]:
    """The phrases, less each one an earlier one holds ("Kotogaura" after "Kotogaura City Marathon")."""
    out: list[str] = []
    for p in phrases:
        if not any(p in o for o in out):
            out.append(p)
    return out


def _same(a: Scored, b: Scored) -> bool:
    return (a.hit.passage.id == b.hit.passage.id and a.sentence.start == b.sentence.start) or same_claim(a.text, b.text)
