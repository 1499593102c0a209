"""A speaker's words follow the sentence that names the speaker.

News writes `"We are not against renewable energy," said the group's coordinator, Fumiko Ashida.`
and puts what she wants in the next sentence, `"We want the panels checked every winter…"`. The
naming sentence is the one close to "what does the coordinator want?" (it holds her title), so
alone it answered with who spoke and not what was said. A chosen sentence that attributes speech,
or leaves a quotation open, brings the sentence after it when that one is the quotation. When the
question asks for someone's words ("what did the union leader say", 「どんな手応えを語った」), the
lead that only introduces the speaker (「組合の森下さと子委員長(54)は勤続19年のレジ担当。」) brings the
quotation after it too.
"""
from __future__ import annotations

import re

from index.types import Scored

_ATTRIBUTES = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|argued|argues|admits|admitted|admit|worries|worried|recalls|"
    r"recalled|explained|explains|insisted|insists|warned|warns|according to|wrote|writes|puts it|put it|"
    r"asked|replied|believes|thinks|feels|felt|remembers|remembered)\b", re.I)
_OPENS_QUOTE = re.compile(r"^\s*[\"“「『]")
_QUOTES = re.compile(r"[\"“「『]")
# A question for what someone said, thought or felt: the answer is in their own words.
WORDS_ASKED = re.compile(
    r"\b(?:say|said|says|think|thinks|thought|feel|feels|felt|believe|believes|miss|misses|admit|admits|admitted|"
    r"justify|justified|argue|argued|explain|explained|describe|described|react|reacted|hope|hopes|worry|worries|"
    r"worried|make of|view of|opinion)\b|"
    r"語(?:った|る|って)|話(?:した|す|して)|述べ|言(?:った|う|って)|考え|思(?:っ|う|い)|訴え|感じ|説明(?:し|する)|"
    r"手応え|感想|コメント|意気込み|抱負|受け止め", re.I)
# Sentence splitting may leave this much whitespace between a sentence and the next.
_ADJACENT = 3


def open_quote(text: str) -> bool:
    """A quotation that the sentence opens and does not close: it goes on in the next one."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”") or text.count("「") > text.count("」")


def with_quoted_words(chosen: list[Scored], scored: list[Scored], most: int, words_asked: bool = False) -> list[Scored]:
    """`chosen` with, after each sentence that names a speaker or opens a quotation, the
    candidate sentence of the same article right after it that carries the quotation on;
    `most` sentences at most, the later of the chosen giving way first. `words_asked`: the
    question asks for someone's words, and a lead that quotes nobody is followed by a quotation."""
    out: list[Scored] = []
    for i, c in enumerate(chosen):
        if c in out:
            continue
        out.append(c)
        words = _next_words(c, scored, unquoted_lead=words_asked and i == 0 and not _QUOTES.search(c.text))
        if words is not None and words not in out:
            out.append(words)
    return out[:most]


def _next_words(c: Scored, scored: list[Scored], unquoted_lead: bool = False) -> Scored | None:
    after = [s for s in scored if s.hit.passage.doc_path == c.hit.passage.doc_path
             and 0 <= s.sentence.start - c.sentence.end <= _ADJACENT]
    if not after:
        return None
    nxt = min(after, key=lambda s: s.sentence.start)
    if open_quote(c.text) or (_ATTRIBUTES.search(c.text) and _OPENS_QUOTE.match(nxt.text)) \
            or (unquoted_lead and _QUOTES.search(nxt.text)):
        return nxt
    return None
