"""The named libraries of one index folder, answered from together: a Discord server's own library
and the operator's shared one. Each library is its own index (index.settings.library_dir); one
embedding model serves them all."""
from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from index.answer.compose import NOT_COVERED
from index.answer.lookup import supporting
from index.answer.parts import answer as answer_question
from index.answer.ranking import merge
from index.engine import Engine, clean_question
from index.errors import NoIndex
from index.text.language import detect_lang
from index.settings import DEFAULT_LIBRARY, EngineSettings, check_library, library_dir
from index.types import Answer, Citation, Document, IngestReport, Query, Ranking, SourceInfo


class Catalog:
    """Thread-safe. Libraries open on first use; one that holds no index yet is left out of
    questions (a server nobody uploaded to answers from the shared library alone), and when none
    holds one, nothing covers the question."""

    def __init__(self, root: Path, settings: EngineSettings | None = None, embedder=None) -> None:
        self.root = Path(root)
        self.settings = settings or EngineSettings()
        self.embedder = embedder
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def engine(self, library: str, create: bool = False) -> Engine | None:
        """The library's engine; None when it holds no index and create is False."""
        check_library(library, "library")
        with self._lock:
            if library not in self._engines:
                try:
                    engine = Engine.open(library_dir(self.root, library), embedder=self.embedder,
                                         settings=self.settings, create=create, library=library)
                except NoIndex:
                    if create:
                        raise
                    return None
                self.embedder = self.embedder or engine.embedder
                self._engines[library] = engine
            return self._engines[library]

    def _open(self, libraries: Iterable[str]) -> list[Engine]:
        return [e for e in (self.engine(name) for name in dict.fromkeys(libraries)) if e is not None]

    def ask(self, question: str, k: int = 5, libraries: Sequence[str] = (DEFAULT_LIBRARY,)) -> Answer:
        engines = self._open(libraries)
        if not engines:
            # Libraries nobody has filled yet hold no article: nothing covers the question.
            text = clean_question(question, self.settings.max_question_chars)
            lang = detect_lang(text)
            return Answer(text, (), (), abstained=True, lang=lang, message=NOT_COVERED[lang])
        if len(engines) == 1:
            return engines[0].ask(question, k)
        text = self._refreshed(engines, question)
        return answer_question(text, engines[0].searcher.query, lambda q: self._merged(engines, q, k), k,
                               self.embedder.embed_queries)

    def cite(self, claim: str, k: int = 5, libraries: Sequence[str] = (DEFAULT_LIBRARY,)) -> list[Citation]:
        engines = self._open(libraries)
        if not engines:
            clean_question(claim, self.settings.max_question_chars)
            return []
        if len(engines) == 1:
            return engines[0].cite(claim, k)
        q, ranking = self._rank(engines, claim, k)
        return supporting(q, ranking, k)

    def _rank(self, engines: list[Engine], text: str, k: int):
        q = engines[0].searcher.query(self._refreshed(engines, text))
        return q, self._merged(engines, q, k)

    def _refreshed(self, engines: list[Engine], text: str) -> str:
        """The question cleaned, once every library shows its newest generation."""
        text = clean_question(text, self.settings.max_question_chars)
        for e in engines:
            e.store.refresh()
        return text

    @staticmethod
    def _merged(engines: list[Engine], q: Query, k: int) -> Ranking:
        # Eight, not the engine's twelve (Engine.ask): the merge spreads its best passages over
        # articles, so more candidates would change what the answer reads, and no question set
        # asks several libraries at once to measure that on (NOTES.md, session 60).
        return merge([e.searcher.rank(q, k=max(k, 8)) for e in engines], max(k, 8))

    def sources(self, libraries: Sequence[str] = (DEFAULT_LIBRARY,)) -> list[SourceInfo]:
        """The articles of these libraries, by title then path (the order /sources numbers them in)."""
        found = [s for e in (self.engine(name) for name in dict.fromkeys(libraries)) if e for s in e.sources()]
        return sorted(found, key=lambda s: (s.title.casefold(), s.path, s.library))

    def ingest(self, paths: list[Path], progress=None, library: str = DEFAULT_LIBRARY,
               documents: Sequence[Document] = ()) -> IngestReport:
        """Files (and `documents` loaded elsewhere: fetched pages) into one library, created if need be."""
        return self.engine(library, create=True).ingest(paths, progress, documents=documents)

    def find(self, wanted: str, library: str = DEFAULT_LIBRARY) -> list[SourceInfo]:
        engine = self.engine(library)
        return engine.find(wanted) if engine else []

    def remove(self, path: str, library: str = DEFAULT_LIBRARY) -> bool:
        engine = self.engine(library)
        return engine.remove(path) if engine else False

    def stats(self, libraries: Sequence[str] = (DEFAULT_LIBRARY,)) -> dict:
        engines = [e for e in (self.engine(name) for name in dict.fromkeys(libraries)) if e]
        each = [e.stats() for e in engines]
        return {"articles": sum(x["articles"] for x in each), "passages": sum(x["passages"] for x in each),
                "model": each[0]["model"] if each else (self.settings.model or ""), "index_dir": str(self.root),
                "libraries": ", ".join(e.store.library for e in engines)}

    def close(self) -> None:
        with self._lock:
            for engine in self._engines.values():
                engine.close()
            self._engines.clear()
