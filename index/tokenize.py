"""Lexical terms for BM25: Sudachi morphemes for Japanese, lower-cased words for English."""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

# Content words carry the match; particles, auxiliaries and punctuation only add noise.
_KEEP_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "代名詞"}
_EN_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    this that these those it its he she they them his her their we our you your i me my
    do does did done have has had not no yes what which who whom whose when where why how
    would could should will shall may might can about into than then there here so such
    also after before over under up down out more most very just only s
    many much say said says""".split()
)
# Question words say what kind of answer is wanted, not what it is about.
_JA_STOP = frozenset(
    "何 なに どこ いつ 誰 だれ どう どの どんな どれ なぜ 幾つ いくつ 為る する 成る なる 有る ある "
    "居る いる 言う いう 事 こと 物 もの 為 ため 其の その 此の この れる られる 様 よう 氏 さん 中 "
    "ぐらい くらい 程 ほど 的".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_HAS_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")

_local = threading.local()
_dictionary = None
_dictionary_lock = threading.Lock()


def _tokenizer():
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


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> list[str]:
    """The BM25 terms of a text, in order, with repeats (term frequency matters)."""
    text = normalize(text)
    if not _HAS_JA.search(text):
        return _english_terms(text)
    out: list[str] = []
    for m in _tokenizer().tokenize(text):
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
        if form not in _JA_STOP:
            out.append(form)
    return out


def _english_terms(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text) if w not in _EN_STOP]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
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


# Nouns that name things; adverb-like (最初, 前夜) and counter-like (度) nouns do not.
_FOCUS_SUB = {("固有名詞", None), ("普通名詞", "一般"), ("普通名詞", "サ変可能")}


def focus_terms(text: str) -> list[str]:
    """The terms that say what a question is about: nouns for Japanese; for English, content
    words that are not inflected verbs. Same normal forms as `terms`, so they look up BM25's vocabulary."""
    text = normalize(text)
    if not _HAS_JA.search(text):
        return _english_focus(text)
    out: list[str] = []
    for m in _tokenizer().tokenize(text):
        pos = m.part_of_speech()
        if pos[0] != "名詞":
            continue
        surface = m.surface().strip()
        if surface.isascii():
            out.extend(_english_focus(surface))
        elif (pos[1], None) in _FOCUS_SUB or (pos[1], pos[2]) in _FOCUS_SUB:
            form = m.normalized_form()
            if form not in _JA_STOP:
                out.append(form)
    return list(dict.fromkeys(out))


# Common verbs whose past forms do not end in -ed: without a tagger, the list keeps them from
# passing for the nouns a question is about.
_EN_VERBS = frozenset(
    """win wins won lose loses lost beat beats get gets got make makes made take takes took give gives
    gave go goes went come comes came see sees saw tell tells told hold holds held meet meets met
    lead leads led leave leaves left run runs ran become becomes became begin begins began bring
    brings brought buy buys bought build builds built choose chooses chose chosen find finds found
    keep keeps kept know knows knew pay pays paid put puts send sends sent spend spends spent stand
    stands stood think thinks thought write writes wrote written hit hits set sets let lets cut
    cuts fall falls fell rise rises rose grow grows grew show shows shown speak speaks spoke
    want wants need needs use uses call calls ask asks try tries seem seems mean means""".split()
)


# Prepositions and conjunctions BM25 keeps (they are rare enough to match on) but that never
# name what a question is about, and that end a noun phrase.
_EN_FUNCTION = frozenset(
    """among amongst between during within without across against toward towards upon amid
    through throughout around along beside besides beyond despite except inside outside onto
    since until till unless while whether whereas although though because via per versus""".split()
)
# Adjectives that say which value is wanted ("the final tally", "the exact date"), not what it
# is about: an article states the value without them, so their absence proves nothing.
_EN_QUALIFIERS = frozenset(
    """final total exact overall official actual specific precise approximate rough estimated first
    last latest current previous next new old main average full whole real initial eventual
    biggest largest smallest highest lowest top best worst""".split()
)


def _english_focus(text: str) -> list[str]:
    """Content words of normalised text that are not verbs, prepositions or qualifiers of the value asked for."""
    return list(dict.fromkeys(_stem(w) for w in _WORD.findall(text) if _is_content(w)))


def _is_content(w: str) -> bool:
    return (w not in _EN_STOP and w not in _EN_FUNCTION and w not in _EN_QUALIFIERS and w not in _EN_VERBS
            and len(w) > 2 and not w.isdigit() and not w.endswith(("ed", "ing")))


# What a question asks for, as the noun it names: "どんな店" -> 店, "直径は何メートル" -> 直径,
# "what is the outer diameter of" -> diameter, "how many votes" -> vote. The sentence that
# answers names it too (or means it, in another language); the question's other nouns are
# the premise, which the whole article around the answer shares.
_JA_ASK_BEFORE = frozenset("どんな どの どういう どのような 如何なる いかなる".split())
_JA_ASK_AFTER = frozenset("何 なに 誰 だれ どこ いつ どれ どう いくら 幾ら".split())
# Nouns that name only the shape of an answer: a sentence holding them is no likelier to give it.
_GENERIC_ASKED = frozenset("name number amount kind type sort way thing part 名前 名称 数 量 種類 方法 内容 点".split())
_EN_ASK = re.compile(r"\b(?:what|which|how many|how much)\s+(?:(?:kind|type|sort)s?\s+of\s+)?"
                     r"(?:(?:is|was|are|were)\s+)?(?:the\s+|a\s+|an\s+)?([a-z0-9'’ -]+)")


def asked_terms(text: str) -> list[str]:
    """The noun naming what the question asks for, in `terms`' normal form; empty when it asks
    with a pronoun alone ("who won?", "誰が勝ったか")."""
    text = normalize(text)
    if not _HAS_JA.search(text):
        m = _EN_ASK.search(text)
        if not m:
            return []
        words = []
        for w in _WORD.findall(m.group(1)):  # the noun phrase runs to its first non-content word
            if w in _EN_QUALIFIERS:
                continue
            if not _is_content(w):
                break
            words.append(w)
        out = [_stem(words[-1])] if words and len(words[-1]) > 2 else []
        return [t for t in out if t not in _GENERIC_ASKED]
    morphs = list(_tokenizer().tokenize(text))
    out = []
    for i, m in enumerate(morphs):
        form = m.normalized_form()
        if m.surface() in _JA_ASK_BEFORE or form in _JA_ASK_BEFORE:
            # the last noun of the run that follows: どんな小売店 -> 店
            j = i + 1
            while j < len(morphs) and morphs[j].part_of_speech()[0] in ("名詞", "接尾辞"):
                j += 1
            if j > i + 1:
                out.append(morphs[j - 1].normalized_form())
        elif form in _JA_ASK_AFTER and i >= 2 and morphs[i - 1].surface() == "は" \
                and morphs[i - 2].part_of_speech()[0] == "名詞":
            out.append(morphs[i - 2].normalized_form())
    return [t for t in dict.fromkeys(out) if t not in _JA_STOP and t not in _GENERIC_ASKED]
