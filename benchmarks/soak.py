"""Soak test: many concurrent questions while an ingest runs, repeated to show memory stays flat.

    python benchmarks/soak.py [--questions 500] [--tasks 20] [--runs 3] [--articles 40]

Builds a generated corpus (invented towns and events, written here) in a temp dir, indexes it,
then per run: rewrites a second folder of articles and ingests it in a thread while `--tasks`
asyncio tasks fire `--questions` questions through `asyncio.to_thread(engine.ask, ...)`, as the
bot does. Reports errors (exceptions or malformed answers; must be 0), p50/p95 latency,
throughput, how many answers overlapped the ingest, and RSS after each run (from /proc), flagging
growth above 10% between the first run and the last, also after glibc malloc_trim (live memory).
`--arena-max 2` caps glibc's malloc arenas: RSS growth that vanishes with it is the allocator's
per-thread arenas keeping freed memory, not a leak. Exit status 1 on any error.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.stats import percentile  # noqa: E402
from index.engine import Engine  # noqa: E402

GROWTH_FLAG = 0.10

TOWNS_JA = ["北浜町", "青葉市", "南風村", "白砂町", "桜ヶ丘市", "若草町", "東雲市", "緑川村", "朝霧町", "星野市",
            "梅園町", "山吹市", "霞浦町", "月見村", "高原市"]
TOWNS_EN = ["Millbrook", "Ashford", "Kestrel Bay", "Oakhollow", "Fernley", "Greywater", "Larkspur", "Westmere",
            "Brambleton", "Sunhaven", "Copperfield", "Eastwick", "Thornbury", "Riverside", "Highmoor"]
EVENTS_JA = [("花火大会", "花火"), ("秋祭り", "みこし"), ("マラソン大会", "ランナー"), ("朝市", "野菜"),
             ("音楽祭", "演奏"), ("陶器市", "器"), ("雪像コンテスト", "雪像"), ("灯籠流し", "灯籠")]
EVENTS_EN = [("harbour festival", "boats"), ("book fair", "stalls"), ("half marathon", "runners"),
             ("cheese market", "cheeses"), ("jazz weekend", "bands"), ("kite show", "kites"),
             ("lantern parade", "lanterns"), ("cider festival", "orchards")]
DETAILS_JA = ["駐車場は臨時に三か所増やされた", "会場には救護所が二か所設けられた", "売り上げの一部は地元の学校に寄付される",
              "雨天の場合は翌週に延期される", "今年から会場の案内板が英語でも表示された"]
DETAILS_EN = ["extra buses ran from the station every ten minutes", "a first-aid tent stood by the main gate",
              "part of the takings goes to the town's school", "the event moves to the following week if it rains",
              "volunteers handed out maps in four languages"]


def _ja_article(rng: random.Random, i: int, version: int) -> tuple[str, str, dict]:
    town, (event, thing) = rng.choice(TOWNS_JA), rng.choice(EVENTS_JA)
    visitors, count, day = rng.randrange(2, 90) * 1000 + version, rng.randrange(20, 400), rng.randrange(1, 28)
    body = (f"{town}で{event}が開かれ、約{visitors}人が訪れた。{thing}の数は{count}に上り、過去最多となった。"
            f"{event}は10月{day}日まで続く。主催者によると、{rng.choice(DETAILS_JA)}。"
            f"{town}の担当者は「来年も続けたい」と話した。")
    fact = {"q": f"{town}の{event}には何人が訪れた?", "a": f"{visitors}人"}
    kind = i % 3
    if kind == 0:
        text = f"{town}の{event}\nURL: https://news.example.jp/{i}\nDate: 2025-10-{day:02d}\n\n{body}\n"
        return f"ja_{i:03d}.txt", text, fact
    if kind == 1:
        text = f"---\ntitle: {town}の{event}\ndate: 2025-10-{day:02d}\nurl: https://blog.example.jp/{i}\n---\n\n" \
               f"# {town}の{event}\n\n## 概要\n\n{body}\n"
        return f"ja_{i:03d}.md", text, fact
    text = (f"{town}の{event}まとめ!今年は何が違った?\n{town}の{event}の話題を短くまとめます。\n公開日:2025/10/{day:02d}\n\n"
            + "\n".join(f"✅ {s}。" for s in body.rstrip("。").split("。")) +
            f"\nさらに読む ⇒地域新報出典/画像元: https://chiiki.example.jp/a/{i}来年も楽しみですね。\n")
    return f"ja_{i:03d}_matome.txt", text, fact


def _en_article(rng: random.Random, i: int, version: int) -> tuple[str, str, dict]:
    town, (event, thing) = rng.choice(TOWNS_EN), rng.choice(EVENTS_EN)
    visitors, count = rng.randrange(2, 90) * 1000 + version, rng.randrange(20, 400)
    body = (f"The {event} in {town} drew about {visitors:,} visitors over the weekend. "
            f"Organisers counted {count} {thing}, a record for the event. "
            f"They said {rng.choice(DETAILS_EN)}. The council plans to hold it again next year.")
    fact = {"q": f"How many visitors did the {event} in {town} draw?", "a": f"{visitors:,}"}
    if i % 2:
        title = f"{event.title()} in {town}"
        text = (f"<html><head><title>{title} - Town Crier</title><meta property='og:site_name' content='Town Crier'>"
                f"</head><body><nav>Home</nav><article><h1>{title}</h1><p>{body}</p></article>"
                f"<footer>(c) Town Crier</footer></body></html>")
        return f"en_{i:03d}.html", text, fact
    text = f"{event.title()} in {town}\nURL: https://crier.example.com/{i}\nDate: 2025-10-12\n\n{body}\n"
    return f"en_{i:03d}.txt", text, fact


def write_corpus(folder: Path, n: int, seed: int, version: int = 0, offset: int = 0) -> list[dict]:
    """n generated articles (half Japanese, half English, mixed formats); returns their question/answer facts."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    facts = []
    for i in range(offset, offset + n):
        name, text, fact = (_ja_article if i % 2 == 0 else _en_article)(rng, i, version)
        (folder / name).write_text(text, encoding="utf-8")
        facts.append(fact)
    return facts


ODD_QUESTIONS = ["@everyone 祭りはいつまで?", "<@&123> which festival drew the most visitors?", "😀🎉 花火",
                 "**jazz** weekend?", "Quand a eu lieu la foire aux livres ?", "음악제는 언제까지?", "?!",
                 "\u200b朝市の\u200d野菜は?"]


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc/self/status."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def malloc_trim() -> bool:
    """Ask glibc to hand freed heap back to the OS, so RSS shows live memory rather than retained arenas."""
    try:
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def limit_malloc_arenas(n: int) -> bool:
    """glibc's mallopt(M_ARENA_MAX, n), as MALLOC_ARENA_MAX=n would: must run before the threads start.

    Many threads allocating at once get up to 8 arenas per core, and the free memory each keeps
    shows as RSS that grows by steps over the runs; with 2 arenas RSS stays flat.
    """
    try:
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").mallopt(-8, n))  # M_ARENA_MAX
    except (OSError, AttributeError):
        return False


@dataclass
class RunResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    abstained: int = 0
    during_ingest: int = 0
    ingest_seconds: float = 0.0
    ingest_summary: str = ""
    wall: float = 0.0


async def one_run(engine: Engine, questions: list[str], tasks: int, ingest_folder: Path) -> RunResult:
    result = RunResult()
    queue: asyncio.Queue[str] = asyncio.Queue()
    for q in questions:
        queue.put_nowait(q)
    ingesting = threading.Event()

    def ingest() -> None:
        ingesting.set()
        started = time.perf_counter()
        try:
            report = engine.ingest([ingest_folder])
            result.ingest_summary = (f"{len(report.added)} added, {len(report.updated)} updated, "
                                     f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped")
        except Exception as exc:  # noqa: BLE001 - a soak counts every failure
            result.errors.append(f"ingest: {type(exc).__name__}: {exc}")
        finally:
            result.ingest_seconds = time.perf_counter() - started
            ingesting.clear()

    async def worker() -> None:
        while True:
            try:
                q = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            overlapped = ingesting.is_set()
            started = time.perf_counter()
            try:
                answer = await asyncio.to_thread(engine.ask, q)
            except Exception as exc:  # noqa: BLE001 - a soak counts every failure
                result.errors.append(f"{q[:40]!r}: {type(exc).__name__}: {exc}")
                continue
            result.latencies.append(time.perf_counter() - started)
            result.during_ingest += overlapped or ingesting.is_set()
            result.abstained += answer.abstained
            if problem := answer.problem():
                result.errors.append(f"{q[:40]!r}: {problem}")

    started = time.perf_counter()
    writer = asyncio.create_task(asyncio.to_thread(ingest))
    await asyncio.gather(*(worker() for _ in range(tasks)), writer)
    result.wall = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=int, default=500, help="questions per run (default 500)")
    ap.add_argument("--tasks", type=int, default=20, help="concurrent asyncio tasks (default 20)")
    ap.add_argument("--runs", type=int, default=3, help="repetitions in this process (default 3)")
    ap.add_argument("--articles", type=int, default=40, help="articles in the base corpus (default 40)")
    ap.add_argument("--ingest-articles", type=int, default=16, help="articles ingested during each run (default 16)")
    ap.add_argument("--repeats", type=float, default=0.2,
                    help="share of questions asked verbatim again, which the answer cache may serve (default 0.2)")
    ap.add_argument("--arena-max", type=int, default=None,
                    help="cap glibc malloc arenas (like MALLOC_ARENA_MAX) to tell allocator growth from a leak")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--json", action="store_true", help="print one JSON object at the end")
    args = ap.parse_args(argv)

    if args.arena_max is not None and not limit_malloc_arenas(args.arena_max):
        print("warning: could not cap malloc arenas (not glibc?)", file=sys.stderr)
    arenas = args.arena_max or os.environ.get("MALLOC_ARENA_MAX") or "glibc default (8 per core)"
    print(f"soak: {args.runs} runs x {args.questions} questions from {args.tasks} tasks, "
          f"{args.repeats:.0%} repeated; malloc arenas: {arenas}", flush=True)
    from index.embedding import load_embedder

    with tempfile.TemporaryDirectory(prefix="citebot-soak-") as tmp:
        root = Path(tmp)
        facts = write_corpus(root / "base", args.articles, args.seed)
        t = time.perf_counter()
        engine = Engine.open(root / "index", embedder=load_embedder())
        engine.ingest([root / "base"])
        print(f"base corpus: {args.articles} articles, {engine.stats()['passages']} passages, "
              f"indexed in {time.perf_counter() - t:.1f} s", flush=True)
        rng = random.Random(args.seed)
        pool = [f["q"] for f in facts] + ODD_QUESTIONS
        runs = []
        for r in range(1, args.runs + 1):
            # The same paths each run, rewritten with new numbers: every run's ingest updates real rows.
            write_corpus(root / "incoming", args.ingest_articles, args.seed + 1, version=r, offset=args.articles)
            # Mostly distinct questions (the engine caches repeated ones), some asked again verbatim.
            questions = [rng.choice(pool) if rng.random() < args.repeats else f"{rng.choice(pool)} #{r}.{i}"
                         for i in range(args.questions)]

            async def go() -> RunResult:
                # One thread per task (and one for the ingest), so every question is really in flight;
                # asyncio.run shuts this executor down at the end of the run.
                asyncio.get_running_loop().set_default_executor(
                    ThreadPoolExecutor(max_workers=args.tasks + 1, thread_name_prefix="soak"))
                return await one_run(engine, questions, args.tasks, root / "incoming")

            res = asyncio.run(go())
            gc.collect()
            rss, peak = rss_mb()
            # Growth that malloc_trim gives back was free memory the allocator kept, not a leak.
            trimmed = rss_mb()[0] if malloc_trim() else rss
            runs.append({
                "run": r, "questions": len(questions), "errors": len(res.errors), "error_samples": res.errors[:5],
                "p50_ms": round(percentile(res.latencies, 50) * 1000, 1),
                "p95_ms": round(percentile(res.latencies, 95) * 1000, 1),
                "mean_ms": round(statistics.fmean(res.latencies) * 1000, 1) if res.latencies else None,
                "qps": round(len(res.latencies) / res.wall, 1) if res.wall else None,
                "abstained": res.abstained, "answered_during_ingest": res.during_ingest,
                "ingest_s": round(res.ingest_seconds, 1), "ingest": res.ingest_summary,
                "wall_s": round(res.wall, 1), "rss_mb": round(rss, 1), "rss_trimmed_mb": round(trimmed, 1),
                "peak_rss_mb": round(peak, 1),
            })
            x = runs[-1]
            print(f"run {r}: {x['questions']} questions, {x['errors']} errors, p50 {x['p50_ms']} ms, "
                  f"p95 {x['p95_ms']} ms, {x['qps']} q/s, {x['abstained']} abstained, "
                  f"{x['answered_during_ingest']} answered while ingesting ({x['ingest']} in {x['ingest_s']} s); "
                  f"RSS {x['rss_mb']} MB ({x['rss_trimmed_mb']} MB after malloc_trim), peak {x['peak_rss_mb']} MB",
                  flush=True)
            for sample in res.errors[:5]:
                print(f"  error: {sample}", flush=True)
        engine.close()

    def growth(key: str) -> float:
        first, last = runs[0][key], runs[-1][key]
        return (last - first) / first if first else 0.0

    errors = sum(x["errors"] for x in runs)
    # After malloc_trim RSS is the live memory; without glibc the plain RSS is all there is.
    flag = growth("rss_trimmed_mb") > GROWTH_FLAG
    summary = {"runs": runs, "errors": errors, "rss_growth": round(growth("rss_mb"), 3),
               "rss_trimmed_growth": round(growth("rss_trimmed_mb"), 3), "rss_growth_flag": flag}
    print(f"total: {errors} errors; RSS {runs[0]['rss_mb']} MB after run 1 -> {runs[-1]['rss_mb']} MB after run "
          f"{len(runs)} ({growth('rss_mb'):+.1%}; after malloc_trim {growth('rss_trimmed_mb'):+.1%})"
          f"{'  FLAG: memory grew more than 10% (try --arena-max 2: allocator arenas, or a leak)' if flag else ''}")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
