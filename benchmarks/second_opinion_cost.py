"""What the cross-lingual second model (embedding.SecondOpinion) costs: at ingest and per question.

    python benchmarks/second_opinion_cost.py [--corpus DIR] [--rounds 3]

Ingest: a corpus's chunks are embedded by the main model (passages and sentences, as the
pipeline does) and their sentences by the second model, alternately, `--rounds` times in this
one process; prints the median of each and the second model's share of an ingest. Question:
the dev set's questions embedded one at a time by each, after warm-up; prints medians and p95.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.stats import percentile  # noqa: E402
from index.embedding import SecondOpinion, load_embedder  # noqa: E402
from index.evaluation import load_questions  # noqa: E402
from index.ingest.chunking import chunk_document  # noqa: E402
from index.ingest.files import iter_article_files, read_article  # noqa: E402
from index.ingest.loaders import load_document  # noqa: E402
from index.ingest.pipeline import embed_texts, sentence_texts  # noqa: E402
from index.settings import DEFAULT_MODEL, default_threads  # noqa: E402

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEV / "corpus")
    ap.add_argument("--questions", type=Path, default=DEV / "questions.jsonl")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    main_model, second = load_embedder(DEFAULT_MODEL, default_threads()), SecondOpinion()
    texts, sentences, passages = [], [], 0
    for path, problem in iter_article_files([args.corpus]):
        if problem:
            continue
        doc = load_document(path, read_article(path))
        chunks = chunk_document(doc)
        texts += embed_texts(doc, chunks)  # what the pipeline gives each model
        sentences += sentence_texts(doc, chunks)
        passages += len(chunks)
    main_model.embed_passages(["warm-up"]), second.embed(["warm-up"])
    main_s, second_s = [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        for i in range(0, len(texts), 64):
            main_model.embed_passages(texts[i:i + 64])
        main_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        for i in range(0, len(sentences), 64):
            second.embed(sentences[i:i + 64])
        second_s.append(time.perf_counter() - t)
    m, s = statistics.median(main_s), statistics.median(second_s)
    print(f"ingest: {passages} passages, {len(sentences)} sentences; main model {m:.1f} s "
          f"({passages / m:.1f} passages/s with their sentences), second model {s:.2f} s "
          f"({len(sentences) / s:.0f} sentences/s): +{100 * s / m:.1f} % of the embedding time")
    questions = [q.question for q in load_questions(args.questions)]
    for q in questions[:2]:
        main_model.embed_queries([q]), second.embed([q])
    per = {"main": [], "second": []}
    for q in questions:
        t = time.perf_counter()
        main_model.embed_queries([q])
        per["main"].append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        second.embed([q])
        per["second"].append(1000 * (time.perf_counter() - t))
    for name, ms in per.items():
        print(f"question ({name} model): p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms "
              f"over {len(ms)} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
