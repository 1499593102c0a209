"""Chosen sentences -> numbered citations: one per article section the answer quotes, then the
other close passages as "related"."""
from __future__ import annotations

from collections.abc import Sequence

from index.answer.copies import published_also
from index.types import Answer, AnswerSentence, Citation, Hit, Query, Scored


def to_citation(n: int, hit: Hit, role: str = "related", quote: str | None = None) -> Citation:
    """A hit as the citation of an answer or lookup; "related" unless the caller knows better."""
    p = hit.passage
    return Citation(n=n, passage=p.text, title=p.title, section=p.section, url=p.url, source=p.source,
                    source_url=p.source_url, published=p.published, path=p.doc_path, score=hit.score,
                    outlet=p.outlet, role=role, quote=quote, library=p.library, also=published_also([hit]))


def _place(hit: Hit) -> tuple:
    """Where a passage sits for a reader: its article, section and quoted source. Two passages of
    one place are one entry in the source list."""
    p = hit.passage
    return p.doc_path, p.section, p.source_url


def _joined(hits: list[Hit]) -> str:
    """The passages of one place in the article's order; a gap between them is marked "…"."""
    hits = sorted(hits, key=lambda h: h.passage.start)
    text = hits[0].passage.text
    for before, after in zip(hits, hits[1:]):
        text += ("\n" if after.passage.start <= before.passage.end + 1 else "\n…\n") + after.passage.text
    return text


def _entry(n: int, group: list[Hit], role: str, quote: str | None = None) -> Citation:
    """One place's entry: its passages joined in the article's order, scored by the best of them."""
    citation = to_citation(n, group[0], role=role, quote=quote)
    if len(group) == 1:
        return citation
    return Citation(**{**citation.__dict__, "passage": _joined(group), "score": max(h.score for h in group),
                       "also": published_also(group)})


def cited_answer(q: Query, chosen: list[Scored], hits: list[Hit], k: int, read: Sequence[Hit] = ()) -> Answer:
    """Number the places the answer quotes in order of first use, then list the other hits
    (one per place, up to k entries in all) as related. A place's entry holds every passage of
    it among `hits` and the passages the answer was `read` from, not only the first: a second
    passage of the section the answer quotes is as close to the question as the other entries,
    and would otherwise not be shown. k bounds the entries, not the passages: held to the best k
    hits, the other half of a two-part question in the quoted section (a later hit of the
    engine's twelve) was left out of the list (fit sets: 14 more questions with all their
    evidence in the first five entries, none fewer; NOTES.md, session 60)."""
    places: dict[tuple, list[Hit]] = {}
    for c in chosen:
        group = places.setdefault(_place(c.hit), [])
        if all(h.passage.id != c.hit.passage.id for h in group):
            group.append(c.hit)
    number = {place: i + 1 for i, place in enumerate(places)}
    # The answer leads with the sentence that answers best; the others follow in citation
    # order, and within a place in the article's order.
    chosen = chosen[:1] + sorted(chosen[1:], key=lambda c: (number[_place(c.hit)], c.hit.passage.start,
                                                            c.sentence.start))
    related: dict[tuple, list[Hit]] = {}
    for h in (*hits, *read):
        place = _place(h)
        group = places.get(place) or related.get(place)
        if group is not None:
            # By passage: the answer's hits and the source list's may be ordered, and scored, apart.
            if all(g.passage.id != h.passage.id for g in group):
                group.append(h)
        elif len(places) + len(related) < k:
            related[place] = [h]
    citations = [_entry(number[place], group, "cited", next(c for c in chosen if _place(c.hit) == place).text)
                 for place, group in places.items()]
    citations += [_entry(len(places) + i + 1, group, "related") for i, group in enumerate(related.values())]
    sentences = tuple(AnswerSentence(c.text, number[_place(c.hit)]) for c in chosen)
    return Answer(q.text, sentences, tuple(citations), abstained=False, lang=q.lang)
