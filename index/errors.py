"""The engine's errors. Each carries the data a face needs to word it (the CLI in
bot/cli/wording.py, Discord in bot/discord/strings.py); the message itself is a plain
sentence for logs and for code that has no face of its own."""
from __future__ import annotations

from pathlib import Path


class CitebotError(Exception):
    """Base class of everything the engine reports to a user."""


class LoadError(CitebotError):
    """A file could not be turned into a Document (empty, binary, undecodable, malformed)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EmptyQuestion(CitebotError):
    def __init__(self) -> None:
        super().__init__("the question is empty")


class QuestionTooLong(CitebotError):
    def __init__(self, length: int, limit: int):
        super().__init__(f"the question is {length} characters long; the limit is {limit}")
        self.length = length
        self.limit = limit


class ModelMismatch(CitebotError):
    """The index was built with another embedding model than the one asked to query it."""

    def __init__(self, directory: Path, index_model: str, asked_model: str):
        super().__init__(f"the index in {directory} was built with the embedding model '{index_model}', "
                         f"not '{asked_model}'")
        self.directory, self.index_model, self.asked_model = directory, index_model, asked_model


class IndexCorrupt(CitebotError):
    """An index file is unreadable. `repair` says what mends it: "rebuild" (a search file:
    rewrite it from the database) or "reingest" (the database: ingest the articles anew)."""

    def __init__(self, path: Path, reason: str, directory: Path, repair: str):
        super().__init__(f"{path} is damaged or unreadable ({reason})")
        self.path, self.reason, self.directory, self.repair = path, reason, directory, repair


class DamagedFile(IndexCorrupt):
    """One search file (FAISS, BM25) is missing or unreadable: the database can rebuild it."""

    def __init__(self, path: Path, reason: str):
        super().__init__(path, reason, Path(path).parent, "rebuild")


class IndexLocked(CitebotError):
    """Another ingest holds the index's write lock."""

    def __init__(self, directory: Path):
        super().__init__(f"another ingest is writing to {directory}")
        self.directory = directory


class ConfigError(CitebotError):
    """A setting (an environment variable, `.env`, or a command-line option) is wrong."""

    def __init__(self, setting: str, value: str | None, problem: str, fix: str):
        shown = "" if value is None else (f" {value}" if setting.startswith("--") else f"={value}")
        super().__init__(f"{setting}{shown} {problem}; {fix}")
        self.setting, self.value, self.problem, self.fix = setting, value, problem, fix


class NoIndex(CitebotError):
    """A folder holds no citebot index (and the command would not create one), or cannot hold one."""

    def __init__(self, directory, problem: str = "holds no citebot index"):
        super().__init__(f"{directory} {problem}")
        self.directory, self.problem = directory, problem


class IndexReadOnly(CitebotError):
    """The index can be read but not written (no write permission, or a read-only file system)."""

    def __init__(self, directory):
        super().__init__(f"the index in {directory} is read-only: citebot can answer from it but not change it")
        self.directory = directory


class ModelUnavailable(CitebotError):
    """The embedding model named is neither bundled, a local folder, cached, nor reachable."""

    def __init__(self, model: str, reason: str):
        super().__init__(f"the embedding model {model!r} cannot be loaded: {reason}")
        self.model, self.reason = model, reason


class StoreUnavailable(CitebotError):
    """The shared store (a Milvus server) did not answer: down, unreachable or refusing. Nothing
    was changed by the failed call; the same command may be retried."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where} is unavailable: {reason}")
        self.where, self.reason = where, reason
