"""The `citebot` command: ingest, ask, cite, sources, remove, follow, unfollow, feeds, eval, serve, gaps."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Heavy modules (numpy, faiss, the model) are imported inside the commands that need
# them, so `citebot --help` answers at once.
from .commands import cmd_ask, cmd_cite, cmd_eval, cmd_gaps, cmd_ingest, cmd_remove, cmd_serve, cmd_sources
from .feeds import cmd_feeds, cmd_follow, cmd_unfollow
from .output import log_path

INDEX_HELP = ("the index folder this command reads or writes (default: $CITEBOT_INDEX_DIR, else a per-user "
              "data folder such as ~/.local/share/citebot/index)")
LIBRARY_HELP = ("the named library in that index (default: default, the index's own articles); each library "
                "has its own articles, and a command sees only its library's")


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
        args.settings = IndexSettings.read(values, getattr(args, "index", None), getattr(args, "library", None))
        _log_to_file()
        return args.func(args)
    except CitebotError as exc:
        print(f"citebot: error: {describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("citebot: interrupted; the index is as it was before this command.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `citebot ask … | head` closed the pipe: stop quietly, and point stdout elsewhere so that
        # Python's own flush at exit does not print the traceback after all.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


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
        library_opt(sp)

    def library_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--library", metavar="NAME", help=LIBRARY_HELP)

    def k_opt(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("-k", type=_positive, default=5, metavar="N", help=f"how many {what} at most (default 5)")

    def json_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", action="store_true", help="print JSON instead of text")

    sp = sub.add_parser("ingest", help="add or update articles (.txt, .md, .html files or folders, or page URLs)",
                        description="Add or update articles. Unchanged files are skipped; files gone from an "
                                    "ingested folder are dropped from the index. A URL is fetched and indexed like "
                                    "an HTML file, keyed by its canonical URL (ingesting it again updates it).")
    sp.add_argument("paths", nargs="*", metavar="PATH_OR_URL",
                    help="article files or folders of them, or http(s) URLs of pages")
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

    sp = sub.add_parser("remove", help="remove an article by path, file name or title",
                        description="Remove an article from the index.")
    sp.add_argument("article", help="the article's path (as citebot sources lists it), its file name, or its title (any case)")
    index_opt(sp)
    sp.set_defaults(func=cmd_remove)

    sp = sub.add_parser("follow", help="follow an RSS or Atom feed; --once polls every followed feed",
                        description="Follow a feed: its entries' pages are fetched and indexed into the library, now "
                                    "and on every poll (citebot serve polls every CITEBOT_FEED_MINUTES; for cron, "
                                    "citebot follow --once polls every followed feed once).")
    sp.add_argument("url", nargs="?", metavar="FEED_URL", help="the feed's http(s) URL")
    sp.add_argument("--once", action="store_true", help="poll every followed feed once, then exit (for cron)")
    index_opt(sp)
    sp.set_defaults(func=cmd_follow)

    sp = sub.add_parser("unfollow", help="stop following a feed (its articles stay)",
                        description="Stop following a feed in the library; the articles it brought stay indexed.")
    sp.add_argument("url", metavar="FEED_URL", help="the feed's URL, as citebot feeds lists it")
    index_opt(sp)
    sp.set_defaults(func=cmd_unfollow)

    sp = sub.add_parser("feeds", help="list the followed feeds and how their last poll went",
                        description="The followed feeds of the index (every library): articles, last poll, last error.")
    json_opt(sp)
    sp.add_argument("--index", metavar="DIR", help=INDEX_HELP)
    sp.set_defaults(func=cmd_feeds)

    sp = sub.add_parser("eval", help="score a question set (JSONL) against a corpus",
                        description="Ingest a corpus into its own index and score a question set on it "
                                    "(format: ../shared/eval/dev/README.md).")
    sp.add_argument("questions", type=Path, help="the questions file (.jsonl, one question per line)")
    sp.add_argument("--corpus", type=Path, required=True, metavar="DIR", help="the folder of articles the questions are about")
    json_opt(sp)
    k_opt(sp, "citations per answer")
    sp.add_argument("--index", metavar="DIR",
                    help="an existing index to ingest the corpus into and ask (default: a private index per corpus)")
    library_opt(sp)
    sp.set_defaults(func=cmd_eval)

    sp = sub.add_parser("serve", help="run the Discord bot (needs DISCORD_TOKEN)",
                        description="Run the Discord bot over the index (settings: DISCORD_* and CITEBOT_* in .env).")
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser("gaps", help="questions the bot declined and answers voted down, across all servers",
                        description="What the articles are missing: the questions the Discord bot declined and "
                                    "the answers voted 👎, most frequent first (read from the bot's feedback store).")
    sp.add_argument("--days", type=_positive, default=30, metavar="N", help="how many days back to look (default 30)")
    sp.add_argument("--limit", type=_positive, default=20, metavar="N", help="how many of each at most (default 20)")
    json_opt(sp)
    sp.set_defaults(func=cmd_gaps)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
