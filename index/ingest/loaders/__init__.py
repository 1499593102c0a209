"""Article files -> Documents with provenance (title, URL, date, outlet, sections, quoted sources).

One module per format: matome posts and plain news are `.txt` (told apart by their layout),
Markdown with YAML front matter, and HTML. Every Block's [start, end) indexes into
Document.text, and text keeps the file's own characters (no NFKC) so phrases quoted from a file
are found verbatim.
"""
from __future__ import annotations

from pathlib import Path

from ...errors import LoadError
from ...types import Document
from ..decoding import decode
from ..files import FORMAT_BY_EXTENSION, describe_suffix, read_article
from .html import load_html
from .markdown import load_markdown
from .plain import load_txt


def load_document(path: Path, data: bytes | None = None) -> Document:
    """Parse one article file by extension (and, for .txt, by its layout).

    `data` is the file's content when the caller has read it already (to hash it): parsing
    those very bytes keeps the stored hash true to the stored text.
    """
    where = str(Path(path).resolve())  # the same key ingest uses for a file, whatever path named it
    kind = FORMAT_BY_EXTENSION.get(Path(path).suffix.lower())
    if kind is None:
        raise LoadError(where, f"unsupported file type {describe_suffix(Path(path))}")
    text = decode(read_article(Path(path)) if data is None else data, where)
    if not text.strip():
        raise LoadError(where, "empty file")
    if kind == "html":
        return load_html(where, text)
    if kind == "markdown":
        return load_markdown(where, text)
    return load_txt(where, text)
