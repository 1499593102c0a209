"""Scoring cited answers against a question set: questions -> scores -> the printed report."""
from index.evaluation.questions import Question, QuestionFileError, load_questions
from index.evaluation.report import format_report
from index.evaluation.scoring import (ANSWERED_UNANSWERABLE, BAR, MEASURES, NOT_IN_ANSWER, NOT_RETRIEVED,
                                      WRONG_SOURCE, WRONGLY_ABSTAINED, EvalReport, comparable, passes, score)

__all__ = ["ANSWERED_UNANSWERABLE", "BAR", "MEASURES", "NOT_IN_ANSWER", "NOT_RETRIEVED", "WRONG_SOURCE",
           "WRONGLY_ABSTAINED", "EvalReport", "Question", "QuestionFileError", "comparable", "format_report",
           "load_questions", "passes", "score"]
