"""The subcommands: each takes the parsed arguments (with the checked settings) and returns an exit code."""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from .output import format_answer, format_citation, print_report, progress_bar

SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "index" / "sample_corpus"


def _engine(args, *, create: bool = False, search_files: bool = True):
    from index.engine import Engine

    s = args.settings
    return Engine.open(s.directory, settings=s.engine, search_files=search_files, create=create, library=s.library)


def _query_engine(args):
    """The engine to answer from. Only the default index is ever filled, on first use, with the
    sample articles; a folder named by --index or CITEBOT_INDEX_DIR, or a named library, must
    already hold an index."""
    s = args.settings
    if not _sample_library(s):
        return _engine(args)
    engine = _engine(args, create=True)
    if engine.store.generation == 0:
        print(f"No index yet in {s.directory}: building one from the sample articles in {SAMPLE_CORPUS}. "
              f"Your first citebot ingest replaces them.", file=sys.stderr)
        print_report(engine.ingest([SAMPLE_CORPUS], progress=progress_bar()))
    return engine


def _sample_library(s) -> bool:
    """Only the default library of the default index folder is ever filled with the samples (never
    a Milvus server's: others may share it)."""
    from index.settings import DEFAULT_LIBRARY

    return s.index_dir_from == "default" and s.library == DEFAULT_LIBRARY and not s.engine.milvus_uri


def _sample_paths(engine) -> list[str]:
    """The sample articles, when they are all the default index holds: the user's first ingest drops them."""
    paths = [s.path for s in engine.sources()]
    if paths and all(Path(p).is_relative_to(SAMPLE_CORPUS) for p in paths):
        return paths
    return []


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
    from .feeds import fetch_pages

    urls = [p for p in args.paths if "://" in p]
    documents, unfetched = fetch_pages(urls, s.fetch)  # before the index is opened: fetching may take a while
    engine = _engine(args, create=True)
    samples = _sample_paths(engine) if _sample_library(s) else []
    t = time.perf_counter()
    paths = [Path(p) for p in args.paths if "://" not in p]
    report = engine.ingest(paths, progress=progress_bar() if paths else None, drop=samples, documents=documents)
    report.skipped.extend(unfetched)
    if samples:
        print(f"Started your own library in {s.directory}: the {len(samples)} sample articles were removed.",
              file=sys.stderr)
    print_report(report)
    stats = engine.stats()
    print(f"Index {stats['index_dir']}: {stats['articles']} articles, {stats['passages']} passages "
          f"({time.perf_counter() - t:.1f} s).", file=sys.stderr)
    return 1 if report.skipped and not (report.added or report.updated or report.unchanged or report.duplicates) else 0


def cmd_ask(args) -> int:
    from index.errors import CitebotError

    from .wording import describe

    engine = _query_engine(args)
    if args.question is not None:
        answer = engine.ask(args.question, k=args.k)
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else format_answer(answer))
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
        if not any(c.role == "supports" for c in citations):
            print("No passage states this outright. Related passages:\n")
        print("\n\n".join(format_citation(c, with_passage=True) for c in citations))
    return 0


def cmd_sources(args) -> int:
    from index.engine import open_store
    from index.errors import NoIndex

    s = args.settings
    try:
        store = open_store(s.directory, s.engine, s.library, create=False)
    except NoIndex:
        print(f"No index in {s.directory} yet: run citebot ingest PATH...", file=sys.stderr)
        return 0
    sources = store.sources()
    if args.json:
        print(json.dumps([x.__dict__ for x in sources], ensure_ascii=False))
        return 0
    for i, x in enumerate(sources, 1):
        meta = ", ".join(v for v in (x.outlet, x.published, x.lang, f"{x.passages} passages") if v)
        print(f"{i:3}. {x.title}\n     {x.url or x.path}\n     {meta}")
    where = store.directory if s.engine.milvus_uri else f"{store.directory}" + (
        f" (library {s.library})" if s.library != "default" else "")
    print(f"{len(sources)} articles in {where}")
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
    from index.settings import library_dir

    questions = load_questions(args.questions)
    if not args.corpus.is_dir():
        raise ConfigError("--corpus", str(args.corpus), "is not a folder", "name the folder of articles the questions are about")
    s = args.settings
    if args.index:
        engine = _engine(args)
    elif s.engine.milvus_uri:
        # A private library per corpus in the Milvus server, as the private folder below is for the
        # embedded store: the corpus never mixes with the articles users ask about.
        library = s.library if s.library != "default" else f"eval-{_corpus_key(args.corpus)}"
        engine = Engine.open(s.directory, settings=s.engine, library=library)
    else:
        engine = Engine.open(library_dir(_eval_index_dir(args.corpus), s.library), settings=s.engine, library=s.library)
    report = engine.ingest([args.corpus], progress=progress_bar())
    print_report(report)
    if not engine.stats()["articles"]:
        print(f"citebot: error: no article of {args.corpus} could be indexed", file=sys.stderr)
        return 2
    answers = [engine.ask(q.question, k=args.k) for q in questions]
    result = score(questions, answers)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=1) if args.json else format_report(result))
    return 0


def _eval_index_dir(corpus: Path) -> Path:
    from index.settings import default_index_dir

    return default_index_dir().parent / "eval" / f"{corpus.resolve().name}-{_corpus_key(corpus)}"


def _corpus_key(corpus: Path) -> str:
    return hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]


def cmd_gaps(args) -> int:
    """The coverage gaps the bot recorded, across every server: declined questions and down-voted answers."""
    from bot.discord.feedback import FeedbackStore
    from bot.discord.settings import BotConfig

    from .output import format_gaps

    config = BotConfig.from_env(args.values, env_file=None)
    store = FeedbackStore(config.feedback_target)
    if store.path is not None and not store.path.exists():
        print(f"No feedback yet: {store.path} does not exist (citebot serve creates it).", file=sys.stderr)
        declined, down = [], []
    else:
        store.init()  # a store from before the gaps were recorded gains their table
        declined, down = store.gaps(None, args.days, limit=args.limit)
    if args.json:
        print(json.dumps({"days": args.days, "declined": [g.__dict__ for g in declined],
                          "down_voted": [g.__dict__ for g in down]}, ensure_ascii=False))
    else:
        print(format_gaps(declined, down, args.days))
    return 0


def cmd_serve(args) -> int:
    from bot.discord.settings import BotConfig
    from bot.discord.serve import serve

    return serve(BotConfig.from_env(args.values, env_file=None))
