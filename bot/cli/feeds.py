"""`citebot ingest URL`, `follow`, `unfollow` and `feeds`: pages and feeds from the web."""
from __future__ import annotations

import json
import sys
import time

from .output import print_poll


def fetch_pages(urls: list[str], settings) -> tuple[list, list[tuple[str, str]]]:
    """The Documents of these URLs, and (url, reason) for each that could not be had."""
    from index.errors import FetchError
    from index.web.fetch import Fetcher
    from index.web.pages import fetch_page

    fetcher = Fetcher(settings)
    docs, skipped = [], []
    for url in urls:
        try:
            docs.append(fetch_page(fetcher, url))
        except FetchError as exc:
            skipped.append((url, exc.reason))
    return docs, skipped


def _poller(args):
    """A poller that ingests into the index's libraries (opened, and the model loaded, only when a feed brings
    something new)."""
    from index.catalog import Catalog
    from index.feeds.poller import FeedPoller

    s = args.settings
    catalog = Catalog(s.index_dir, settings=s.engine)

    def ingest(docs, library):
        from .commands import _sample_paths

        engine = catalog.engine(library, create=True)
        # Like a first ingest, a feed's first articles replace the samples of the default index.
        samples = _sample_paths(engine) if s.index_dir_from == "default" and library == "default" else []
        return engine.ingest([], documents=docs, drop=samples)

    return FeedPoller(s.index_dir, ingest, s.fetch)


def cmd_follow(args) -> int:
    s = args.settings
    if not args.url and not args.once:
        print("citebot: error: name a feed URL to follow, or --once to poll every followed feed", file=sys.stderr)
        return 2
    poller = _poller(args)
    if args.url:
        url = args.url.strip()
        new = poller.follow(url, s.library)
        print(f"{'Following' if new else 'Already following'} {url} into library {s.library}.", file=sys.stderr)
    if args.once:
        reports = poller.poll_all()
    else:
        reports = [poller.poll(poller.store.get(url, s.library))]
    for report in reports:
        print_poll(report)
    if not reports:
        print("No feed is followed yet: citebot follow FEED_URL", file=sys.stderr)
    return 1 if any(r.error for r in reports) else 0


def cmd_unfollow(args) -> int:
    s = args.settings
    poller = _poller(args)
    state = poller.store.get(args.url.strip(), s.library)
    if not poller.unfollow(args.url, s.library):
        print(f"citebot: error: library {s.library} does not follow {args.url} (see citebot feeds)", file=sys.stderr)
        return 1
    print(f"Stopped following {args.url}. Its {state.articles if state else 0} articles stay in library {s.library} "
          f"(citebot remove URL drops one).")
    return 0


def cmd_feeds(args) -> int:
    from index.errors import fetch_error

    from .wording import describe

    feeds = _poller(args).feeds()
    if args.json:
        print(json.dumps([f.__dict__ for f in feeds], ensure_ascii=False))
        return 0
    for i, f in enumerate(feeds, 1):
        status = "not polled yet" if f.last_polled is None else f"polled {_when(f.last_polled)}"
        if f.error_kind:
            error = describe(fetch_error(f.url, f.error_kind, f.error_detail, f.error_refused))
            status += f", FAILED ({f.failures} in a row): {error}"
            if f.last_ok:
                status += f"; last good poll {_when(f.last_ok)}"
        print(f"{i:3}. {f.title or f.url}\n     {f.url}\n     library {f.library}, {f.articles} articles, {status}; "
              f"next poll {_when(f.next_poll) if f.next_poll else 'now'}")
    print(f"{len(feeds)} feeds followed in {args.settings.index_dir}", file=sys.stderr)
    return 0


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))
