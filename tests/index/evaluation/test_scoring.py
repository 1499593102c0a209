"""Scoring against a hand-made question set whose every measure is worked out by hand."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.evaluation import (
    ANSWERED_UNANSWERABLE,
    BAR,
    NOT_IN_ANSWER,
    NOT_RETRIEVED,
    WRONG_SOURCE,
    WRONGLY_ABSTAINED,
    Question,
    QuestionFileError,
    format_report,
    load_questions,
    comparable,
    passes,
    score,
)
from index.types import Answer, AnswerSentence, Citation

# Eight questions, one behaviour each (see the comment beside each answer below).
QUESTIONS = [
    {"id": "q1", "question": "東京タワーの高さは?", "lang": "ja", "type": "fact", "answerable": True,
     "evidence": ["東京タワーは高さ333メートル"], "file": "tower.txt", "answer": "333m",
     "source_url": "https://ex.jp/tower"},
    {"id": "q2", "question": "When did the tower open?", "lang": "en", "type": "paraphrase", "answerable": True,
     "evidence": ["opened in 1958"], "file": "tower_en.md", "answer": "1958",
     "source_url": "https://ex.com/tower"},
    {"id": "q3", "question": "祭りはどこで、誰が報じたか。", "lang": "ja", "type": "multi-hop", "answerable": True,
     "evidence": ["祭りは浅草で開かれた", "https://news.ex/fest"], "file": ["matome.txt", "matome.txt"],
     "answer": "浅草、news.ex", "source_url": ["https://news.ex/fest", None, "https://ex.jp/asakusa"]},
    {"id": "q4", "question": "What date was the vote?", "lang": "en", "type": "date", "answerable": True,
     "evidence": ["the vote was held on Oct. 4"], "file": "vote.html", "answer": "Oct 4",
     "source_url": None},
    {"id": "q5", "question": "市長は何と言ったか。", "lang": "ja", "type": "unanswerable", "answerable": False,
     "evidence": [], "file": None, "answer": "", "source_url": None},
    {"id": "q6", "question": "How many people attended?", "lang": "en", "type": "unanswerable",
     "answerable": False, "evidence": [], "file": None, "answer": "", "source_url": None},
    {"id": "q7", "question": "発表はいつか。", "lang": "ja", "type": "fact", "answerable": True,
     "evidence": ["2025年10月6日に発表された"], "file": "nobel.txt", "answer": "2025年10月6日",
     "source_url": "https://ex.jp/nobel"},
    {"id": "q8", "question": "Who hit the home run?", "lang": "en", "type": "cross-lingual", "answerable": True,
     "evidence": ["同点本塁打を放った"], "file": "ws.txt", "answer": "Rojas",
     "source_url": "https://ex.jp/ws"},
]


def cit(n: int, passage: str, *, title: str = "doc", url: str | None = None, source_url: str | None = None,
        section: str | None = None, published: str | None = None, source: str | None = None) -> Citation:
    return Citation(n=n, passage=passage, title=title, section=section, url=url, source=source,
                    source_url=source_url, published=published, path=f"/corpus/{title}", score=1.0 / n)


def answered(question: str, sentences: list[tuple[str, int]], citations: list[Citation]) -> Answer:
    return Answer(question=question, sentences=tuple(AnswerSentence(t, n) for t, n in sentences),
                  citations=tuple(citations), abstained=False)


def abstained(question: str, citations: list[Citation]) -> Answer:
    return Answer(question=question, sentences=(), citations=tuple(citations), abstained=True,
                  message="the articles don't cover this")


FILLER = [cit(i, f"関係のない文章その{i}。", title=f"other{i}") for i in range(1, 6)]


def answers() -> list[Answer]:
    return [
        # q1: right at rank 1, quoted, right URL: every measure true.
        answered("q1", [("東京タワーは高さ333メートルの電波塔。", 1)],
                 [cit(1, "東京タワーは高さ333メートルの電波塔。", title="tower", url="https://ex.jp/tower"),
                  *FILLER[1:]]),
        # q2: found only at rank 3; the answer quotes rank 1, so the evidence isn't in the answer.
        answered("q2", [("The tower is red.", 1)],
                 [cit(1, "The tower is red."), cit(2, "It is in Minato."),
                  cit(3, "The tower opened in 1958.", url="https://ex.com/tower"), *FILLER[3:]]),
        # q3: evidence split over ranks 2 and 4; the second is the URL shown beside citation [4].
        answered("q3", [("祭りは浅草で開かれた。", 2), ("写真も多い。", 4)],
                 [cit(1, "別の話題。"), cit(2, "祭りは浅草で開かれた。", url="https://ex.jp/asakusa"),
                  cit(3, "天気は晴れ。"),
                  cit(4, "写真も多い。", source="NEWS", source_url="https://news.ex/fest"), FILLER[4]]),
        # q4: retrieved at rank 1 but abstained; no gold URL, so it drops out of source_url@5.
        abstained("q4", [cit(1, "In the end the vote was held on Oct. 4 in Tokyo."), *FILLER[1:]]),
        # q5: unanswerable, abstained, still showing its closest passages.
        abstained("q5", [cit(1, "市の予算について。")]),
        # q6: unanswerable but answered.
        answered("q6", [("Many came.", 1)], [cit(1, "Many came.")]),
        # q7: full-width digits, a line break and a space in the passage; the wrong article URL.
        answered("q7", [("賞は２０２５年１０月\n６日に 発表された。", 1)],
                 [cit(1, "賞は２０２５年１０月\n６日に 発表された。", url="https://ex.jp/other"), *FILLER[1:]]),
        # q8: nothing relevant anywhere.
        answered("q8", [("関係のない文章その1。", 1)], FILLER),
    ]


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def report(questions_file: Path):
    return score(load_questions(questions_file), answers())


def value(report, measure: str, group: str = "overall") -> tuple[int, int]:
    g = report.overall if group == "overall" else {**report.by_type, **report.by_lang}[group]
    m = g.measures[measure]
    return m.hits, m.total


def test_load_questions_normalises_file_and_source_url_to_lists(questions_file: Path):
    """A single string becomes a one-item list, null becomes [], nulls inside a list are dropped."""
    qs = {q.id: q for q in load_questions(questions_file)}
    assert qs["q1"].file == ["tower.txt"] and qs["q1"].source_url == ["https://ex.jp/tower"]
    assert qs["q3"].file == ["matome.txt", "matome.txt"]
    assert qs["q3"].source_url == ["https://news.ex/fest", "https://ex.jp/asakusa"]
    assert qs["q5"].file == [] and qs["q5"].source_url == [] and qs["q5"].answerable is False
    assert isinstance(qs["q1"], Question) and qs["q1"].evidence == ["東京タワーは高さ333メートル"]


def test_load_questions_names_the_bad_line(tmp_path: Path):
    """A malformed line raises QuestionFileError naming its line number and what is wrong."""
    path = tmp_path / "q.jsonl"
    good = json.dumps(QUESTIONS[0], ensure_ascii=False)
    path.write_text(f"{good}\n\n{{not json\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match=r"q\.jsonl:3: not valid JSON"):
        load_questions(path)
    path.write_text(f"{good}\n" + json.dumps({"id": "x", "question": "?"}) + "\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match=r":2: missing key\(s\): lang, type, answerable"):
        load_questions(path)


def test_normalize_is_nfkc_without_whitespace():
    """Full-width forms fold to ASCII and every kind of whitespace disappears."""
    assert comparable("２０２５年\n１０月　６日 ＡＢ") == "2025年10月6日AB"


def test_overall_measures_and_denominators(report):
    """Each measure's hits/denominator over the hand-made set, unanswerables and null URLs excluded."""
    assert value(report, "hit@1") == (3, 6)
    assert value(report, "hit@3") == (4, 6)
    assert value(report, "hit@5") == (5, 6)
    assert value(report, "answer_has_evidence") == (3, 6)
    assert value(report, "cite@1") == (3, 6)
    assert value(report, "source_url@5") == (3, 5)
    assert value(report, "false_abstain") == (1, 6)
    assert value(report, "unanswerable_abstained") == (1, 2)
    assert report.overall.questions == 8
    assert report.overall.value("hit@5") == pytest.approx(5 / 6)


def test_per_question_measures(report):
    """Rank-1 hit, rank-3 hit, split multi-evidence, wrong abstain and NFKC matching each score as worked out."""
    m = {r.id: r.measures for r in report.results}
    assert m["q1"] == {"hit@1": True, "hit@3": True, "hit@5": True, "answer_has_evidence": True, "cite@1": True,
                       "source_url@5": True, "false_abstain": False, "unanswerable_abstained": None}
    assert (m["q2"]["hit@1"], m["q2"]["hit@3"], m["q2"]["answer_has_evidence"], m["q2"]["cite@1"]) == (
        False, True, False, False)
    assert (m["q3"]["hit@3"], m["q3"]["hit@5"], m["q3"]["answer_has_evidence"], m["q3"]["source_url@5"]) == (
        False, True, True, True)
    assert (m["q4"]["hit@1"], m["q4"]["answer_has_evidence"], m["q4"]["source_url@5"], m["q4"]["false_abstain"]) == (
        True, False, None, True)
    assert (m["q7"]["hit@1"], m["q7"]["answer_has_evidence"], m["q7"]["source_url@5"]) == (True, True, False)
    assert m["q5"]["unanswerable_abstained"] is True and m["q5"]["hit@5"] is None
    assert m["q6"]["unanswerable_abstained"] is False


def test_failure_reasons(report):
    """Each wrong question lists every reason it failed; right ones list none."""
    reasons = {r.id: r.reasons for r in report.results}
    assert reasons == {
        "q1": [],
        "q2": [NOT_IN_ANSWER],
        "q3": [],
        "q4": [NOT_IN_ANSWER, WRONGLY_ABSTAINED],
        "q5": [],
        "q6": [ANSWERED_UNANSWERABLE],
        "q7": [WRONG_SOURCE],
        "q8": [NOT_RETRIEVED, WRONG_SOURCE],
    }
    assert [r.id for r in report.wrong] == ["q2", "q4", "q6", "q7", "q8"]


def test_groups_by_type_and_lang(report):
    """Rows by type and by lang carry their own denominators; a measure with none is None."""
    assert sorted(report.by_type) == ["cross-lingual", "date", "fact", "multi-hop", "paraphrase", "unanswerable"]
    assert value(report, "hit@1", "fact") == (2, 2)
    assert value(report, "source_url@5", "fact") == (1, 2)
    assert value(report, "source_url@5", "date") == (0, 0)
    assert report.by_type["date"].value("source_url@5") is None
    assert value(report, "unanswerable_abstained", "unanswerable") == (1, 2)
    assert value(report, "hit@5", "ja") == (3, 3)
    assert value(report, "hit@5", "en") == (2, 3)
    assert value(report, "unanswerable_abstained", "ja") == (1, 1)
    assert value(report, "unanswerable_abstained", "en") == (0, 1)
    assert report.by_lang["ja"].questions == 4


def test_answer_evidence_counts_only_referenced_citations_metadata():
    """A URL shown beside a listed but unreferenced citation doesn't count as in the answer."""
    q = Question(id="x", question="?", lang="ja", type="source", answerable=True,
                 evidence=["https://news.ex/fest"], source_url=["https://news.ex/fest"])
    cites = [cit(1, "本文。"), cit(2, "別。", source_url="https://news.ex/fest")]
    only_first = score([q], [answered("?", [("本文。", 1)], cites)])
    both = score([q], [answered("?", [("本文。", 1), ("別。", 2)], cites)])
    assert only_first.results[0].measures["answer_has_evidence"] is False
    assert only_first.results[0].measures["hit@5"] is True
    assert both.results[0].measures["answer_has_evidence"] is True


def test_evidence_does_not_straddle_passage_and_metadata():
    """Passage and metadata are searched one field at a time, so a match can't span their boundary."""
    q = Question(id="x", question="?", lang="ja", type="fact", answerable=True, evidence=["終わりタイトル"])
    r = score([q], [answered("?", [("文の終わり", 1)], [cit(1, "文の終わり", title="タイトル")])])
    assert r.results[0].measures["hit@1"] is False


def test_source_url_needs_every_gold_url():
    """With a list of gold URLs, one of them among the top 5 is not enough."""
    q = Question(id="x", question="?", lang="en", type="multi-hop", answerable=True, evidence=["a"],
                 source_url=["https://a.ex/1", "https://b.ex/2"])
    one = [cit(1, "a", url="https://a.ex/1")]
    both = [*one, cit(2, "b", source_url="https://b.ex/2")]
    assert score([q], [answered("?", [("a", 1)], one)]).results[0].measures["source_url@5"] is False
    assert score([q], [answered("?", [("a", 1)], both)]).results[0].measures["source_url@5"] is True


def test_hits_beyond_rank_five_do_not_count():
    """Only the first k citations are searched for hit@k and source_url@5."""
    q = Question(id="x", question="?", lang="en", type="fact", answerable=True, evidence=["needle"],
                 source_url=["https://n.ex"])
    cites = [*FILLER, cit(6, "needle", url="https://n.ex")]
    m = score([q], [answered("?", [("x", 1)], cites)]).results[0].measures
    assert (m["hit@5"], m["source_url@5"]) == (False, False)


def test_score_rejects_unpaired_answers(questions_file: Path):
    """Questions and answers must pair up one to one."""
    with pytest.raises(ValueError, match="8 questions but 7 answers"):
        score(load_questions(questions_file), answers()[:7])


def test_bar_pass_fail():
    """Thresholds are inclusive; false_abstain passes at or below its bar, the others at or above."""
    assert BAR["hit@5"] == (">=", 0.92) and BAR["false_abstain"] == ("<=", 0.05)
    assert passes("hit@5", 0.92) is True and passes("hit@5", 0.91) is False
    assert passes("false_abstain", 0.05) is True and passes("false_abstain", 0.06) is False
    assert passes("hit@3", 0.5) is None and passes("hit@1", None) is None


def test_report_bar_verdicts(report):
    """The report judges the overall row against every bar measure."""
    assert report.bar() == {"hit@5": False, "hit@1": False, "answer_has_evidence": False, "cite@1": False,
                            "source_url@5": False, "unanswerable_abstained": False, "false_abstain": False}
    assert report.passed is False


def test_format_report_shows_rows_bar_and_wrong_questions(report):
    """The text report has the overall, type and lang rows, pass/fail, and one line per wrong question."""
    text = format_report(report)
    lines = text.splitlines()
    assert lines[1].startswith("overall") and "0.50 3/6" in lines[1]
    assert any(line.startswith("cross-lingual") for line in lines)
    assert any(line.startswith("ja ") for line in lines)
    assert "FAIL" in text
    wrong = [line for line in lines if line.startswith("  q")]
    assert [line.split()[0] for line in wrong] == ["q2", "q4", "q6", "q7", "q8"]
    assert "wrongly abstained" in wrong[1] and "top: doc" in wrong[1]


def test_to_json_round_trips_with_denominators(report):
    """to_json is plain JSON with each measure's value, hits and denominator, and the bar verdicts."""
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["overall"]["measures"]["source_url@5"] == {"value": 0.6, "hits": 3, "total": 5}
    assert data["by_type"]["date"]["measures"]["source_url@5"] == {"value": None, "hits": 0, "total": 0}
    assert data["bar"]["false_abstain"] == {"op": "<=", "threshold": 0.05, "value": 0.1667, "pass": False}
    assert data["questions"][3]["reasons"] == [NOT_IN_ANSWER, WRONGLY_ABSTAINED]
    assert data["passed"] is False
