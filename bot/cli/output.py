"""What the terminal shows: progress, ingest summaries, answers and citations as text."""
from __future__ import annotations

import sys
from pathlib import Path

from index.answer.confidence import is_unsure


def log_path() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("citebot", appauthor=False)) / "citebot.log"


def progress_bar():
    from tqdm import tqdm

    from index.ingest.pipeline import BACKFILL

    bar = None

    def update(path: str, done: int, total: int) -> None:
        nonlocal bar
        # After the files, an index from before the cross-lingual vectors gets its sentences'.
        backfill = path == BACKFILL
        if bar is None:
            bar = tqdm(total=total, unit="sentence" if backfill else "file", desc=BACKFILL if backfill else "ingest",
                       file=sys.stderr, dynamic_ncols=True)
        bar.n = done
        if not backfill:
            bar.set_postfix_str(Path(path).name[-40:] if path else "writing index")
        bar.refresh()
        if done == total and (backfill or not path):
            bar.close()
            bar = None

    return update


def print_report(report) -> None:
    n = len(report.duplicates)
    copies = f", {n} {'copy' if n == 1 else 'copies'} of indexed files" if n else ""
    print(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.removed)} removed, {len(report.skipped)} skipped{copies}; {report.passages} passages written.",
          file=sys.stderr)
    for path, reason in report.skipped:
        print(f"  skipped {path}: {reason}", file=sys.stderr)
    for path, same in report.duplicates:
        print(f"  not indexed twice: {path} has the same text as {same}", file=sys.stderr)
    if any(reason.startswith("unexpected error") for _, reason in report.skipped):
        print(f"  (the tracebacks of unexpected errors are in {log_path()})", file=sys.stderr)


VERDICT = {"supports": "supports", "related": "related, does not state it"}


def format_citation(c, with_passage: bool = False) -> str:
    where = " — ".join(x for x in (c.title, c.section) if x)
    meta = ", ".join(x for x in (c.source or c.outlet, c.published) if x)
    verdict = f" [{VERDICT[c.role]}]" if with_passage and c.role in VERDICT and c.quote else ""
    lines = [f"[{c.n}] {where}" + (f" ({meta})" if meta else "") + verdict, f"    {c.link or c.path}"]
    if c.source_url and c.url:
        lines.append(f"    quoted in: {c.url}")
    if c.also:
        lines.append(f"    also published at: {', '.join(c.also)}")
    if with_passage:
        # The sentence that bears on the question between » «, "…" where the passage is cut.
        lines.append("    " + c.excerpt(400, ("»", "«")))
    return "\n".join(lines)


def format_answer(answer) -> str:
    if answer.abstained:
        body = "\n".join(format_citation(c, with_passage=True) for c in answer.citations[:3])
        return f"{answer.message}\n\n{body}" if body else answer.message
    head = answer.text
    if is_unsure(answer.confidence):
        head += f"\n(Unsure, confidence {answer.confidence:.2f}: this may not answer the question; check the sources.)"
    cited = [format_citation(c) for c in answer.citations if c.role != "related"]
    related = [format_citation(c) for c in answer.citations if c.role == "related"]
    return "\n\n".join([head, "\n".join(cited)] + (["Related:\n" + "\n".join(related)] if related else []))


def format_gaps(declined, down, days: int) -> str:
    """Declined questions and down-voted answers, most frequent first, each with its count and last date."""
    lines = [f"Declined questions, last {days} days (all servers):"]
    lines += [f"  {g.count:3}x  {g.question}  (last {g.last[:10]})" for g in declined] or ["  none"]
    lines.append("Answers voted down:")
    for g in down:
        answer = " ".join(g.answer.split()) if g.answer else ""
        lines += [f"  {g.count:3}x  {g.question}  (last {g.last[:10]})", f"        -> {answer[:300]}"]
    if not down:
        lines.append("  none")
    return "\n".join(lines)
def print_poll(report) -> None:
    """One feed's poll, in a line or a few (the ingest summary when it indexed anything)."""
    import time

    from .wording import describe

    if report.waiting_until is not None:
        until = time.strftime("%Y-%m-%d %H:%M", time.localtime(report.waiting_until))
        print(f"{report.url}: not polled, backing off after errors until {until} (see citebot feeds)", file=sys.stderr)
        return
    if report.error is not None:
        error = describe(report.error) if hasattr(report.error, "kind") else f"{type(report.error).__name__}: {report.error}"
        print(f"{report.url}: poll failed, its articles are kept: {error}", file=sys.stderr)
        return
    if report.not_modified:
        print(f"{report.url}: not modified since the last poll; nothing fetched.", file=sys.stderr)
        return
    line = f"{report.url}: {report.entries} entries, {report.new} new"
    if report.capped:
        line += f" (only the newest {report.entries - report.capped} are taken per poll: {report.capped} older left out)"
    print(line + ".", file=sys.stderr)
    if report.ingest is not None:
        print_report(report.ingest)
    for where, reason in report.skipped:
        print(f"  skipped {where}: {reason}", file=sys.stderr)
