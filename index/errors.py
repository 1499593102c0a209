"""Errors citebot reports to users: each message says what went wrong and what to do."""


class CitebotError(Exception):
    """Base class: the message is fit to show a user as is."""


class LoadError(CitebotError):
    """A file could not be turned into a Document (empty, binary, undecodable, malformed)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EmptyQuestion(CitebotError):
    def __init__(self) -> None:
        super().__init__("the question is empty: ask something, e.g. citebot ask \"アラスカ会談はいつ?\"")


class QuestionTooLong(CitebotError):
    def __init__(self, length: int, limit: int):
        super().__init__(f"the question is {length} characters long; the limit is {limit}")
        self.length = length
        self.limit = limit


class ModelMismatch(CitebotError):
    """The index was built with another embedding model than the one asked to query it."""


class IndexCorrupt(CitebotError):
    """An index file is unreadable; the message names it and the command to rebuild."""


class DamagedFile(IndexCorrupt):
    """One derived index file (FAISS, BM25) is missing or unreadable."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path} is missing or damaged ({reason})")
        self.path = path


class IndexLocked(CitebotError):
    """Another ingest holds the index's write lock."""


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
