"""The question sets the answer models are fitted on, run through citebot's answer step.

Shared by scripts/train_confidence.py and scripts/train_abstention.py, each of which names the sets
it fits on (from JSQuAD's fit part, made on the fly by benchmarks/jsquad.py from
../shared/data/jsquad, benchmarks/news_a, benchmarks/news_b and the dev set) and the sets it only
measures on.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")

import json  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.jsquad import build as build_jsquad  # noqa: E402
from index.answer.compose import compose  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import EvalReport, Question, load_questions, score  # noqa: E402
from index.types import Answer  # noqa: E402

JSQUAD_QUESTIONS = {"fit": 600, "measure": 250}


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
    return base / "corpus", base / "questions.jsonl"


def run(name: str, work: Path) -> Run:
    """Index the set's corpus in `work` and answer each question, observing the models' inputs."""
    corpus, path = question_set(name, work)
    engine = Engine.open(work / f"{name}-index")
    engine.ingest([corpus])
    questions = load_questions(path)
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds = [r.get("kind") or ("answerable" if r.get("answerable") else "unanswerable") for r in raw]
    answers, observed = [], []
    for q in questions:
        seen: list = []
        query = engine.searcher.query(" ".join(q.question.split()))
        answers.append(compose(query, engine.searcher.rank(query, k=8), 5, engine.embedder.embed_queries,
                               observe=seen.append))
        observed.append(seen)
    engine.close()
    return Run(name, kinds, questions, answers, observed, score(questions, answers))


def auc(y, p) -> float:
    import numpy as np

    y, p = np.asarray(y), np.asarray(p)
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def fit_rows(collect, names: tuple[str, ...], work: Path) -> tuple:
    """`collect(name, work)`'s (x, y) rows of every named set as one (x, y, which): `which` numbers
    the set each row came from."""
    import numpy as np

    parts = [collect(name, work) for name in names]
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
