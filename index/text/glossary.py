"""English words for Japanese ones, from JMdict: a lexical bridge between the two languages.

e5 tells that a sentence in the other language is about a question's topic, not which one answers
it: "How many of the ferry company's staff are moving…" scores "現在は1日8往復にとどまる" and
"従業員38人のうち21人が…" alike. The words can: 従業員 is glossed "employee; staff", so the second
shares a word with the question. glossary.tsv.gz is built from JMdict (the Electronic Dictionary
Research and Development Group, CC BY-SA 4.0, https://www.edrdg.org/edrdg/licence.html) by
scripts/build_glossary.py; each line is a headword, a tab, and the English words of its glosses.
"""
from __future__ import annotations

import gzip
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .terms import stem

GLOSSARY_PATH = Path(__file__).with_name("glossary.tsv.gz")

_lock = threading.Lock()
_table: dict[str, str] | None = None


def _entries() -> dict[str, str]:
    # Loaded on first use (about half a second, 60 MB): only a question and a passage in
    # different languages need it. Values stay strings until a word is looked up.
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                table: dict[str, str] = {}
                if GLOSSARY_PATH.exists():
                    with gzip.open(GLOSSARY_PATH, "rt", encoding="utf-8") as f:
                        for line in f:
                            head, _, words = line.rstrip("\n").partition("\t")
                            table[head] = words
                _table = table
    return _table


@lru_cache(maxsize=65536)
def english(term: str) -> frozenset[str]:
    """The English words (stemmed as `terms` stems them) that JMdict glosses a Japanese term with."""
    words = _entries().get(term)
    return frozenset(stem(w) for w in words.split()) if words else frozenset()


def translated(ja_terms: Iterable[str]) -> set[str]:
    """The English words of all the Japanese terms."""
    out: set[str] = set()
    for t in ja_terms:
        out |= english(t)
    return out
