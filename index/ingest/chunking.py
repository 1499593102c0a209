"""Document -> sentence spans -> passages that never split a sentence or cross a Block."""
from __future__ import annotations

import re

from index.types import Block, Chunk, Document, Span

# Part of every article's digest (ingest/pipeline.py): when how text is read or cut changes, the
# next ingest re-reads every article, which until then answers with its old passages and metadata.
# 5: a plain news header read in Japanese too (媒体:, 日付:), so such a file gains its URL and date.
VERSION = "5"
# A passage of a few hundred characters fits multilingual-e5-small's 512 tokens with room
# for the title/section prefix, and is short enough that its vector stays about one thing.
TARGET_CHARS = 320
MAX_CHARS = 520

# Sentence ends: Japanese full stops and !? (full or half width), optionally followed by
# closing brackets/quotes, which belong to the sentence they close.
_STOPS = "。！？!?"
_JA_END = re.compile(rf"[{_STOPS}]+[」』）)\]】〕”’\"']*")
# A quotation of a few sentences is one statement: cut at its inner 。, the answer quoted
# 「週休3日は福利厚生ではない。 and left out the half that says what it is. Longer
# quotations (a speech, an interview) are split as usual.
_QUOTE_PAIRS = {"「": "」", "『": "』"}
QUOTE_MAX_CHARS = 200
_QUOTATIVE = ("と", "っ", "、")
# An aside in parentheses is part of the sentence around it, 。 and all: 「労働委員会がする処分（…を
# 含む。）又はその不作為については、審査請求をすることができない。」 was cut after 「含む。）」, and the
# answer quoted the half without 審査請求. An aside that follows a full stop is a sentence of its own.
_ASIDE_PAIRS = {"（": "）", "(": ")"}
# 「またベライゾンは買収後、Yahoo! Holdingsという子会社を設立した。」 was cut after 「Yahoo!」, and the
# answer quoted half a sentence without the name: in a Japanese line, a half-width ! or ? right after
# a Latin letter belongs to a name (Yahoo!ニュース, Hey! Say! JUMP) unless the line ends there.
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# English full stop + space + an upper-case letter, digit or quote starts a new sentence,
# unless the word before the dot is a known abbreviation (Mr., U.S., Oct.).
_EN_END = re.compile(r"(?<=[.])[\"'”’)]*\s+(?=[\"“A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Gov|Sen|Rep|Lt|Col|Capt|Inc|Ltd|Co|Corp|vs|etc|No|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|est)\.|\b(?:[A-Z]\.)+|\b[A-Z])$"
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of text[start:end], trimmed of surrounding white space.

    Line breaks always end a sentence: the articles put headings, bullets and
    datelines on lines of their own, and those must not glue onto the next sentence.
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        ls, le = start + line.start(), start + line.end()
        spans.extend(Span(s, e) for s, e in _split_line(text, ls, le))
    return spans


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = {end}
    line = text[start:end]
    asides = _enclosed(line, _ASIDE_PAIRS)
    enclosed = _enclosed(line, _QUOTE_PAIRS) + asides
    for m in _JA_END.finditer(line):
        inside = any(a < m.end() <= b for a, b in enclosed)
        # 「本当か？」と聞いた。: the quotation closes, the sentence goes on.
        quoted = m.group().endswith(("」", "』")) and line[m.end():m.end() + 1] in _QUOTATIVE
        # …を含む。）又は…: so does a sentence around an aside.
        aside = m.group().endswith(tuple(_ASIDE_PAIRS.values())) and m.end() < len(line) and any(
            b == m.end() - 1 and a > 0 and line[a - 1] not in _STOPS for a, b in asides)
        named = (m.group()[0] in "!?" and m.start() > 0 and line[m.start() - 1].isascii()
                 and line[m.start() - 1].isalpha() and m.end() < len(line.rstrip()) and _JA_CHAR.search(line))
        if not (inside or quoted or aside or named):
            cuts.add(start + m.end())
    for m in _EN_END.finditer(line):
        before = line[: m.start()]
        if not _ABBREV.search(before.split(" ")[-1] if before else ""):
            cuts.add(start + m.end())
    out = []
    s = start
    for c in sorted(cuts):
        if c <= s:
            continue
        a, b = _trim(text, s, c)
        if b > a:
            out.append((a, b))
        s = c
    return out


def _enclosed(line: str, pairs: dict[str, str]) -> list[tuple[int, int]]:
    """(opening, closing) offsets of the outermost pairs (quotations or asides, each kind on its
    own, so that a stray bracket of one kind cannot hide the other) closed on this line and at
    most QUOTE_MAX_CHARS long."""
    out, stack = [], []
    for i, ch in enumerate(line):
        if ch in pairs:
            stack.append((i, pairs[ch]))
        elif stack and ch == stack[-1][1]:
            opened, _ = stack.pop()
            if not stack and i - opened <= QUOTE_MAX_CHARS:
                out.append((opened, i))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _split_long(text: str, span: Span, limit: int) -> list[Span]:
    """Cut a sentence longer than a passage at commas, then hard, so nothing is lost."""
    out: list[Span] = []
    s = span.start
    while span.end - s > limit:
        window = text[s : s + limit]
        cut = max(window.rfind(c) for c in "、，,；;：:　 ")
        cut = s + cut + 1 if cut > limit // 3 else s + limit
        a, b = _trim(text, s, cut)
        if b > a:
            out.append(Span(a, b))
        s = cut
    a, b = _trim(text, s, span.end)
    if b > a:
        out.append(Span(a, b))
    return out


def chunk_block(text: str, block: Block, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> list[Chunk]:
    """Greedy packing of whole sentences up to `target` characters (never beyond `limit`)."""
    sentences: list[Span] = []
    for sp in split_sentences(text, block.start, block.end):
        sentences.extend(_split_long(text, sp, limit) if sp.end - sp.start > limit else [sp])
    chunks: list[Chunk] = []
    group: list[Span] = []
    for sp in sentences:
        if group and (sp.end - group[0].start > limit or group[-1].end - group[0].start >= target):
            chunks.append(Chunk(group[0].start, group[-1].end, block, tuple(group)))
            group = []
        group.append(sp)
    if group:
        chunks.append(Chunk(group[0].start, group[-1].end, block, tuple(group)))
    return _merge_tiny_tail(chunks, limit)


def _merge_tiny_tail(chunks: list[Chunk], limit: int) -> list[Chunk]:
    # A one-line remainder alone says little; glue it to its neighbour when it fits.
    if len(chunks) >= 2:
        last, prev = chunks[-1], chunks[-2]
        if last.end - last.start < 60 and last.end - prev.start <= limit:
            chunks[-2:] = [Chunk(prev.start, last.end, prev.block, prev.sentences + last.sentences)]
    return chunks


def chunk_document(doc: Document, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> list[Chunk]:
    out: list[Chunk] = []
    for block in doc.blocks:
        out.extend(chunk_block(doc.text, block, target, limit))
    return out
