"""Autocomplete of article titles for /source and /admin remove: the listing and the ranking both run
off the event loop (the runner's query threads, then a worker thread)."""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from discord import app_commands

from index.errors import CitebotError
from index.types import SourceInfo

from .render import clip, file_name

if TYPE_CHECKING:
    from .runner import EngineRunner

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limits for an autocomplete answer
CHOICE_CHARS = 100

V = TypeVar("V", int, str)


def _fold(value: str) -> str:
    """Width, case and spacing aside: ＮＨＫ is nhk, "Tokyo  Station" is "tokyo station"."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def score(source: SourceInfo, typed: str) -> float:
    """How well `typed` names `source` (0: not at all): the whole text in the title beats the whole
    text in the outlet or date, which beats some of its words; a title starting with it ranks first."""
    wanted = _fold(typed)
    if not wanted:
        return 1.0
    title = _fold(source.title or "")
    rest = _fold(" ".join(x for x in (source.outlet, source.published) if x))
    if title.startswith(wanted):
        return 4.0
    if wanted in title:
        return 3.0
    if wanted in rest:
        return 2.0
    words = wanted.split()
    found = sum(1 for word in words if word in title or word in rest)
    return found / len(words) if found else 0.0


def choice_name(source: SourceInfo, prefix: str = "") -> str:
    """`prefix title — outlet · date`, in at most 100 characters (the title is what gets cut)."""
    meta = " · ".join(x for x in (source.outlet, source.published) if x)
    tail = f" — {clip(meta, 40)}" if meta else ""
    title = " ".join((source.title or file_name(source.path)).split()) or "—"
    return clip(prefix + clip(title, CHOICE_CHARS - len(prefix) - len(tail)) + tail, CHOICE_CHARS)


def complete(
    sources: Sequence[SourceInfo], typed: str, value: Callable[[int, SourceInfo], V | None], *, numbered: bool = False
) -> list[app_commands.Choice[V]]:
    """The best (at most 25) articles for `typed`, best first then in listing order; `value(n, source)`
    (n counted from 1 in `sources`) is what the choice sends back, None to leave the article out. With
    `numbered`, a number typed lists the articles from that number on."""
    first = int(typed) if numbered and typed.strip().isdecimal() and typed.strip().isascii() else 1
    if first != 1:
        typed = ""
    ranked = sorted(
        ((score(s, typed), n, s) for n, s in enumerate(sources, start=1)),
        key=lambda item: (-item[0], item[1] < first, item[1]),
    )
    choices: list[app_commands.Choice[V]] = []
    for points, n, source in ranked:
        if points <= 0 or len(choices) == MAX_CHOICES:
            break
        sent = value(n, source)
        if sent is None or (isinstance(sent, str) and not 0 < len(sent) <= CHOICE_CHARS):
            continue
        choices.append(app_commands.Choice(name=choice_name(source, f"{n}. " if numbered else ""), value=sent))
    return choices


async def complete_titles(
    runner: EngineRunner, libraries: Sequence[str], typed: str, value: Callable[[int, SourceInfo], V | None],
    *, numbered: bool = False,
) -> list[app_commands.Choice[V]]:
    """`complete` over the articles of `libraries`; no choices (and a warning) when the store cannot list
    them: an autocomplete has no room for an apology, and the command itself will say what is wrong."""
    try:
        sources = await runner.sources(libraries)
    except CitebotError as exc:
        log.warning("autocomplete could not list the articles of %s: %s", ", ".join(libraries), exc)
        return []
    return await asyncio.to_thread(complete, sources, typed, value, numbered=numbered)


def removal_value(n: int, source: SourceInfo) -> str | None:
    """What /admin remove is sent for an article: its file name (never the folder), else its title."""
    name = file_name(source.path)
    if 0 < len(name) <= CHOICE_CHARS:
        return name
    return source.title if 0 < len(source.title) <= CHOICE_CHARS else None
