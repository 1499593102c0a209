"""The answer contract: Answer.problem() finds every way an answer can mis-cite."""
from index.types import Answer, AnswerSentence, Citation


def _citation(n: int, passage: str) -> Citation:
    return Citation(n=n, passage=passage, title="t", section=None, url=None, source=None, source_url=None,
                    published=None, path=f"/a{n}.txt", score=0.1)


CITES = (_citation(1, "The bridge opened on Monday. It cost ¥3 billion."), _citation(2, "港町で祭りが開かれた。"))


def test_a_well_cited_answer_and_an_abstention_have_no_problem():
    """Sentences quoted from their own citations, or an abstention with a message, pass."""
    ok = Answer("q", (AnswerSentence("It cost ¥3 billion.", 1), AnswerSentence("港町で祭りが開かれた。", 2)), CITES, False)
    declined = Answer("q", (), CITES, True, message="not covered")
    assert ok.problem() is None and declined.problem() is None


def test_each_way_of_misciting_is_a_problem():
    """A sentence from another citation, a paraphrase, a bad numbering or an empty abstention is reported."""
    assert "[2]" in Answer("q", (AnswerSentence("It cost ¥3 billion.", 2),), CITES, False).problem()
    assert "[1]" in Answer("q", (AnswerSentence("The bridge cost 3 billion yen.", 1),), CITES, False).problem()
    assert Answer("q", (AnswerSentence("港町で祭りが開かれた。", 2),), CITES[1:], False).problem()
    assert Answer("q", (), CITES, False).problem()
    assert Answer("q", (), CITES, True).problem()


def test_excerpt_centres_on_the_quote_and_marks_every_cut():
    """A long passage is cut around its quoted sentence, with "…" on each cut side and the quote marked."""
    c = Citation(**{**_citation(1, "A" * 200 + " The key sentence. " + "B" * 200).__dict__, "quote": "The key sentence."})
    short = c.excerpt(60, ("**", "**"))
    assert len(short) <= 60 and short.startswith("…") and short.endswith("…") and "**The key sentence.**" in short
    whole = _citation(2, "Short passage.")
    assert whole.excerpt(60) == "Short passage."
    assert _citation(3, "x" * 100).excerpt(10) == "x" * 9 + "…"
