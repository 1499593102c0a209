"""Which files an ingest reads: folders walked in name order, each file's bytes, or why not."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import LoadError

FORMAT_BY_EXTENSION: dict[str, str] = {
    ".txt": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
MAX_FILE_BYTES = 20 * 1024 * 1024  # far beyond any article; keeps a stray dump from stalling an ingest


def iter_article_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for each article file under `paths`, (path, reason) for each problem.

    Folders are walked in name order, hidden entries are skipped, files of unsupported types are
    reported (so a folder's summary accounts for every file in it), and each real folder/file is
    visited once so symlink loops end.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [Path(paths)]  # one path given bare: iterating a str would walk its characters
    seen: set[tuple[int, int]] = set()
    for path in paths:
        yield from _walk(Path(path), seen, named=True)


def _walk(path: Path, seen: set[tuple[int, int]], named: bool) -> Iterator[tuple[Path, str | None]]:
    supported = path.suffix.lower() in FORMAT_BY_EXTENSION
    try:
        info = path.stat()
    except FileNotFoundError:
        if named or supported:
            yield path, "broken symbolic link" if path.is_symlink() else "no such file or folder"
        return
    except OSError as exc:
        if named or supported:
            yield path, f"cannot read: {exc.strerror or exc}"
        return
    identity = (info.st_dev, info.st_ino)
    if stat.S_ISDIR(info.st_mode):
        if identity in seen:
            return
        seen.add(identity)
        yield from _walk_folder(path, seen)
    elif not supported:
        yield path, f"unsupported file type {describe_suffix(path)}"
    elif not stat.S_ISREG(info.st_mode):
        yield path, "not a regular file"  # a FIFO named .txt would block a reader forever
    elif identity not in seen:
        seen.add(identity)
        # A name in a legacy encoding (a CP932 zip unpacked on Linux) cannot be stored as text.
        yield path, None if _utf8_name(path) else "file name is not valid UTF-8: rename the file"


def _walk_folder(folder: Path, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, str | None]]:
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as exc:
        yield folder, f"cannot read folder: {exc.strerror or exc}"
        return
    for name in names:
        if not name.startswith("."):  # .git, .DS_Store, editor swap files
            yield from _walk(folder / name, seen, named=False)


def read_article(path: Path) -> bytes:
    """A file's bytes, or a LoadError saying in a few words why they cannot be had."""
    where = str(Path(path).resolve())
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(where, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(where, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise LoadError(where, f"file too large ({info.st_size // 1_000_000} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise LoadError(where, "no such file") from None
    except PermissionError:
        raise LoadError(where, "permission denied") from None
    except OSError as exc:
        raise LoadError(where, f"cannot read: {exc.strerror or exc}") from None


def _utf8_name(path: Path) -> bool:
    try:
        str(path.resolve()).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def describe_suffix(path: Path) -> str:
    return path.suffix.lower() if path.suffix else "(no extension)"
