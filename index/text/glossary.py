"""English words for Japanese ones, from JMdict: a lexical bridge between the two languages.

e5 tells that a sentence in the other language is about a question's topic, not which one answers
it: "How many of the ferry company's staff are moving…" scores "現在は1日8往復にとどまる" and
"従業員38人のうち21人が…" alike. The words can: 従業員 is glossed "employee; worker", so the second
shares a word with "How many employees…". glossary.tsv.gz is built from JMdict (the Electronic Dictionary
Research and Development Group, CC BY-SA 4.0, https://www.edrdg.org/edrdg/licence.html) by
scripts/build_glossary.py; each line is a headword, a tab, and the English words of its glosses.
"""
from __future__ import annotations

import gzip
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from .terms import stem

GLOSSARY_PATH = Path(__file__).with_name("glossary.tsv.gz")

_lock = threading.Lock()
_table: dict[str, str] | None = None


def _entries() -> dict[str, str]:
    # Loaded on first use (about half a second and 50 MB on 2 cores): only a question and a
    # passage in different languages need it. Values stay strings until a word is looked up.
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


# Sudachi reads in short units: 従業員 is 従業 + 員, 取水量 取水 + 量. JMdict's headword is the
# compound, so runs of up to this many consecutive terms are looked up joined as well.
MAX_COMPOUND = 3


def glossed(ja_terms: Sequence[str]) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """(start, end, English words) of each term and each run of terms JMdict has a headword for."""
    return _glossed(tuple(ja_terms))


# One answer asks of the same few dozen passages many times (each name of the question, each
# scoring stage): the text side is kept, keyed by its terms, so it is glossed once.
@lru_cache(maxsize=1024)
def _glossed(ja_terms: tuple[str, ...]) -> tuple[tuple[int, int, frozenset[str]], ...]:
    out = []
    for i in range(len(ja_terms)):
        for j in range(i + 1, min(i + MAX_COMPOUND, len(ja_terms)) + 1):
            words = english("".join(ja_terms[i:j]))
            if words:
                out.append((i, j, words))
    return tuple(out)


def translated(ja_terms: Sequence[str]) -> set[str]:
    """The English words of Japanese terms (in text order, so that compounds are found)."""
    out: set[str] = set()
    for _, _, words in glossed(ja_terms):
        out |= words
    return out


@lru_cache(maxsize=1024)
def _translated_bases(ja_terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(b for w in translated(ja_terms) for b in bases(w))


@lru_cache(maxsize=1024)
def _english_bases(en_terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(b for w in set(en_terms) for b in bases(w))


def said(wanted: Sequence[str], wanted_lang: str, text_lang: str, text_terms: Sequence[str]) -> set[str]:
    """Which of the `wanted` terms (a question's, in order) a text's terms say: the same terms in
    the same language; across languages, an English word the glosses of the Japanese text's words
    hold, or a Japanese term whose glosses (or its compound's) hold a word of the English text,
    each English word compared by its bases: 開け閉め is glossed "opening", 上昇 "rising", and
    "How long does the roof take to open?" or "prices rose" say them."""
    if wanted_lang == text_lang:
        return set(wanted) & set(text_terms)
    if wanted_lang == "en":
        forms = _translated_bases(tuple(text_terms))
        return {w for w in wanted if bases(w) & forms}
    wanted = list(wanted)
    english_words = _english_bases(tuple(text_terms))
    found: set[str] = set()
    for i, j, glosses in glossed(wanted):
        if any(bases(g) & english_words for g in glosses):
            found.update(wanted[i:j])
    return found


_IRREGULAR = dict(pair.split(":") for pair in """rose:rise risen:rise fell:fall fallen:fall won:win lost:lose grew:grow
    grown:grow paid:pay sold:sell bought:buy built:build made:make took:take taken:take gave:give given:give
    began:begin begun:begin drew:draw drawn:draw held:hold left:leave met:meet ran:run saw:see seen:see
    sent:send spent:spend stood:stand told:tell thought:think went:go gone:go wrote:write written:write
    brought:bring caught:catch fought:fight found:find kept:keep led:lead flew:fly flown:fly broke:break
    broken:break chose:choose chosen:choose drove:drive driven:drive rode:ride spoke:speak spoken:speak
    withdrew:withdraw withdrawn:withdraw struck:strike swept:sweep""".split())


@lru_cache(maxsize=8192)
def bases(word: str) -> frozenset[str]:
    """The forms an English word may be an inflection of (rising: rise, ris; opened: open; rose: rise)."""
    out = {word, _IRREGULAR.get(word, word)}
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            root = word[: -len(suffix)]
            out |= {root, root + "e"}
            if len(root) > 2 and root[-1] == root[-2]:
                out.add(root[:-1])
    if word.endswith("ies") and len(word) > 4:
        out.add(word[:-3] + "y")
    elif word.endswith("s") and len(word) > 3:
        out.add(word[:-1])
    return frozenset(out)
