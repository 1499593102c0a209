"""Typed bot settings, read from the environment and a `.env` file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ConfigError
from index.settings import (DEFAULT_LIBRARY, EngineSettings, FetchSettings, IndexSettings, check_library, number, path,
                            read_environment)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

__all__ = ["BotConfig", "ConfigError", "Secret"]


class Secret:
    """A string that never shows itself in a repr, a log line or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__


@dataclass(frozen=True)
class BotConfig:
    token: Secret | None
    guild_ids: tuple[int, ...] = ()
    api_base: str = DEFAULT_API_BASE
    gateway_url: str = DEFAULT_GATEWAY_URL
    index_dir: Path = field(default_factory=lambda: IndexSettings.read({}).index_dir)
    feedback_db: Path | None = None  # None: feedback.sqlite next to the index directory
    # A shared PostgreSQL for feedback instead of the file: several bot processes, one store.
    database_url: Secret | None = None
    cooldown_seconds: float = 5.0  # per user, between engine queries; 0 turns it off
    feedback_days: int = 90  # answers, votes and declined questions older than this are deleted
    engine: EngineSettings = field(default_factory=EngineSettings)
    # The library every server reads besides its own (and the only one a DM reads); None: none.
    shared_library: str | None = DEFAULT_LIBRARY
    # Gateway shards across all the bot's processes (None: as many as Discord recommends, all here)
    # and the ones this process runs (empty: every shard of shard_count).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] = ()
    # What /admin ingest url:, /admin follow and the feed schedule may fetch, and how often feeds are polled.
    fetch: FetchSettings = field(default_factory=FetchSettings)

    def own_library(self, guild_id: int | None) -> str | None:
        """The library a server's admins upload to and its members ask; a DM has none."""
        return f"guild-{guild_id}" if guild_id is not None else None

    def polls(self, library: str) -> bool:
        """Whether this process polls the feeds followed into `library`: a server's own library by the
        process running that server's shard, any other by the one running shard 0 (all of them when
        this process runs every shard), so several processes never poll one feed twice."""
        if not self.shard_ids:
            return True
        if library.startswith("guild-") and library[6:].isdigit():
            return (int(library[6:]) >> 22) % (self.shard_count or 1) in self.shard_ids
        return 0 in self.shard_ids

    def libraries(self, guild_id: int | None) -> tuple[str, ...]:
        """What a question in this server (None: a DM) may be answered from: its own library and the shared one."""
        return tuple(x for x in (self.own_library(guild_id), self.shared_library) if x)

    @property
    def max_question_chars(self) -> int:
        """The engine's limit: the bot refuses a longer question before it reaches a worker thread."""
        return self.engine.max_question_chars

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.index_dir.parent / "feedback.sqlite"

    @property
    def feedback_target(self) -> Path | str:
        """Where answers and votes are kept: the database URL when one is set, else the file."""
        return self.database_url.reveal() if self.database_url else self.feedback_path

    @property
    def articles_dir(self) -> Path:
        """Where `/admin ingest` keeps uploaded articles, so the index can be rebuilt from them."""
        return self.index_dir / "articles"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> BotConfig:
        """Settings from `environ` (default: the process environment) over those in `env_file`."""
        values = read_environment(environ, env_file)
        index = IndexSettings.read(values)
        token = values.get("DISCORD_TOKEN", "").strip()
        feedback_db = path(values, "CITEBOT_FEEDBACK_DB")
        if feedback_db is not None and feedback_db.is_dir():
            raise ConfigError("CITEBOT_FEEDBACK_DB", str(feedback_db), "is a folder",
                              "name a file, e.g. feedback.sqlite inside it")
        if feedback_db is not None and not feedback_db.parent.is_dir():
            raise ConfigError("CITEBOT_FEEDBACK_DB", str(feedback_db), f"is in a folder that does not exist "
                              f"({feedback_db.parent})", "create the folder, or name a file in an existing one")
        database_url = values.get("CITEBOT_DATABASE_URL", "").strip()
        if database_url and not database_url.startswith(("postgresql://", "postgres://")):
            # The value is not echoed: a database URL may hold a password.
            raise ConfigError("CITEBOT_DATABASE_URL", None, "is not a postgresql:// URL",
                              "set a URL like postgresql://citebot@db.example:5432/citebot, or leave it unset")
        shard_count = number(values, "CITEBOT_SHARD_COUNT", int, None, minimum=1)
        return cls(
            token=Secret(token) if token else None,
            database_url=Secret(database_url) if database_url else None,
            guild_ids=_guild_ids(values.get("DISCORD_GUILD_IDS", "")),
            api_base=_url(values, "DISCORD_API_BASE", DEFAULT_API_BASE, ("http://", "https://")),
            gateway_url=_url(values, "DISCORD_GATEWAY_URL", DEFAULT_GATEWAY_URL, ("ws://", "wss://")),
            index_dir=index.index_dir,
            feedback_db=feedback_db,
            cooldown_seconds=number(values, "CITEBOT_COOLDOWN_SECONDS", float, 5.0, minimum=0),
            feedback_days=number(values, "CITEBOT_FEEDBACK_DAYS", int, 90, minimum=1),
            engine=index.engine,
            fetch=index.fetch,
            shared_library=check_library(shared, "CITEBOT_SHARED_LIBRARY") if (shared := values.get(
                "CITEBOT_SHARED_LIBRARY", DEFAULT_LIBRARY).strip()) else None,
            shard_count=shard_count,
            shard_ids=_shard_ids(values.get("CITEBOT_SHARD_IDS", ""), shard_count),
        )


def _url(values: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not raw.lower().startswith(schemes) or len(raw) <= len(raw.split("//")[0]) + 2:
        raise ConfigError(name, raw, f"is not a {' or '.join(s.rstrip(':/') for s in schemes)} URL",
                          f"set a URL like {default}, or leave it unset for Discord's own")
    return raw


def _guild_ids(raw: str) -> tuple[int, ...]:
    return _numbers(raw, "DISCORD_GUILD_IDS", "a server id", "list server ids (numbers) separated by commas")


def _shard_ids(raw: str, count: int | None) -> tuple[int, ...]:
    """This process's shards: each below CITEBOT_SHARD_COUNT, which they need, and each once."""
    name, fix = "CITEBOT_SHARD_IDS", "list shard numbers separated by commas, e.g. 0,1"
    ids = _numbers(raw, name, "a shard number", fix)
    if ids and count is None:
        raise ConfigError(name, raw, "needs CITEBOT_SHARD_COUNT",
                          "set CITEBOT_SHARD_COUNT to the number of shards across all the bot's processes")
    for shard in ids:
        if count is not None and shard >= count:
            raise ConfigError(name, raw, f"holds {shard}, not below CITEBOT_SHARD_COUNT={count}",
                              f"list shard numbers from 0 to {count - 1}, separated by commas")
        if ids.count(shard) > 1:
            raise ConfigError(name, raw, f"holds {shard} twice", fix)
    return ids


def _numbers(raw: str, name: str, what: str, fix: str) -> tuple[int, ...]:
    ids = []
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not (part.isascii() and part.isdigit()):
            raise ConfigError(name, raw, f"holds {part!r}, which is not {what}", fix)
        ids.append(int(part))
    return tuple(ids)
