"""Stand-ins for `index.engine.Engine` in the bot tests.

`KeywordEngine` answers over the fixture corpus by word/bigram overlap: it is used when
`index.engine` does not exist yet. `EngineProxy` wraps either engine to slow it down,
make it fail, or script its answer, for the tests that need that.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.store import SourceInfo
from index.errors import EmptyQuestion, QuestionTooLong
from index.types import Answer, AnswerSentence, Citation, IngestReport

ENGINE_MAX_QUESTION_CHARS = 2000
STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "is",
        "was",
        "were",
        "did",
        "does",
        "do",
        "what",
        "when",
        "where",
        "who",
        "how",
        "which",
        "and",
        "or",
        "for",
        "by",
        "it",
        "its",
    ]
)


@dataclass(frozen=True)
class _Passage:
    text: str
    section: str | None


@dataclass(frozen=True)
class _Article:
    path: str
    title: str
    url: str | None
    published: str | None
    outlet: str | None
    lang: str
    passages: tuple[_Passage, ...]


class KeywordEngine:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.articles: dict[str, _Article] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path, *, embedder: Any = None) -> KeywordEngine:
        return cls(index_dir)

    def ingest(self, paths: list[Path], progress: Any = None) -> IngestReport:
        report = IngestReport()
        for path in paths:
            key = str(Path(path).resolve())
            article = _load(Path(path))
            if article is None:
                report.skipped.append((key, "not an article"))
                continue
            with self._lock:
                previous = self.articles.get(key)
                self.articles[key] = article
            bucket = report.added if previous is None else report.unchanged if previous == article else report.updated
            bucket.append(key)
            report.passages += len(article.passages)
        return report

    def remove(self, path: str) -> bool:
        with self._lock:
            return self.articles.pop(path, None) is not None

    def sources(self) -> list[SourceInfo]:
        with self._lock:
            articles = list(self.articles.values())
        return [SourceInfo(path=a.path, title=a.title, url=a.url, published=a.published, outlet=a.outlet,
                           lang=a.lang, passages=len(a.passages)) for a in articles]

    def stats(self) -> dict:
        with self._lock:
            passages = sum(len(a.passages) for a in self.articles.values())
            return {
                "articles": len(self.articles),
                "passages": passages,
                "model": "keyword-double",
                "index_dir": str(self.index_dir),
            }

    def ask(self, question: str, k: int = 5) -> Answer:
        lang = "ja" if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", question) else "en"
        citations = self.cite(question, k=2)
        if not citations:
            return Answer(question, (), (), True, lang, "the articles don't cover this")
        sentences = tuple(AnswerSentence(_best_sentence(c.passage, question), c.n) for c in citations)
        return Answer(question, sentences, tuple(citations), False, lang)

    def cite(self, claim: str, k: int = 5) -> list[Citation]:
        if not claim.strip():
            raise EmptyQuestion()
        if len(claim) > ENGINE_MAX_QUESTION_CHARS:
            raise QuestionTooLong(len(claim), ENGINE_MAX_QUESTION_CHARS)
        wanted = _tokens(claim)
        with self._lock:
            scored = [(len(wanted & _tokens(p.text)), a, p) for a in self.articles.values() for p in a.passages]
        ranked = sorted((s for s in scored if s[0] >= 2), key=lambda s: -s[0])[:k]
        return [
            Citation(n, p.text, a.title, p.section, a.url, None, None, a.published, a.path, float(score), a.outlet)
            for n, (score, a, p) in enumerate(ranked, start=1)
        ]


def _tokens(text: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1}
    cjk = re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", " ", text)
    bigrams = {run[i : i + 2] for run in cjk.split() for i in range(len(run) - 1)}
    return words | bigrams


def _best_sentence(passage: str, question: str) -> str:
    sentences = [s for s in re.split(r"(?<=[。.!?])\s*", passage) if s.strip()]
    return max(sentences, key=lambda s: len(_tokens(s) & _tokens(question)))


def _load(path: Path) -> _Article | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    meta, body = _front_matter(text) if path.suffix == ".md" else _news_header(text)
    if not body.strip() or "title" not in meta:
        return None
    passages, section = [], None
    for block in re.split(r"\n\s*\n", re.sub(r"<[^>]+>", " ", body)):
        block = block.strip()
        if block.startswith("#"):
            section = block.lstrip("#").strip()
        elif block:
            passages.append(_Passage(block, section))
    lang = "ja" if re.search(r"[\u3040-\u30ff]", body) else "en"
    return _Article(
        str(path.resolve()), meta["title"], meta.get("url"), meta.get("date"), meta.get("source"), lang, tuple(passages)
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
    if not match:
        return {}, text
    meta = dict(line.split(": ", 1) for line in match[1].splitlines() if ": " in line)
    return meta, match[2]


def _news_header(text: str) -> tuple[dict[str, str], str]:
    lines = text.splitlines()
    meta = {"title": lines[0].strip()} if lines else {}
    body_start = 1
    for i, line in enumerate(lines[1:4], start=1):
        if line.startswith(("URL: ", "Date: ")):
            key, value = line.split(": ", 1)
            meta["url" if key == "URL" else "date"] = value.strip()
            body_start = i + 1
    return meta, "\n".join(lines[body_start:])


class EngineProxy:
    """Wraps an engine; tests set `delay` (seconds of blocking per ask), `fail`, `answer`, `citations` or `listing`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.delay = 0.0
        self.fail: Exception | None = None
        self.answer: Answer | None = None
        self.citations: list[Citation] | None = None
        self.listing: list[SourceInfo] | None = None
        self.ingest_gate: threading.Event | None = None  # when set up, ingest blocks until it is set
        self.asked: list[str] = []
        self.claims: list[str] = []

    def ask(self, question: str, k: int = 5) -> Answer:
        self.asked.append(question)
        time.sleep(self.delay)  # blocking on purpose: the bot must keep this off the event loop
        if self.fail is not None:
            raise self.fail
        return self.answer if self.answer is not None else self.inner.ask(question, k)

    def cite(self, claim: str, k: int = 5) -> list[Citation]:
        self.claims.append(claim)
        return self.citations if self.citations is not None else self.inner.cite(claim, k)

    def sources(self) -> list[Any]:
        return self.listing if self.listing is not None else self.inner.sources()

    def ingest(self, paths: list[Path], progress: Any = None) -> IngestReport:
        if self.ingest_gate is not None:
            assert self.ingest_gate.wait(10), "the test never released the ingest"
        return self.inner.ingest(paths, progress)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def make_citation(n: int, **fields: Any) -> Citation:
    """A citation for scripted answers; fields override plain defaults."""
    values: dict[str, Any] = {
        "n": n,
        "passage": f"Passage {n}.",
        "title": f"Title {n}",
        "section": None,
        "url": f"https://example.org/{n}",
        "source": None,
        "source_url": None,
        "published": "2025-01-01",
        "path": f"/articles/{n}.txt",
        "score": 1.0,
    }
    return Citation(**{**values, **fields})


def make_answer(
    sentences: list[tuple[str, int]],
    citations: list[Citation],
    *,
    lang: str = "en",
    abstained: bool = False,
    message: str = "",
) -> Answer:
    return Answer(
        "scripted", tuple(AnswerSentence(t, n) for t, n in sentences), tuple(citations), abstained, lang, message
    )
