"""A library holding every article twice: a set's corpus ingested from its folder and from a copy of it.

    python benchmarks/copies.py [--set news_a] [--near]   # about a minute on 2 cores

Prints what ingest reported (articles added, copies named) and the set's scores when its questions
are asked of that library. Since session 19 the copies are not indexed, so the scores are those of
one copy; before it every article was indexed twice (news_a: hit@1 0.581 against 0.629, false
abstain 0.048 against 0.000). `--near` re-posts each article with a line of its own added (the same
story at another URL, with another footer): ingest cannot tell such a copy from a new article and
indexes both, and the ranking leaves the copies' passages out (index/answer/copies.py).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.quality import format_rows, run_questions  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import load_questions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="news_a", help="a folder of benchmarks/ with corpus/ and questions.jsonl")
    parser.add_argument("--near", action="store_true", help="copies with a line added, so not byte for byte")
    args = parser.parse_args()
    base = REPO / "benchmarks" / args.set
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy"
        shutil.copytree(base / "corpus", copy)
        if args.near:
            for path in copy.iterdir():
                path.write_bytes(reposted(path.suffix, path.read_bytes()))
        engine = Engine.open(Path(tmp) / "index")
        try:
            start = time.perf_counter()
            report = engine.ingest([base / "corpus", copy])
            build_s = time.perf_counter() - start
            print(f"{len(report.added)} added, {len(report.duplicates)} copies named; "
                  f"{engine.stats()['articles']} articles indexed")
            run = run_questions("citebot", engine.ask, load_questions(base / "questions.jsonl"), build_s)
        finally:
            engine.close()
    print(format_rows([run]))
    return 0


def reposted(suffix: str, data: bytes) -> bytes:
    """An article as another site re-posts it: its text with one line of the site's own added."""
    if suffix in (".html", ".htm"):
        line = b"<p>Re-posted with permission.</p>"
        at = data.find(b"</article>")
        return data[:at] + line + data[at:] if at >= 0 else data + line
    return data.rstrip() + "\n\n転載:copies benchmark\n".encode()


if __name__ == "__main__":
    raise SystemExit(main())
