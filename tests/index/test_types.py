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
