"""The index database's layout: tables, the visibility rule of generations, connections."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1
DB_NAME = "citebot.sqlite"
LANGS = ("ja", "en")
SEP = "\x1f"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL,
    title TEXT NOT NULL, url TEXT, published TEXT, outlet TEXT, lang TEXT NOT NULL, format TEXT NOT NULL,
    text TEXT NOT NULL, born INTEGER NOT NULL, dead INTEGER);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc_path TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, title TEXT NOT NULL, section TEXT, url TEXT, source TEXT, source_url TEXT,
    published TEXT, lang TEXT NOT NULL, outlet TEXT, terms TEXT NOT NULL, vector BLOB NOT NULL,
    born INTEGER NOT NULL, dead INTEGER);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_path);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY AUTOINCREMENT, passage_id INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, vector BLOB NOT NULL, second BLOB);
CREATE INDEX IF NOT EXISTS sentences_passage ON sentences(passage_id);
"""


def upgrade(con: sqlite3.Connection) -> None:
    """Bring an index from before a column was added up to date, in place: a nullable column
    costs nothing to add and the rows without it read as before."""
    if "second" not in columns(con, "sentences"):
        con.execute("ALTER TABLE sentences ADD COLUMN second BLOB")
    # Every ingest asks which sentences still lack the vector: without this (small, once they all
    # have it) index that question scans the whole table.
    con.execute("CREATE INDEX IF NOT EXISTS sentences_without_second ON sentences(passage_id) WHERE second IS NULL")


def columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}

VISIBLE = "born <= :g AND (dead IS NULL OR dead > :g)"

PASSAGE_COLS = 'id, doc_path, text, start, "end", title, section, url, source, source_url, published, lang, outlet'


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes. A WAL database needs its -shm file to read; when the folder
    is read-only and no writer left one, only an immutable open works (nobody can write it anyway)."""
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        con = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=30, check_same_thread=False,
                              isolation_level=None)
        try:
            con.execute("SELECT COUNT(*) FROM meta").fetchone()
            return con
        except sqlite3.OperationalError:
            con.close()
            if flags.endswith("immutable=1"):
                raise
    raise AssertionError("unreachable")


def writable(directory: Path, db_path: Path) -> bool:
    return os.access(directory, os.W_OK) and (not db_path.exists() or os.access(db_path, os.W_OK))


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
