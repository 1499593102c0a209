"""A speaker's words follow the sentence that names the speaker.

News writes `"We are not against renewable energy," said the group's coordinator, Fumiko Ashida.`
and puts what she wants in the next sentence, `"We want the panels checked every winter…"`. The
naming sentence is the one close to "what does the coordinator want?" (it holds her title), so
alone it answered with who spoke and not what was said. A chosen sentence that attributes speech,
or leaves a quotation open, brings the sentence after it when that one is the quotation.
"""
from __future__ import annotations

import re

from index.types import Scored

_ATTRIBUTES = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|argued|argues|admits|admitted|admit|worries|worried|recalls|"
    r"recalled|explained|explains|insisted|insists|warned|warns|according to|wrote|writes|puts it|put it|"
    r"asked|replied|believes|thinks|feels|felt|remembers|remembered)\b", re.I)
_OPENS_QUOTE = re.compile(r"^\s*[\"“「『]")
# Sentence splitting may leave this much whitespace between a sentence and the next.
_ADJACENT = 3


def open_quote(text: str) -> bool:
    """A quotation that the sentence opens and does not close: it goes on in the next one."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”") or text.count("「") > text.count("」")


def with_quoted_words(chosen: list[Scored], scored: list[Scored], most: int) -> list[Scored]:
    """`chosen` with, after each sentence that names a speaker or opens a quotation, the
    candidate sentence of the same article right after it that carries the quotation on;
    `most` sentences at most, the later of the chosen giving way first."""
    out: list[Scored] = []
    for c in chosen:
        if c in out:
            continue
        out.append(c)
        words = _next_words(c, scored)
        if words is not None and words not in out:
            out.append(words)
    return out[:most]


def _next_words(c: Scored, scored: list[Scored]) -> Scored | None:
    after = [s for s in scored if s.hit.passage.doc_path == c.hit.passage.doc_path
             and 0 <= s.sentence.start - c.sentence.end <= _ADJACENT]
    if not after:
        return None
    nxt = min(after, key=lambda s: s.sentence.start)
    if open_quote(c.text) or (_ATTRIBUTES.search(c.text) and _OPENS_QUOTE.match(nxt.text)):
        return nxt
    return None
