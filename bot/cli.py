"""The `citebot` command: ingest, ask, cite, sources, remove, eval, serve."""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

# Heavy modules (numpy, faiss, the model) are imported inside the commands that need
# them, so `citebot --help` answers at once.

SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "index" / "sample_corpus"


def main(argv: list[str] | None = None) -> int:
    _load_dotenv()
    args = _parser().parse_args(argv)
    from index.errors import CitebotError

    try:
        return args.func(args)
    except CitebotError as exc:
        print(f"citebot: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("citebot: interrupted; the index is as it was before this command.", file=sys.stderr)
        return 130


def _load_dotenv() -> None:
    try:
        from dotenv import load_dotenv
    except ImportError:
        return
    load_dotenv(Path.cwd() / ".env", override=False)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="citebot", description="Cited answers from your articles.")
    sub = p.add_subparsers(dest="command", required=True)

    def index_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--index", metavar="DIR", help="index directory (default: $CITEBOT_INDEX_DIR or a per-user data dir)")

    sp = sub.add_parser("ingest", help="add or update articles (.txt, .md, .html files or folders)")
    sp.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    sp.add_argument("--rebuild", action="store_true", help="rewrite the search files from the index database")
    index_opt(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("ask", help="answer a question with citations")
    sp.add_argument("question", nargs="?", help="the question; without it, one question per line on stdin, JSON out")
    sp.add_argument("--json", action="store_true", help="print a JSON object")
    sp.add_argument("-k", type=int, default=5, help="how many citations (default 5)")
    index_opt(sp)
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("cite", help="find the passages that support a claim")
    sp.add_argument("claim")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("-k", type=int, default=5)
    index_opt(sp)
    sp.set_defaults(func=cmd_cite)

    sp = sub.add_parser("sources", help="list the indexed articles")
    sp.add_argument("--json", action="store_true")
    index_opt(sp)
    sp.set_defaults(func=cmd_sources)

    sp = sub.add_parser("remove", help="remove an article by path or title")
    sp.add_argument("article")
    index_opt(sp)
    sp.set_defaults(func=cmd_remove)

    sp = sub.add_parser("eval", help="score a question set (JSONL) against a corpus")
    sp.add_argument("questions", type=Path)
    sp.add_argument("--corpus", type=Path, required=True)
    sp.add_argument("--json", action="store_true")
    sp.add_argument("-k", type=int, default=5)
    index_opt(sp)
    sp.set_defaults(func=cmd_eval)

    sp = sub.add_parser("serve", help="run the Discord bot (needs DISCORD_TOKEN)")
    sp.set_defaults(func=cmd_serve)
    return p


def _settings(args):
    from index.config import IndexSettings

    return IndexSettings.from_env(getattr(args, "index", None))


def _engine(args, bootstrap: bool = False, search_files: bool = True):
    from index.engine import Engine

    settings = _settings(args)
    engine = Engine.open(settings.index_dir, model=settings.model, search_files=search_files)
    if bootstrap and engine.store.generation == 0:
        print(f"No index yet in {settings.index_dir}: building one from the sample articles in {SAMPLE_CORPUS}.",
              file=sys.stderr)
        _print_report(engine.ingest([SAMPLE_CORPUS], progress=_progress_bar()))
    return engine


def _has_index(directory: Path) -> bool:
    return (directory / "citebot.sqlite").exists()


def _progress_bar():
    from tqdm import tqdm

    bar = None

    def update(path: str, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, dynamic_ncols=True)
        bar.n = done
        bar.set_postfix_str(Path(path).name[-40:] if path else "writing index")
        bar.refresh()
        if done == total and not path:
            bar.close()

    return update


def _print_report(report) -> None:
    print(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.removed)} removed, {len(report.skipped)} skipped; {report.passages} passages written.",
          file=sys.stderr)
    for path, reason in report.skipped:
        print(f"  skipped {path}: {reason}", file=sys.stderr)


def cmd_ingest(args) -> int:
    # A rebuild must not read the search files: they are what it replaces, maybe damaged.
    engine = _engine(args, search_files=not args.rebuild)
    if args.rebuild:
        engine.rebuild()
        print(f"Rebuilt the search files in {engine.store.directory}.", file=sys.stderr)
        if not args.paths:
            return 0
    if not args.paths:
        print("citebot: error: name the files or folders to ingest", file=sys.stderr)
        return 2
    t = time.perf_counter()
    report = engine.ingest(args.paths, progress=_progress_bar())
    _print_report(report)
    stats = engine.stats()
    print(f"Index {stats['index_dir']}: {stats['articles']} articles, {stats['passages']} passages "
          f"({time.perf_counter() - t:.1f} s).", file=sys.stderr)
    return 1 if report.skipped and not (report.added or report.updated or report.unchanged) else 0


def cmd_ask(args) -> int:
    from index.errors import CitebotError

    engine = _engine(args, bootstrap=True)
    if args.question is not None:
        answer = engine.ask(args.question, k=args.k)
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render_answer(answer))
        return 0
    status = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = engine.ask(line, k=args.k).to_json()
        except CitebotError as exc:
            out, status = {"question": line.strip(), "error": str(exc)}, 2
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def cmd_cite(args) -> int:
    engine = _engine(args, bootstrap=True)
    citations = engine.cite(args.claim, k=args.k)
    if args.json:
        print(json.dumps({"claim": args.claim, "citations": [c.to_json() for c in citations]}, ensure_ascii=False))
    elif not citations:
        print("No passage in the articles supports this.")
    else:
        print("\n\n".join(render_citation(c, with_passage=True) for c in citations))
    return 0


def cmd_sources(args) -> int:
    from index.store import Store

    settings = _settings(args)
    if not _has_index(settings.index_dir):
        print(f"No index in {settings.index_dir} yet: run citebot ingest PATH...", file=sys.stderr)
        return 0
    store = Store.open(settings.index_dir)
    sources = store.sources()
    if args.json:
        print(json.dumps([s.__dict__ for s in sources], ensure_ascii=False))
        return 0
    for i, s in enumerate(sources, 1):
        meta = ", ".join(x for x in (s.outlet, s.published, s.lang, f"{s.passages} passages") if x)
        print(f"{i:3}. {s.title}\n     {s.url or s.path}\n     {meta}")
    print(f"{len(sources)} articles in {settings.index_dir}")
    return 0


def cmd_remove(args) -> int:
    engine = _engine(args)
    if engine.remove(args.article):
        print(f"Removed {args.article}.")
        return 0
    print(f"citebot: error: no indexed article has the path or title {args.article!r} (see citebot sources)",
          file=sys.stderr)
    return 1


def cmd_eval(args) -> int:
    from index.engine import Engine
    from index.evaluate import format_report, load_questions, score

    questions = load_questions(args.questions)
    index_dir = Path(args.index) if args.index else _eval_index_dir(args.corpus)
    engine = Engine.open(index_dir, model=_settings(args).model)
    _print_report(engine.ingest([args.corpus], progress=_progress_bar()))
    answers = [engine.ask(q.question, k=args.k) for q in questions]
    report = score(questions, answers)
    print(json.dumps(report.to_json(), ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0


def _eval_index_dir(corpus: Path) -> Path:
    from index.config import default_index_dir

    key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]
    return default_index_dir().parent / "eval" / f"{corpus.resolve().name}-{key}"


def cmd_serve(args) -> int:
    from bot.config import BotConfig
    from bot.serve import serve

    return serve(BotConfig.from_env())


def render_citation(c, with_passage: bool = False) -> str:
    where = " — ".join(x for x in (c.title, c.section) if x)
    meta = ", ".join(x for x in (c.source or c.outlet, c.published) if x)
    lines = [f"[{c.n}] {where}" + (f" ({meta})" if meta else ""), f"    {c.link or c.path}"]
    if c.source_url and c.url:
        lines.append(f"    quoted in: {c.url}")
    if with_passage:
        lines.append("    " + " ".join(c.passage.split())[:400])
    return "\n".join(lines)


def render_answer(answer) -> str:
    if answer.abstained:
        head = answer.message
        refs = answer.citations[:3]
    else:
        head = answer.text
        refs = answer.citations
    body = "\n".join(render_citation(c, with_passage=answer.abstained) for c in refs)
    return f"{head}\n\n{body}" if body else head


if __name__ == "__main__":
    raise SystemExit(main())
