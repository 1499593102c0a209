"""Lexical terms for BM25: Sudachi morphemes for Japanese, lower-cased words for English."""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

# Content words carry the match; particles, auxiliaries and punctuation only add noise.
_KEEP_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "代名詞"}
EN_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    this that these those it its he she they them his her their we our you your i me my
    do does did done have has had not no yes what which who whom whose when where why how
    would could should will shall may might can about into than then there here so such
    also after before over under up down out more most very just only s
    many much say said says""".split()
)
# Question words say what kind of answer is wanted, not what it is about.
JA_STOP = frozenset(
    "何 なに どこ いつ 誰 だれ どう どの どんな どれ なぜ 幾つ いくつ 為る する 成る なる 有る ある "
    "居る いる 言う いう 事 こと 物 もの 為 ため 其の その 此の この れる られる 様 よう 氏 さん 中 "
    "ぐらい くらい 程 ほど 的".split()
)
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# A stop word keeps its clitic in WORD's match ("what's", "don't", "they're"): it is still a stop word.
_CLITIC = re.compile(r"(?:n['’]t|['’](?:s|re|ve|m|ll|d))$")
# The three whose stem changes under n't: can't, won't, shan't.
_NEGATED = {"ca": "can", "wo": "will", "sha": "shall"}
HAS_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")

_local = threading.local()
_dictionary = None
_dictionary_lock = threading.Lock()


def tokenizer():
    # Sudachi tokenizers are not thread-safe: one per thread, all over one shared dictionary.
    # A dictionary per thread would cost ~55 MB each: 20 query threads would need over 1 GB.
    global _dictionary
    tok = getattr(_local, "tok", None)
    if tok is None:
        from sudachipy import Dictionary, SplitMode

        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
            tok = _dictionary.tokenizer(mode=SplitMode.A)
        _local.tok = tok
    return tok


def fold(text: str) -> str:
    """NFKC and lower case: the one form terms and questions are compared in."""
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> list[str]:
    """The BM25 terms of a text, in order, with repeats (term frequency matters)."""
    text = fold(text)
    if not HAS_JA.search(text):
        return _english_terms(text)
    out: list[str] = []
    for m in tokenizer().tokenize(text):
        pos = m.part_of_speech()[0]
        if pos not in _KEEP_POS:
            continue
        surface = m.surface().strip()
        if not surface:
            continue
        if surface.isascii():
            out.extend(_english_terms(surface))
            continue
        form = m.normalized_form()
        if form not in JA_STOP:
            out.append(form)
    return out


def _english_terms(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text) if bare(w) not in EN_STOP]


def bare(word: str) -> str:
    """A word without its clitic: "what's" -> what, "don't" -> do, "won't" -> will."""
    base = _CLITIC.sub("", word)
    return _NEGATED.get(base, base) if word.endswith(("n't", "n’t")) else base


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    # A light plural/possessive strip: enough for "summit"/"summits", "Japan's"/"Japan".
    word = re.sub(r"['’]s$", "", word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def query_terms(text: str) -> list[str]:
    """Distinct terms of a question, in order of first appearance."""
    return list(dict.fromkeys(terms(text)))
