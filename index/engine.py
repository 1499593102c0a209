"""The answer engine: one index directory + one embedding model, shared by the CLI and the bot."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from index.ingest import pipeline as ingesting
from index.allocator import pin_malloc_thresholds
from index.answer.lookup import supporting
from index.answer.parts import answer as answer_question
from index.answer.placing import POOL
from index.embedding import Embedder, SecondOpinion, embedder_name, load_embedder
from index.ingest.decoding import clean_text
from index.errors import EmptyQuestion, QuestionTooLong
from index.answer.ranking import Searcher
from index.settings import EngineSettings
from index.store.database import SourceInfo, Store
from index.types import Answer, Citation, Document, IngestReport

# Answers kept for repeated questions (a channel asking the same thing again); an entry is
# keyed by the index generation, so a new ingest makes every older one unreachable.
ANSWER_CACHE_SIZE = 256
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_question(text: str, max_chars: int) -> str:
    """A question or claim as citebot searches for it, or EmptyQuestion / QuestionTooLong."""
    # Lone surrogates (argv bytes that were not UTF-8) cannot be encoded for the model or
    # printed; zero-width and control characters carry nothing to search for.
    text = _SURROGATES.sub("", clean_text(text or ""))
    text = " ".join(text.split())
    if not text:
        raise EmptyQuestion()
    if len(text) > max_chars:
        raise QuestionTooLong(len(text), max_chars)
    return text


def open_store(directory: Path, settings: EngineSettings, library: str, *, create: bool = True,
               search_files: bool = True):
    """One library's store: in the Milvus server the settings name, else the index folder's files
    (`directory` is that library's folder). Opening it loads no model."""
    if settings.milvus_uri:
        from index.store.milvus.client import MilvusDB
        from index.store.milvus.store import MilvusStore

        return MilvusStore.open(MilvusDB.connect(settings.milvus_uri, settings.milvus_token), library, create=create)
    store = Store.open(Path(directory), search_files=search_files, create=create,
                       ann_threshold=settings.ann_threshold, ivf_nprobe=settings.ivf_nprobe)
    store.library = library
    return store


class Engine:
    """Thread-safe: answers may run in many threads while one ingest runs in another."""

    def __init__(self, store: Store, embedder: Embedder, settings: EngineSettings | None = None):
        self.settings = settings or EngineSettings()
        self.store = store
        self.embedder = embedder
        self.second = SecondOpinion()
        self.searcher = Searcher(store, embedder, self.second)
        self._write_lock = threading.Lock()
        self._answers: OrderedDict[tuple[str, int, int], Answer] = OrderedDict()
        self._cache_lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path, *, embedder: Embedder | None = None, settings: EngineSettings | None = None,
             search_files: bool = True, create: bool = True, library: str = "default") -> "Engine":
        """search_files=False opens the database alone, for a rebuild of damaged search files;
        create=False refuses a folder that holds no index instead of making one. `library` is the
        name its citations and sources are reported under (index_dir is that library's folder)."""
        settings = settings or EngineSettings()
        pin_malloc_thresholds()
        store = open_store(Path(index_dir), settings, library, create=create, search_files=search_files)
        try:
            # The index names its model: load that one unless the caller insists on another, and
            # compare the names first: loading the wrong model only to refuse it wastes seconds.
            spec = settings.model or store.model
            store.check_model(embedder.name if embedder else embedder_name(spec))
            embedder = embedder or load_embedder(spec, settings.threads)
            if search_files:
                store.load_search_files()
        except BaseException:
            store.close()
            raise
        return cls(store, embedder, settings)

    def close(self) -> None:
        self.store.close()

    def _clean(self, text: str) -> str:
        return clean_question(text, self.settings.max_question_chars)

    def ask(self, question: str, k: int = 5) -> Answer:
        question = self._clean(question)
        self.store.refresh()
        key = (question, k, self.store.generation)
        with self._cache_lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        # The whole placed pool: a source entry gathers its section's passages from all of it
        # (answer/citations.py); the answer reads only the best few, so it does not move.
        answer = answer_question(question, self.searcher.query, lambda q: self.searcher.rank(q, k=max(k, POOL)), k,
                                 self.embedder.embed_queries)
        with self._cache_lock:
            if self._answers and next(reversed(self._answers))[2] != key[2]:
                self._answers.clear()  # a new generation: the old answers can never be asked for again
            self._answers[key] = answer
            while len(self._answers) > ANSWER_CACHE_SIZE:
                self._answers.popitem(last=False)
        return answer

    def cite(self, claim: str, k: int = 5) -> list[Citation]:
        """Passages that bear on a claim, those that support it first (Citation.role "supports",
        else "related"), each with its closest sentence as `quote`; empty when none comes close."""
        claim = self._clean(claim)
        self.store.refresh()
        q = self.searcher.query(claim)
        return supporting(q, self.searcher.rank(q, k=max(k, 8)), k)

    def sources(self) -> list[SourceInfo]:
        self.store.refresh()
        return self.store.sources()

    def ingest(self, paths: Iterable[Path], progress=None, wait: float = 0.0, drop: Iterable[str] = (),
               documents: Iterable[Document] = ()) -> IngestReport:
        """Add new and changed files (and `documents` loaded elsewhere: fetched pages, keyed by their
        URL); `drop` names indexed articles to remove in the same generation."""
        with self._write_lock:
            return ingesting.ingest(self.store, self.embedder, [Path(p) for p in paths], progress, wait=wait,
                                    drop=list(drop), documents=list(documents), second=self.second)

    def find(self, wanted: str) -> list[SourceInfo]:
        """The articles a user may mean by `wanted`, by the first rule that matches any: the exact
        path (as `sources` lists it), the path of an existing file named so, the file name, the title
        (ignoring case). The CLI and the bot remove articles by this one rule."""
        wanted = wanted.strip()
        sources = self.sources()
        resolved = str(Path(wanted).resolve()) if wanted and Path(wanted).exists() else None
        for matches in ([s for s in sources if s.path == wanted],
                        [s for s in sources if resolved and s.path == resolved],
                        [s for s in sources if Path(s.path).name == wanted],
                        [s for s in sources if s.title.strip().casefold() == wanted.casefold()]):
            if matches:
                return matches
        return []

    def remove(self, path: str) -> bool:
        """Remove the article indexed under exactly this path (see `find`)."""
        with self._write_lock:
            return ingesting.remove(self.store, self.embedder, path)

    def rebuild(self) -> None:
        with self._write_lock:
            ingesting.rebuild(self.store, self.embedder)

    def stats(self) -> dict:
        self.store.refresh()
        docs, passages = self.store.counts()
        return {"articles": docs, "passages": passages, "model": self.store.model or self.embedder.name,
                "index_dir": str(self.store.directory), "generation": self.store.generation}
