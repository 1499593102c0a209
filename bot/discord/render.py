"""Answers, citations and listings as Discord messages: pure functions, no I/O.

Every builder here keeps inside Discord's limits by construction, so a long answer
is split or trimmed here and never rejected by Discord.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import discord

from .strings import text
from .feedback import Gap

from index.answer.confidence import is_unsure
from index.types import SourceInfo
from index.types import Answer, AnswerSentence, Citation, IngestReport


CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
EMBEDS_LIMIT = 10
EMBEDS_TOTAL_LIMIT = 6000  # title + description + fields + footer + author, over all embeds of a message

MAX_ANSWER_MESSAGES = 3  # past this a reader stops scrolling; the rest is dropped with its citations
SOURCES_PER_PAGE = 10
# Where else a cited passage was published: the first few sites, linked when the URL is short.
ALSO_SHOWN = 2
ALSO_URL_CHARS = 200
MAX_URL_CHARS = 512  # longer links are shown as text: they would crowd out the citations around them
COLOUR = discord.Colour(0x3B82F6)

@dataclass(frozen=True)
class Reply:
    """One message's worth of content and embeds."""

    content: str
    embeds: tuple[discord.Embed, ...] = ()


def clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(limit - 1, 0)] + "…"


# --- answers ------------------------------------------------------------------------------


def render_answer(answer: Answer, *, max_messages: int = MAX_ANSWER_MESSAGES) -> list[Reply]:
    """The answer as up to `max_messages` messages, each carrying the sources of its own sentences."""
    by_n = {c.n: c for c in answer.citations}
    # A sentence whose citation the engine did not return cannot be shown: it would be unsourced.
    sentences = [_fit_sentence(s) for s in answer.sentences if s.n in by_n]
    if answer.abstained or not sentences:
        return [_abstention(answer)]
    pages = _paginate(sentences, by_n, answer.lang)
    kept, dropped = pages[:max_messages], pages[max_messages:]
    omitted = sum(len(page) for page in dropped)
    replies = []
    for i, page in enumerate(kept, start=1):
        notes = []
        if i == 1 and is_unsure(answer.confidence):
            notes.append(text(answer.lang, "unsure"))
        if i > 1:
            notes.append(text(answer.lang, "continued", part=i, parts=len(kept)))
        if omitted and i == len(kept):
            notes.append(text(answer.lang, "omitted", count=omitted))
        replies.append(_answer_reply(page, by_n, answer.lang, " ".join(notes)))
    _add_related(replies[-1].embeds[0], [c for c in answer.citations if c.role == "related"], answer.lang)
    return replies


def _add_related(embed: discord.Embed, related: Sequence[Citation], lang: str) -> None:
    """The close passages the answer does not quote, apart from its sources, as far as they fit."""
    lines: list[str] = []
    for c in related:
        label = _link_text(clip(_label(c.title, c.section), 120))
        link = _safe_url(c.link)
        line = f"[{c.n}] " + (f"[{label}]({link})" if link else label)
        if len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
            break
        lines.append(line)
    if lines and len(embed) + len(text(lang, "related")) + len("\n".join(lines)) <= EMBEDS_TOTAL_LIMIT:
        embed.add_field(name=text(lang, "related"), value="\n".join(lines), inline=False)


def shown_citations(answer: Answer) -> tuple[Citation, ...]:
    """The citations a reader can open: those the sentences cite, or, when abstaining, the closest ones."""
    if answer.abstained:
        return answer.citations
    cited = {s.n for s in answer.sentences}
    return tuple(c for c in answer.citations if c.n in cited)


def _abstention(answer: Answer) -> Reply:
    """The engine's "not covered" message, with the nearest passages listed as far as they fit."""
    content = clip(answer.message or text(answer.lang, "no_coverage"), CONTENT_LIMIT)
    closest = answer.citations if answer.abstained else ()
    lines: list[str] = []
    for citation in closest:
        line = citation_line(citation, answer.lang)
        if len("\n".join([*lines, line])) > EMBED_DESCRIPTION_LIMIT:
            break
        lines.append(line)
    if not lines:
        return Reply(content)
    return Reply(
        content, (discord.Embed(title=text(answer.lang, "closest"), description="\n".join(lines), colour=COLOUR),)
    )


# Room kept free in each page's embed for the "continued"/"omitted" footer.
_FOOTER_RESERVE = 200


def _paginate(sentences: list[AnswerSentence], by_n: Mapping[int, Citation], lang: str) -> list[list[AnswerSentence]]:
    pages: list[list[AnswerSentence]] = []
    for sentence in sentences:
        if pages and _page_fits([*pages[-1], sentence], by_n, lang):
            pages[-1].append(sentence)
        else:
            pages.append([sentence])
    return pages


def _page_fits(page: Sequence[AnswerSentence], by_n: Mapping[int, Citation], lang: str) -> bool:
    description = _sources_description(page, by_n, lang)
    title = text(lang, "sources")
    return (
        len(_answer_content(page)) <= CONTENT_LIMIT
        and len(description) <= EMBED_DESCRIPTION_LIMIT
        and len(title) + len(description) + _FOOTER_RESERVE <= EMBEDS_TOTAL_LIMIT
    )


def _fit_sentence(sentence: AnswerSentence) -> AnswerSentence:
    """Trim a sentence too long for a message on its own; its marker always survives."""
    room = CONTENT_LIMIT - len(f" [{sentence.n}]")
    return AnswerSentence(clip(sentence.text, room), sentence.n)


def _answer_content(page: Sequence[AnswerSentence]) -> str:
    # Same shape as Answer.text, for the sentences of one message.
    return " ".join(f"{s.text} [{s.n}]" for s in page)


def _sources_description(page: Sequence[AnswerSentence], by_n: Mapping[int, Citation], lang: str) -> str:
    numbers = sorted({s.n for s in page})
    return "\n".join(citation_line(by_n[n], lang) for n in numbers)


def _answer_reply(page: Sequence[AnswerSentence], by_n: Mapping[int, Citation], lang: str, footer: str) -> Reply:
    embed = discord.Embed(title=text(lang, "sources"), description=_sources_description(page, by_n, lang), colour=COLOUR)
    if footer:
        embed.set_footer(text=clip(footer, _FOOTER_RESERVE))
    return Reply(_answer_content(page), (embed,))


def citation_line(citation: Citation, lang: str = "en") -> str:
    """`[n] title › section — outlet · date · also at site`, the title linking to the cited page
    and each site to the copy of the passage it published.

    Every part is clipped, so a line stays under ~3000 characters and one citation
    always fits an embed description.
    """
    label = _link_text(_label(citation.title, citation.section))
    link = _safe_url(citation.link)
    head = f"**[{citation.n}]** " + (f"[{label}]({link})" if link else label)
    parts = [clip(x, 80) for x in (citation.source or citation.outlet, citation.published) if x]
    if citation.also:
        parts.append(text(lang, "also_at", places=", ".join(_place_link(x) for x in citation.also[:ALSO_SHOWN])))
    meta = " · ".join(parts)
    return f"{head} — {meta}" if meta else head


def _place_link(place: str) -> str:
    """Another place a passage was published: its site, linking to the page (a long URL is left
    unlinked: the citation's own link comes first); else the file's name."""
    url = _safe_url(place)
    if url is None:
        return _link_text(clip(place.rsplit("/", 1)[-1], 60))
    site = _link_text(clip(urlsplit(url).hostname or url, 60))
    return f"[{site}]({url})" if len(url) <= ALSO_URL_CHARS else site


def _label(title: str, section: str | None) -> str:
    """`title › section` (the section only when it adds something), each part clipped."""
    label = clip(title.strip() or "—", 200)
    if section and section.strip() and section.strip() != title.strip():
        label += " › " + clip(section.strip(), 100)
    return label


def _link_text(label: str) -> str:
    # Brackets would end a masked link early; markdown characters would restyle a title.
    return discord.utils.escape_markdown(label).replace("[", "［").replace("]", "］")


def _safe_url(url: str | None) -> str | None:
    if not url or not url.startswith(("http://", "https://")) or len(url) > MAX_URL_CHARS:
        return None
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# --- passages and citation lookup -----------------------------------------------------------


def render_passages(citations: Sequence[Citation], lang: str = "en") -> list[discord.Embed]:
    """One embed per cited passage (the title links to its page), sharing one message's budget;
    the sentence that bears on the question or claim in bold, a citation lookup's verdict first."""
    shown = list(citations)[:EMBEDS_LIMIT]
    heads = [(clip(f"[{c.n}] {_label(c.title, c.section)}", EMBED_TITLE_LIMIT), _passage_footer(c)) for c in shown]
    spent = sum(len(title) + len(footer) for title, footer in heads)
    share = min(EMBED_DESCRIPTION_LIMIT, (EMBEDS_TOTAL_LIMIT - spent) // max(len(shown), 1))
    embeds = []
    for citation, (title, footer) in zip(shown, heads, strict=True):
        verdict = text(lang, f"verdict_{citation.role}") + "\n" if citation.role in ("supports", "related") else ""
        embed = discord.Embed(title=title, url=_safe_url(citation.link),
                              description=verdict + _quote(citation, share - len(verdict)), colour=COLOUR)
        if footer:
            embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds


def _passage_footer(citation: Citation) -> str:
    parts = (citation.source or citation.outlet, citation.published, citation.link, *citation.also[:ALSO_SHOWN])
    return clip(" · ".join(p for p in parts if p), 300)


def _quote(citation: Citation, limit: int) -> str:
    """The passage as a block quote, centred on its quoted sentence in bold, "…" where cut."""
    # Markdown in the article must not restyle the quote: escape first, then bold the sentence.
    # Escaping lengthens the text: shrink the excerpt until it fits, so that "…" marks each cut.
    size = limit - 2
    while True:
        excerpt = citation.excerpt(max(size, 1), ("\x00", "\x01"))
        body = "> " + discord.utils.escape_markdown(excerpt).replace("\x00", "**").replace("\x01", "**")
        if len(body) <= limit or size <= 1:
            return clip(body, limit) if excerpt.strip() else "—"
        size -= len(body) - limit


def render_citations(claim: str, citations: Sequence[Citation], lang: str) -> Reply:
    """Citation lookup: the claim it was for, and the passages that bear on it with their verdicts."""
    if not citations:
        return Reply(text(lang, "cite_none"))
    key = "cite_header" if any(c.role == "supports" for c in citations) else "cite_related_only"
    header = text(lang, key, claim=clip(" ".join(claim.split()), 300))
    return Reply(clip(header, CONTENT_LIMIT), tuple(render_passages(citations, lang)))


# --- sources ------------------------------------------------------------------------------------


def page_count(total: int, per_page: int = SOURCES_PER_PAGE) -> int:
    return max(1, -(-total // per_page))


def render_sources_page(sources: Sequence[SourceInfo], page: int, lang: str) -> discord.Embed:
    """Page `page` (1-based, clamped) of the article list, numbered as `/source n` expects."""
    if not sources:
        return discord.Embed(title=text(lang, "sources_title"), description=text(lang, "sources_empty"))
    pages = page_count(len(sources))
    page = min(max(page, 1), pages)
    first = (page - 1) * SOURCES_PER_PAGE
    lines = [_source_line(first + i + 1, s) for i, s in enumerate(sources[first : first + SOURCES_PER_PAGE])]
    embed = discord.Embed(title=text(lang, "sources_title"), description="\n".join(lines), colour=COLOUR)
    embed.set_footer(text=text(lang, "sources_footer", page=page, pages=pages, count=len(sources)))
    return embed


def _source_line(n: int, source: SourceInfo) -> str:
    label = _link_text(clip(source.title or "—", 150))
    link = _safe_url(source.url)
    head = f"**{n}.** " + (f"[{label}]({link})" if link else label)
    meta = " · ".join(clip(x, 60) for x in (source.outlet, source.published) if x)
    return head + (f" — {meta}" if meta else "")


def render_source(source: SourceInfo, lang: str) -> discord.Embed:
    """One article's details; six fields of at most 1024 chars and a 256-char title fit the 6000."""
    embed = discord.Embed(title=clip(source.title or "—", EMBED_TITLE_LIMIT), url=_safe_url(source.url), colour=COLOUR)
    fields = (
        ("field_url", source.url),
        ("field_outlet", source.outlet),
        ("field_published", source.published),
        ("field_passages", str(source.passages)),
        ("field_lang", source.lang),
        # Never a folder of the server's disk: the file name only, and only when there is no URL to name it.
        ("field_file", None if source.url else file_name(source.path)),
    )
    for key, value in fields:
        if value:
            embed.add_field(name=text(lang, key), value=clip(value, FIELD_VALUE_LIMIT), inline=key != "field_file")
    return embed


# --- admin ------------------------------------------------------------------------------------


# Stats that name places on the server's disk: Discord never sees them.
PRIVATE_STATS = frozenset({"index_dir"})


def render_stats(stats: Mapping[str, object], title: str = "citebot") -> discord.Embed:
    """Every stat but the server's folders as a field (up to 25), a model folder by its name only; 25 fields
    of 40 + 180 chars stay under the 6000 per message."""
    embed = discord.Embed(title=title, colour=COLOUR)
    shown = {k: file_name(str(v)) if k == "model" else v for k, v in stats.items() if k not in PRIVATE_STATS}
    for key, value in list(shown.items())[:FIELDS_LIMIT]:
        embed.add_field(name=clip(str(key), 40), value=clip(str(value) or "—", 180))
    return embed


def render_gaps(declined: Sequence[Gap], down: Sequence[Gap], days: int, lang: str) -> discord.Embed:
    """The declined questions and the down-voted answers, each with how often and when last, as far as they fit."""
    embed = discord.Embed(title=text(lang, "gaps_title", days=days), colour=COLOUR)
    for key, gaps in (("gaps_declined", declined), ("gaps_down", down)):
        lines: list[str] = []
        for gap in gaps:
            head = "• " + discord.utils.escape_markdown(clip(gap.question, 200))
            if gap.answer:
                head += "\n  → " + discord.utils.escape_markdown(clip(" ".join(gap.answer.split()), 150))
            line = f"{head} ({text(lang, 'gaps_times', count=gap.count, last=gap.last[:10])})"
            if len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
                break
            lines.append(line)
        embed.add_field(name=text(lang, key), value="\n".join(lines) or text(lang, "gaps_none"), inline=False)
    return embed


def render_ingest_report(report: IngestReport) -> str:
    lines = []
    for label, paths in (
        ("Added", report.added),
        ("Updated", report.updated),
        ("Unchanged", report.unchanged),
        ("Removed", report.removed),
    ):
        if paths:
            lines.append(f"{label}: " + ", ".join(file_name(p) for p in paths))
    lines.extend(f"Skipped {file_name(path)}: {_without_folders(reason, path)}" for path, reason in report.skipped)
    lines.extend(f"Not indexed twice: {file_name(path)} has the same text as {file_name(same)}"
                 for path, same in report.duplicates)
    lines.append(f"Passages written: {report.passages}")
    return clip("\n".join(lines), CONTENT_LIMIT)


def _without_folders(reason: str, path: str) -> str:
    """A skip reason (an exception's first line may quote the path) with the file's folder left out."""
    if "://" in path:
        return reason  # a fetched page: its URL is no secret of the server
    posix = path.replace("\\", "/")
    folder = posix.rsplit("/", 1)[0] if "/" in posix else ""
    reason = reason.replace(path, file_name(path))
    return reason.replace(folder, "…") if folder else reason


def file_name(path: str) -> str:
    """The last part of a path, which is all Discord may see of it; a fetched page's URL whole."""
    if "://" in path:
        return path  # a fetched page: its URL says what it is
    return path.replace("\\", "/").rsplit("/", 1)[-1]
