"""Citation lookup: the passages whose sentences state a claim, best first."""
from __future__ import annotations

from index.answer.compose import score_sentences, to_citation
from index.types import Citation, Query, Ranking

# A passage supports a claim when one of its sentences is at least this close to it
# (bias-corrected cosine); below it, citation lookup says it found nothing.
SUPPORT_ABOVE = 0.05


def supporting(claim: Query, ranking: Ranking, k: int) -> list[Citation]:
    """The ranked passages that support the claim, ordered by their best sentence; empty when none does."""
    hits = ranking.hits
    best: dict[int, float] = {}
    for s in score_sentences(claim, ranking, hits):
        best.setdefault(s.hit.passage.id, s.score)
    ranked = sorted((h for h in hits if best.get(h.passage.id, -1.0) >= SUPPORT_ABOVE),
                    key=lambda h: -best[h.passage.id])
    return [to_citation(i + 1, h) for i, h in enumerate(ranked[:k])]
