"""Numbering an answer's sources: one entry per article section it quotes, the other close passages as related."""
import numpy as np

from index.answer.citations import cited_answer
from index.types import Hit, Passage, Query, Scored, Sentence


def _hit(pid: int, text: str, start: int, doc: str = "/a.txt", section: str | None = "S") -> Hit:
    p = Passage(id=pid, doc_path=doc, text=text, start=start, end=start + len(text), title="T", section=section,
                url=None, source=None, source_url=None, published=None, lang="en")
    return Hit(p, 0.1)


def _scored(hit: Hit, text: str, score: float) -> Scored:
    at = hit.passage.start + hit.passage.text.index(text)
    return Scored(hit, Sentence(hit.passage.id, at, at + len(text), np.zeros(4, np.float32)), text, score)


def test_two_passages_of_one_section_are_one_source_and_others_are_related():
    """Sentences from two passages of one article section cite one entry holding both (a gap marked "…"); another article's passage is "related"."""
    first, second = _hit(1, "The bridge opened.", 0), _hit(2, "It cost ¥3 billion.", 500)
    other = _hit(3, "Ferries still run.", 0, doc="/b.txt")
    q = Query("q", "en", np.zeros(4, np.float32), [])
    answer = cited_answer(q, [_scored(first, "The bridge opened.", 0.3), _scored(second, "It cost ¥3 billion.", 0.29)],
                          [first, second, other], k=5)
    assert [s.n for s in answer.sentences] == [1, 1] and answer.problem() is None
    (source, related) = answer.citations
    assert source.role == "cited" and source.passage == "The bridge opened.\n…\nIt cost ¥3 billion."
    assert source.quote == "The bridge opened."
    assert related.n == 2 and related.role == "related" and related.path == "/b.txt"


def test_a_close_passage_of_a_place_already_listed_joins_its_entry():
    """Every passage of the hits from a section the answer quotes (or lists as related) is shown in that entry, even past the k-th hit: k bounds the entries, not the passages."""
    quoted, unquoted = _hit(1, "The bridge opened.", 0), _hit(2, "Tolls start at ¥500.", 500)
    near, near_too = _hit(3, "Ferries still run.", 0, doc="/b.txt"), _hit(4, "The ferry fare is ¥300.", 300, doc="/b.txt")
    other = _hit(5, "Buses run hourly.", 0, doc="/c.txt")
    far = _hit(6, "A second ferry line closed.", 900, doc="/b.txt")
    q = Query("q", "en", np.zeros(4, np.float32), [])
    answer = cited_answer(q, [_scored(quoted, "The bridge opened.", 0.3)],
                          [quoted, near, unquoted, other, near_too, far], k=2)
    (source, related) = answer.citations
    assert source.role == "cited" and source.passage == "The bridge opened.\n…\nTolls start at ¥500."
    assert source.quote == "The bridge opened."
    assert related.role == "related"
    assert related.passage == "Ferries still run.\n…\nThe ferry fare is ¥300.\n…\nA second ferry line closed."


def test_the_source_list_order_with_the_answers_own_passages_kept():
    """Related entries follow the source list's order; a passage the answer was read from still joins its quoted section's entry when the source list left it out."""
    quoted, same_section = _hit(1, "The bridge opened.", 0), _hit(2, "Tolls start at ¥500.", 500)
    likely, less = _hit(3, "The ferry fare is ¥300.", 0, doc="/b.txt"), _hit(4, "Buses run hourly.", 0, doc="/c.txt")
    q = Query("q", "en", np.zeros(4, np.float32), [])
    answer = cited_answer(q, [_scored(quoted, "The bridge opened.", 0.3)], [quoted, likely, less], k=3,
                          read=[quoted, same_section, less])
    (source, first, second) = answer.citations
    assert source.passage == "The bridge opened.\n…\nTolls start at ¥500."
    assert (first.path, second.path) == ("/b.txt", "/c.txt")
