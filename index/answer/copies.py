"""Passages that repeat another article's passage word for word: the same story at two URLs.

Ingest keeps one of two byte-identical files, but a story re-posted with another footer, URL line
or page layout is a second document with the same passages. Both stay indexed (each is a place
the story was published); a ranking shows the better-placed one and leaves its copies out, which
would otherwise take the answer's other sentences and the source list's other entries
(benchmarks/copies.py --near).
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import lru_cache

from index.types import Hit

# A passage is a copy when this share of the shorter text's character 5-grams is in the longer
# one. Passages of different articles in the fit sets' corpora (news_a, b, e, f, i, j, m, n, dev,
# JSQuAD's fit part) share at most a third of them (one pair); a re-posted story shares all but
# those of the sentences its edits touched.
COPY_SHARE = 0.8
SHINGLE = 5
# Copies score alike (their sentences are the same text, so the same vectors); a pair further
# apart than this is not compared, which keeps the check to a few pairs a question.
COPY_SCORE_GAP = 0.05
CHECKED_PER_SHOWN = 3


@lru_cache(maxsize=8192)
def shingles(text: str) -> frozenset[str]:
    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return frozenset(flat[i:i + SHINGLE] for i in range(max(1, len(flat) - SHINGLE + 1)))


def is_copy(a: str, b: str) -> bool:
    """Whether one passage's text repeats the other's (see COPY_SHARE)."""
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) >= COPY_SHARE * min(len(sa), len(sb))


def without_copies(hits: list[Hit], k: int) -> list[Hit]:
    """`hits` (best first) without the passages that copy a better one of another article, checked
    until CHECKED_PER_SHOWN * k are kept: a ranking shows k, and what lies further down is never
    shown (with a cold cache the check costs about 4.4 ms over all ~80 candidates, 1.4 ms over
    the first 24)."""
    kept: list[Hit] = []
    for i, h in enumerate(hits):
        if len(kept) >= CHECKED_PER_SHOWN * k:
            return kept + hits[i:]
        p = h.passage
        original = next((j for j, better in enumerate(kept)
                         if (better.passage.library, better.passage.doc_path) != (p.library, p.doc_path)
                         and better.passage.lang == p.lang and abs(better.score - h.score) <= COPY_SCORE_GAP
                         and is_copy(better.passage.text, p.text)), None)
        if original is None:
            kept.append(h)
        else:  # kept as where else the passage was published
            kept[original] = replace(kept[original], copies=(*kept[original].copies, p, *h.copies))
    return kept


def published_also(hits: list[Hit]) -> tuple[str, ...]:
    """Where else the passages of `hits` were published: their copies' articles, each once, by URL
    (else path), not counting the hits' own articles."""
    own = {x for h in hits for x in (h.passage.url, h.passage.doc_path)}
    places = (c.url or c.doc_path for h in hits for c in h.copies)
    return tuple(dict.fromkeys(x for x in places if x not in own))
