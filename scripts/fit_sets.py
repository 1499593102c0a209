"""The question sets the answer models are fitted on, run through citebot's answer step.

Shared by scripts/train_confidence.py, which fits on FIT (JSQuAD's fit part, made on the fly by
benchmarks/jsquad.py from ../shared/data/jsquad, benchmarks/news_a, news_b, news_e, news_f, news_i,
news_j, news_m, news_n and the dev set), and scripts/train_abstention.py, which fits on a part of it; each names
the sets it only measures on.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")

import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.jsquad import build as build_jsquad  # noqa: E402
from benchmarks.library import FITTED_NEWS, unseen_news  # noqa: E402
from index.answer.compose import compose  # noqa: E402
from index.answer.logistic import LogisticModel  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import EvalReport, Question, load_questions, score  # noqa: E402
from index.types import Answer, Query, Ranking, Thresholds  # noqa: E402

JSQUAD_QUESTIONS = {"fit": 600, "measure": 250}
# Sets of questions no article answers, asked over another set's library (benchmarks/offlib_a's README).
OFF_LIBRARY = {"offlib_a": "news_a", "offlib_b": "news_d"}
# The README reports none of these as unseen.
FIT = ("jsquad-fit", *FITTED_NEWS, "dev")
# Every other news set and heldout: the README reports them as unseen; `--measure` answers them.
UNSEEN = (*(p.name for p in unseen_news()), "heldout")


@dataclass(frozen=True)
class Run:
    """One set answered: its questions, their answers, what compose observed for each, the scores."""

    name: str
    kinds: list[str]  # JSQuAD's "answerable", "removed", "off_library"; else answerable/unanswerable
    questions: list[Question]
    answers: list[Answer]
    observed: list[list]
    report: EvalReport


def question_set(name: str, work: Path) -> tuple[Path, Path]:
    if name.startswith("jsquad-"):
        part = name.removeprefix("jsquad-")
        out = work / name
        build_jsquad(part, out, max_questions=JSQUAD_QUESTIONS[part], force=True)
        return out / "corpus", out / "questions.jsonl"
    base = REPO.parent / "shared" / "eval" / "dev" if name == "dev" else REPO / "benchmarks" / name
    library = REPO / "benchmarks" / OFF_LIBRARY[name] if name in OFF_LIBRARY else base
    return library / "corpus", base / "questions.jsonl"


@dataclass(frozen=True)
class Ranked:
    """One set's questions, each ranked once, ready to be composed under any thresholds."""

    name: str
    kinds: list[str]  # JSQuAD's "answerable", "removed", "off_library"; else answerable/unanswerable
    questions: list[Question]
    rankings: list[tuple[Query, Ranking]]
    embed_queries: Callable[[list[str]], np.ndarray]

    def compose(self, thresholds: Thresholds | None = None,
                joiner: LogisticModel | None = None) -> tuple[list[Answer], list[list]]:
        """Every question's answer under `thresholds` and `joiner` (the committed ones if None), and
        what compose observed for each."""
        answers, observed = [], []
        for query, ranking in self.rankings:
            seen: list = []
            answers.append(compose(query, ranking, 5, self.embed_queries, observe=seen.append, thresholds=thresholds,
                                   joiner=joiner))
            observed.append(seen)
        return answers, observed


def ranked(name: str, work: Path) -> Ranked:
    """Index the set's corpus in `work` and rank each question once."""
    corpus, path = question_set(name, work)
    engine = Engine.open(work / f"{name}-index")
    engine.ingest([corpus])
    questions = load_questions(path)
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds = [r.get("kind") or ("answerable" if r.get("answerable") else "unanswerable") for r in raw]
    rankings = []
    for q in questions:
        query = engine.searcher.query(" ".join(q.question.split()))
        ranking = engine.searcher.rank(query, k=8)
        ranking.second()  # embedded now: the engine closes before the set is composed
        rankings.append((query, ranking))
    engine.close()
    # A fit composes each question many times; its nouns are embedded once.
    embed = lru_cache(maxsize=None)(lambda words: engine.embedder.embed_queries(list(words)))
    return Ranked(name, kinds, questions, rankings, lambda words: embed(tuple(words)))


def run(name: str, work: Path) -> Run:
    """Index the set's corpus in `work` and answer each question, observing the models' inputs."""
    sets = ranked(name, work)
    answers, observed = sets.compose()
    return Run(name, sets.kinds, sets.questions, answers, observed, score(sets.questions, answers))


def auc(y, p) -> float:
    y, p = np.asarray(y), np.asarray(p)
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def fit_rows(collect, names: tuple[str, ...], work: Path) -> tuple:
    """`collect(name, work)`'s (x, y) rows of every named set as one (x, y, which): `which` numbers
    the set each row came from."""
    return stack([collect(name, work) for name in names])


def stack(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple:
    """Several sets' (x, y) rows as one (x, y, which): `which` numbers the set each row came from."""
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    which = np.concatenate([np.full(len(p[1]), i) for i, p in enumerate(parts)])
    return x, y, which


def arguments(doc: str):
    """The training scripts' one option: --measure, to score the new model on the unseen sets."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="also answer the unseen sets with the new model")
    return parser.parse_args()
