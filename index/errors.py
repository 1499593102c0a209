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
class FetchError(CitebotError):
    """A URL (a page or a feed) could not be had. `kind` names what went wrong, for the faces to word;
    `detail` is its one datum (the address refused, the limit passed, the status received…)."""

    refused = False

    def __init__(self, url: str, kind: str, detail: str = ""):
        super().__init__(f"{url}: {self.reason_of(kind, detail)}")
        self.url, self.kind, self.detail = url, kind, detail

    @property
    def reason(self) -> str:
        """A few plain words, for a skipped entry's line in a report (the faces word the error itself)."""
        return self.reason_of(self.kind, self.detail)

    @staticmethod
    def reason_of(kind: str, detail: str) -> str:
        phrase = _FETCH_REASONS.get(kind, kind.replace("_", " ") + " ({detail})")
        return phrase.format(detail=detail).replace(" ()", "")


class FetchRefused(FetchError):
    """citebot would not fetch the URL at all (before connecting): its scheme, or the address its host
    resolves to (loopback, private, link-local, metadata…), is not one it reaches. Kinds: scheme,
    bad_url, unresolvable, address (detail: "ADDRESS is a KIND address"), redirect_scheme."""

    refused = True


class FetchFailed(FetchError):
    """The server answered, but not with something citebot indexes. Kinds: network, timeout, too_large,
    status, content_type, encoding, redirects, not_a_feed, is_feed, no_text."""


def fetch_error(url: str, kind: str, detail: str = "", refused: bool = False) -> FetchError:
    """Rebuild a stored error (a feed's last one) from its data."""
    return (FetchRefused if refused else FetchFailed)(url, kind, detail)


_FETCH_REASONS = {  # {detail} is the error's datum
    "scheme": "refused: only http and https URLs are fetched, not {detail}",
    "bad_url": "refused: not a usable URL ({detail})",
    "unresolvable": "the host name does not resolve ({detail})",
    "address": "refused: {detail}, which citebot never fetches from",
    "redirect_scheme": "refused: redirected to a URL that is not http(s) ({detail})",
    "network": "could not connect or read ({detail})",
    "timeout": "took longer than {detail} s",
    "too_large": "larger than {detail}",
    "status": "the server answered {detail}",
    "content_type": "not an HTML page or a feed (Content-Type {detail})",
    "encoding": "unreadable content encoding ({detail})",
    "redirects": "more than {detail} redirects",
    "not_a_feed": "not an RSS or Atom feed ({detail})",
    "is_feed": "a feed, not a page: follow it instead",
    "no_text": "no article text ({detail})",
}
