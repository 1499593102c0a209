"""`EngineProxy` wraps the real engine so a bot test can slow it down, make it fail, or script
its answer; `make_answer` and `make_citation` build the scripted values."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from index.types import SourceInfo
from index.types import Answer, AnswerSentence, Citation, IngestReport


class EngineProxy:
    """Wraps a catalog of libraries (index.catalog.Catalog); tests set `delay` (seconds of blocking per ask), `fail`,
    `answer`, `declines` (questions containing one of these words are declined), `citations` or `listing`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.delay = 0.0
        self.fail: Exception | None = None
        self.answer: Answer | None = None
        self.citations: list[Citation] | None = None
        self.listing: list[SourceInfo] | None = None
        self.declines: tuple[str, ...] = ()
        self.ingest_gate: threading.Event | None = None  # when set up, ingest blocks until it is set
        self.asked: list[str] = []
        self.claims: list[str] = []
        self.libraries: list[tuple[str, ...]] = []  # the libraries each question was asked in

    def ask(self, question: str, k: int = 5, libraries: Any = ("default",)) -> Answer:
        self.asked.append(question)
        time.sleep(self.delay)  # blocking on purpose: the bot must keep this off the event loop
        if self.fail is not None:
            raise self.fail
        self.libraries.append(tuple(libraries))
        if any(word in question.lower() for word in self.declines):
            return Answer(question, (), (), True, "en", "The articles don't cover this.")
        return self.answer if self.answer is not None else self.inner.ask(question, k, libraries)

    def cite(self, claim: str, k: int = 5, libraries: Any = ("default",)) -> list[Citation]:
        self.claims.append(claim)
        return self.citations if self.citations is not None else self.inner.cite(claim, k, libraries)

    def sources(self, libraries: Any = ("default",)) -> list[Any]:
        return self.listing if self.listing is not None else self.inner.sources(libraries)

    def ingest(self, paths: list[Path], progress: Any = None, library: str = "default", documents: Any = ()) -> IngestReport:
        if self.ingest_gate is not None:
            assert self.ingest_gate.wait(10), "the test never released the ingest"
        return self.inner.ingest(paths, progress, library, documents=documents)

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
