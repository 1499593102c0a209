"""The `citebot` command: ingest, ask, cite, sources, remove, eval, serve."""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Heavy modules (numpy, faiss, the model) are imported inside the commands that need
# them, so `citebot --help` answers at once.

SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "index" / "sample_corpus"
INDEX_HELP = ("the index folder this command reads or writes (default: $CITEBOT_INDEX_DIR, else a per-user "
              "data folder such as ~/.local/share/citebot/index)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from index.errors import CitebotError

    from .wording import describe

    try:
        from index.settings import IndexSettings, read_environment

        # Every setting is read and checked here, once, before any model loads.
        values = read_environment()
        for key, value in values.items():
            os.environ.setdefault(key, value)  # .env may also hold settings of libraries (HF_HOME…)
        args.values = values
        args.settings = IndexSettings.read(values, getattr(args, "index", None))
        _log_to_file()
        return args.func(args)
    except CitebotError as exc:
        print(f"citebot: error: {describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("citebot: interrupted; the index is as it was before this command.", file=sys.stderr)
        return 130


def log_path() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("citebot", appauthor=False)) / "citebot.log"


def _log_to_file() -> None:
    """Warnings and their tracebacks go to a log file: the terminal gets one line per problem."""
    root = logging.getLogger()
    if root.handlers:
        return
    try:
        log_path().parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_path(), encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    root.addHandler(handler)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _version() -> str:
    try:
        return version("citebot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="citebot", description="Cited answers from your articles. Settings: .env.example.")
    p.add_argument("--version", action="version", version=f"citebot {_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def index_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--index", metavar="DIR", help=INDEX_HELP)

    def k_opt(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("-k", type=_positive, default=5, metavar="N", help=f"how many {what} at most (default 5)")

    def json_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", action="store_true", help="print JSON instead of text")

    sp = sub.add_parser("ingest", help="add or update articles (.txt, .md, .html files or folders)",
                        description="Add or update articles. Unchanged files are skipped; files gone from an "
                                    "ingested folder are dropped from the index.")
    sp.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="article files or folders of them")
    sp.add_argument("--rebuild", action="store_true",
                    help="rewrite the search files from the index database (after one was damaged)")
    index_opt(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("ask", help="answer a question with citations",
                        description="Answer a question from the articles, each sentence cited.")
    sp.add_argument("question", nargs="?",
                    help="the question; without it, one question per line is read from stdin and answered as JSON lines")
    json_opt(sp)
    k_opt(sp, "citations")
    index_opt(sp)
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("cite", help="find the passages that support a claim",
                        description="Citation lookup: the passages that support a claim, best first.")
    sp.add_argument("claim", help="the claim (a sentence) to find support for")
    json_opt(sp)
    k_opt(sp, "passages")
    index_opt(sp)
    sp.set_defaults(func=cmd_cite)

    sp = sub.add_parser("sources", help="list the indexed articles", description="List the indexed articles.")
    json_opt(sp)
    index_opt(sp)
    sp.set_defaults(func=cmd_sources)

    sp = sub.add_parser("remove", help="remove an article by path or title",
                        description="Remove an article from the index.")
    sp.add_argument("article", help="the article's path (as citebot sources lists it) or its exact title")
    index_opt(sp)
    sp.set_defaults(func=cmd_remove)

    sp = sub.add_parser("eval", help="score a question set (JSONL) against a corpus",
                        description="Ingest a corpus into its own index and score a question set on it "
                                    "(format: ../shared/eval/dev/README.md).")
    sp.add_argument("questions", type=Path, help="the questions file (.jsonl, one question per line)")
    sp.add_argument("--corpus", type=Path, required=True, metavar="DIR", help="the folder of articles the questions are about")
    json_opt(sp)
    k_opt(sp, "citations per answer")
    sp.add_argument("--index", metavar="DIR",
                    help="an existing index to ingest the corpus into and ask (default: a private index per corpus)")
    sp.set_defaults(func=cmd_eval)

    sp = sub.add_parser("serve", help="run the Discord bot (needs DISCORD_TOKEN)",
                        description="Run the Discord bot over the index (settings: DISCORD_* and CITEBOT_* in .env).")
    sp.set_defaults(func=cmd_serve)
    return p


def _engine(args, *, create: bool = False, search_files: bool = True):
    from index.engine import Engine

    s = args.settings
    return Engine.open(s.index_dir, settings=s.engine, search_files=search_files, create=create)


def _query_engine(args):
    """The engine to answer from. Only the default index is ever filled, on first use, with the
    sample articles; a folder named by --index or CITEBOT_INDEX_DIR must already hold an index."""
    from index.store.database import DB_NAME

    s = args.settings
    if s.index_dir_from != "default":
        return _engine(args)
    fresh = not (s.index_dir / DB_NAME).exists()
    engine = _engine(args, create=True)
    if fresh or engine.store.generation == 0:
        print(f"No index yet in {s.index_dir}: building one from the sample articles in {SAMPLE_CORPUS}. "
              f"Your first citebot ingest replaces them.", file=sys.stderr)
        _print_report(engine.ingest([SAMPLE_CORPUS], progress=_progress_bar()))
    return engine


def _sample_paths(engine) -> list[str]:
    """The sample articles, when they are all the default index holds: the user's first ingest drops them."""
    paths = [s.path for s in engine.sources()]
    if paths and all(Path(p).is_relative_to(SAMPLE_CORPUS) for p in paths):
        return paths
    return []


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
    if any(reason.startswith("unexpected error") for _, reason in report.skipped):
        print(f"  (the tracebacks of unexpected errors are in {log_path()})", file=sys.stderr)


def cmd_ingest(args) -> int:
    s = args.settings
    if args.rebuild:
        # A rebuild must not read the search files: they are what it replaces, maybe damaged.
        engine = _engine(args, search_files=False)
        engine.rebuild()
        print(f"Rebuilt the search files in {engine.store.directory}.", file=sys.stderr)
        if not args.paths:
            return 0
        engine.close()
    if not args.paths:
        print("citebot: error: name the files or folders to ingest, e.g. citebot ingest articles/", file=sys.stderr)
        return 2
    engine = _engine(args, create=True)
    samples = _sample_paths(engine) if s.index_dir_from == "default" else []
    t = time.perf_counter()
    report = engine.ingest(args.paths, progress=_progress_bar(), drop=samples)
    if samples:
        print(f"Started your own library in {s.index_dir}: the {len(samples)} sample articles were removed.",
              file=sys.stderr)
    _print_report(report)
    stats = engine.stats()
    print(f"Index {stats['index_dir']}: {stats['articles']} articles, {stats['passages']} passages "
          f"({time.perf_counter() - t:.1f} s).", file=sys.stderr)
    return 1 if report.skipped and not (report.added or report.updated or report.unchanged) else 0


def cmd_ask(args) -> int:
    from index.errors import CitebotError

    from .wording import describe

    engine = _query_engine(args)
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
            out, status = {"question": line.strip(), "error": describe(exc)}, 2
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def cmd_cite(args) -> int:
    engine = _query_engine(args)
    citations = engine.cite(args.claim, k=args.k)
    if args.json:
        print(json.dumps({"claim": args.claim, "citations": [c.to_json() for c in citations]}, ensure_ascii=False))
    elif not citations:
        print("No passage in the articles supports this.")
    else:
        print("\n\n".join(render_citation(c, with_passage=True) for c in citations))
    return 0


def cmd_sources(args) -> int:
    from index.errors import NoIndex
    from index.store.database import Store

    s = args.settings
    try:
        store = Store.open(s.index_dir, create=False)
    except NoIndex:
        print(f"No index in {s.index_dir} yet: run citebot ingest PATH...", file=sys.stderr)
        return 0
    sources = store.sources()
    if args.json:
        print(json.dumps([x.__dict__ for x in sources], ensure_ascii=False))
        return 0
    for i, x in enumerate(sources, 1):
        meta = ", ".join(v for v in (x.outlet, x.published, x.lang, f"{x.passages} passages") if v)
        print(f"{i:3}. {x.title}\n     {x.url or x.path}\n     {meta}")
    print(f"{len(sources)} articles in {s.index_dir}")
    return 0


def cmd_remove(args) -> int:
    engine = _engine(args)
    matches = engine.find(args.article)
    if len(matches) > 1:
        listed = "".join(f"\n  {m.path}  ({m.title})" for m in matches[:10])
        print(f"citebot: error: several articles match {args.article!r}; name one by its path:{listed}", file=sys.stderr)
        return 1
    if not matches or not engine.remove(matches[0].path):
        print(f"citebot: error: no indexed article has the path, file name or title {args.article!r} "
              f"(see citebot sources)", file=sys.stderr)
        return 1
    print(f"Removed {matches[0].title} ({matches[0].path}).")
    return 0


def cmd_eval(args) -> int:
    from index.engine import Engine
    from index.errors import ConfigError
    from index.evaluation import format_report, load_questions, score

    questions = load_questions(args.questions)
    if not args.corpus.is_dir():
        raise ConfigError("--corpus", str(args.corpus), "is not a folder", "name the folder of articles the questions are about")
    s = args.settings
    if args.index:
        engine = _engine(args)
    else:
        engine = Engine.open(_eval_index_dir(args.corpus), settings=s.engine)
    report = engine.ingest([args.corpus], progress=_progress_bar())
    _print_report(report)
    if not engine.stats()["articles"]:
        print(f"citebot: error: no article of {args.corpus} could be indexed", file=sys.stderr)
        return 2
    answers = [engine.ask(q.question, k=args.k) for q in questions]
    result = score(questions, answers)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=1) if args.json else format_report(result))
    return 0


def _eval_index_dir(corpus: Path) -> Path:
    from index.settings import default_index_dir

    key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]
    return default_index_dir().parent / "eval" / f"{corpus.resolve().name}-{key}"


def cmd_serve(args) -> int:
    from bot.discord.settings import BotConfig
    from bot.discord.serve import serve

    return serve(BotConfig.from_env(args.values, env_file=None))


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
