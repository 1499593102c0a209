"""Typed bot settings, read from the environment and a `.env` file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

from index.config import default_index_dir

N = TypeVar("N", int, float)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


class ConfigError(ValueError):
    """A setting is malformed; the message names the variable and what it expects."""


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
    index_dir: Path = field(default_factory=default_index_dir)
    feedback_db: Path | None = None  # None: feedback.sqlite next to the index directory
    max_question_chars: int = 500
    cooldown_seconds: float = 5.0  # per user, between engine queries; 0 turns it off

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.index_dir.parent / "feedback.sqlite"

    @property
    def articles_dir(self) -> Path:
        """Where `/admin ingest` keeps uploaded articles, so the index can be rebuilt from them."""
        return self.index_dir / "articles"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> BotConfig:
        """Settings from `environ` (default: the process environment) over those in `env_file`."""
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        token = values.get("DISCORD_TOKEN", "").strip()
        return cls(
            token=Secret(token) if token else None,
            guild_ids=_guild_ids(values.get("DISCORD_GUILD_IDS", "")),
            api_base=values.get("DISCORD_API_BASE", "").strip() or DEFAULT_API_BASE,
            gateway_url=values.get("DISCORD_GATEWAY_URL", "").strip() or DEFAULT_GATEWAY_URL,
            index_dir=_path(values.get("CITEBOT_INDEX_DIR", "")) or default_index_dir(),
            feedback_db=_path(values.get("CITEBOT_FEEDBACK_DB", "")),
            max_question_chars=_number(values, "CITEBOT_MAX_QUESTION_CHARS", int, 500, minimum=1),
            cooldown_seconds=_number(values, "CITEBOT_COOLDOWN_SECONDS", float, 5.0, minimum=0),
        )


def _path(raw: str) -> Path | None:
    return Path(raw.strip()).expanduser() if raw.strip() else None


def _guild_ids(raw: str) -> tuple[int, ...]:
    ids = []
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError(f"DISCORD_GUILD_IDS: {part!r} is not a guild id; expected numbers separated by commas")
        ids.append(int(part))
    return tuple(ids)


def _number(values: Mapping[str, str], name: str, kind: type[N], default: N, *, minimum: N) -> N:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a {kind.__name__}") from None
    if value < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}, got {raw}")
    return value
