"""What a question is about and what it asks for, in the normal form of `index.text.terms`."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..text.terms import EN_STOP, HAS_JA, JA_STOP, WORD, bare, fold, stem, terms, tokenizer
from ..types import Nouns

# Nouns that name things; adverb-like (最初, 前夜) and counter-like (度) nouns do not.
_FOCUS_SUB = {("固有名詞", None), ("普通名詞", "一般"), ("普通名詞", "サ変可能")}
# Nouns that name the kind of answer wanted, not what the question is about: 「アンカラの戦いは何年に
# 起こった出来事か」 was declined as about an 「出来事」 no article used, and 「採用された年月は?」 for
# 「年月」, while the articles gave the year. A library that never writes one still answers.
ANSWER_KINDS = frozenset("出来事 年月 年月日 日付 日時 時期 年代 人物 人名 場所 地名".split())


# The ranking reads a question's names and the answer step its nouns: Sudachi reads it once.
@lru_cache(maxsize=4096)
def nouns(text: str) -> Nouns:
    """What a question is about (`focus`) and the names it mentions (`names`), from one reading.

    focus: nouns for Japanese; for English, content words that are not inflected verbs.
    names: Japanese proper nouns and the Latin-letter words of a Japanese question; the
    capitalised content words of an English one (a library that never uses a name the question
    asks about rarely holds the answer). Same normal forms as `terms`, so both look up BM25's
    vocabulary."""
    folded = fold(text)
    if not HAS_JA.search(folded):
        return Nouns(_english_focus(folded), list(dict.fromkeys(
            stem(fold(w)) for w in _CAPITALISED.findall(text) if _is_content(fold(w)))))
    focus: list[str] = []
    names: list[str] = []
    for m in tokenizer().tokenize(folded):
        pos = m.part_of_speech()
        surface = m.surface().strip()
        if pos[0] != "名詞" or not surface:
            continue
        if surface.isascii():
            latin = _english_focus(surface)
            focus.extend(latin)
            names.extend(latin)
            continue
        form = m.normalized_form()
        if pos[1] == "固有名詞":
            names.append(form)
        if ((pos[1], None) in _FOCUS_SUB or (pos[1], pos[2]) in _FOCUS_SUB) and form not in JA_STOP \
                and form not in ANSWER_KINDS:
            focus.append(form)
    return Nouns(list(dict.fromkeys(focus)), list(dict.fromkeys(names)))


def as_written(term: str, text: str) -> str:
    """A term of the question as the question spells it ("Mars" for mar, 引越し for 引っ越し): a
    reply naming the word the articles lack quotes the user's own word, not its normal form."""
    if term.isascii():
        words = unicodedata.normalize("NFKC", text).split()
        return next((w.strip(".,!?;:()[]\"'’“”") for w in words if term in terms(w)), term)
    return next((m.surface() for m in tokenizer().tokenize(fold(text)) if m.normalized_form() == term), term)


_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9'’-]+")


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
    want wants need needs use uses call calls ask asks try tries seem seems mean means break breaks
    broke broken work works pay pays""".split()
)


# Prepositions and conjunctions BM25 keeps (they are rare enough to match on) but that never
# name what a question is about, and that end a noun phrase.
_EN_FUNCTION = frozenset(
    """among amongst between during within without across against toward towards upon amid
    through throughout around along beside besides beyond despite except inside outside onto
    since until till unless while whether whereas although though because via per versus
    each every either neither other another some any all both""".split()
)
# Adjectives that say which value is wanted ("the final tally", "the exact date"), not what it
# is about: an article states the value without them, so their absence proves nothing.
_EN_QUALIFIERS = frozenset(
    """final total exact overall official actual specific precise approximate rough estimated first
    last latest current previous next new old main average full whole real initial eventual
    biggest largest smallest highest lowest top best worst""".split()
)


# Pronouns a question uses to point and adverbs it uses to stress, never to name: a library that never writes
# "itself" has not been asked about it ("…left for Ambleholt to raise itself?" was declined as
# about "itself").
_EN_POINTERS = frozenset(
    """itself himself herself themselves ourselves yourself yourselves myself oneself anything something
    everything nothing anyone someone everyone somebody anybody nobody else still really actually ever even""".split()
)


# Words that take a verb after "to": "…the row is expected to matter" asks about no "matter" (news_n:
# a library that never writes the word declined the question for it). After other words "to" leads
# to a noun ("related to tourism", "a trip to the falls").
_EN_TAKES_INFINITIVE = frozenset(
    """expected likely unlikely able unable going about set has have had need needs needed want wants
    wanted plan plans planned hope hopes hoped try tries tried seem seems seemed aim aims aimed decide
    decides decided agree agrees agreed refuse refuses refused promise promises promised intend intends
    intended ought allowed required supposed managed failed continue continues continued begin begins
    began begun start starts started chose chosen""".split()
)


def _english_focus(text: str) -> list[str]:
    """Content words of normalised text that are not verbs, prepositions or qualifiers of the value asked for."""
    words = WORD.findall(text)
    return list(dict.fromkeys(
        stem(w) for i, w in enumerate(words)
        if _is_content(w) and not (i >= 2 and words[i - 1] == "to" and words[i - 2] in _EN_TAKES_INFINITIVE)))


def _is_content(w: str) -> bool:
    w = bare(w)
    return (w not in EN_STOP and w not in _EN_FUNCTION and w not in _EN_QUALIFIERS and w not in _EN_VERBS
            and w not in _EN_POINTERS
            and len(w) > 2 and not w.isdigit() and not w.endswith(("ed", "ing")))


# What a question asks for, as the noun it names: "どんな店" -> 店, "直径は何メートル" -> 直径,
# "what is the outer diameter of" -> diameter, "how many votes" -> vote. The sentence that
# answers names it too (or means it, in another language); the question's other nouns are
# the premise, which the whole article around the answer shares.
_JA_ASK_BEFORE = frozenset("どんな どの どういう どのような 如何なる いかなる".split())
_JA_ASK_AFTER = frozenset("何 なに 誰 だれ どこ いつ どれ どう いくら 幾ら".split())
# Nouns that name only the shape of an answer: a sentence holding them is no likelier to give it.
_GENERIC_ASKED = frozenset("name number amount kind type sort way thing part 名前 名称 数 量 種類 方法 内容 点".split())
_EN_ASK = re.compile(r"\b(?:what|which|how many|how much)(?:['’]s)?\s+(?:(?:kind|type|sort)s?\s+of\s+)?"
                     r"(?:(?:is|was|are|were)\s+)?(?:the\s+|a\s+|an\s+)?([a-z0-9'’ -]+)")


def asked_terms(text: str) -> list[str]:
    """The noun naming what the question asks for, in `terms`' normal form; empty when it asks
    with a pronoun alone ("who won?", "誰が勝ったか")."""
    return list(_asked(text))


@lru_cache(maxsize=4096)
def _asked(text: str) -> tuple[str, ...]:
    # Sentence scoring, the runner-up model and the confidence signals each ask: Sudachi reads a
    # question once.
    text = fold(text)
    if not HAS_JA.search(text):
        m = _EN_ASK.search(text)
        if not m:
            return ()
        words = []
        for w in WORD.findall(m.group(1)):  # the noun phrase runs to its first non-content word
            if w in _EN_QUALIFIERS:
                continue
            if not _is_content(w):
                break
            words.append(w)
        out = [stem(words[-1])] if words and len(words[-1]) > 2 else []
        return tuple(t for t in out if t not in _GENERIC_ASKED)
    morphs = list(tokenizer().tokenize(text))
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
    return tuple(t for t in dict.fromkeys(out) if t not in JA_STOP and t not in _GENERIC_ASKED)
