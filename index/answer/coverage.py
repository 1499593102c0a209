"""Whether the best passages say, or at least mean, the nouns of a question.

A similarity threshold alone cannot tell "when was the match" (answerable) from "what was the
attendance at the match" (not): both land on the right article. The noun the articles never use
and no sentence of the best passages means can.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Container

import numpy as np

from index.answer.question import asked_terms
from index.answer.words import terms as term_list
from index.text.glossary import english, said
from index.text.romaji import named_in
from index.text.terms import fold, stem
from index.types import Hit, Passage, Query, Ranking

# Only the best passages' sentences can cover a term: the answer would come from them.
COVER_PASSAGES = 3
# A run of kanji or of katakana: a compound noun, as a question spells it.
_COMPOUND = re.compile(r"[\u4e00-\u9fff々〆ヶ]{2,}|[\u30a1-\u30faー・]{2,}")


# A noun made from a verb's stem (関わり, 取り組み, 考え) is used when its verb is (関わる, 取り組む, 考える).
_STEM_ENDS = {"り": ("る",), "き": ("く",), "し": ("す",), "ち": ("つ",), "み": ("む",), "び": ("ぶ",), "ぎ": ("ぐ",),
              "い": ("う",), "え": ("える", "う"), "け": ("ける",), "せ": ("せる",), "め": ("める",), "れ": ("れる",),
              "べ": ("べる",), "げ": ("げる",), "ね": ("ねる",), "て": ("てる",)}
_KANJI = re.compile(r"[\u4e00-\u9fff々]")


def unknown(words: list[str], ranking: Ranking) -> list[str]:
    """The words no passage of the library uses (none when the ranking does not know its vocabulary)."""
    known = ranking.known_terms
    if known is None:
        return []
    return [t for t in words if t not in known and not any(v in known for v in _verbs(t))
            and not _hyphen_parts_in(t, known)]


def _hyphen_parts_in(name: str, words: Container[str]) -> bool:
    """Whether `words` hold each part of a hyphenated name: "Kusunoki-yu" is indexed as kusunoki
    and yu, and the library that writes it does not lack it."""
    parts = term_list(name) if "-" in name else ()
    return len(parts) > 1 and all(p in words for p in parts)


def unheard_names(names: list[str], question: str, lang: str, ranking: Ranking, hits: list[Hit],
                  terms: Callable[[str], tuple[str, ...]]) -> list[str]:
    """The question's names no passage of the library uses, less those a best passage of the other
    language says through the glossary or its readings: "Karikita Bay" is asked of an article that
    writes 雁来湾, "Segawa" of one that writes 瀬川, and neither is a name the library lacks."""
    return [n for n in unknown(names, ranking) if not said_across([n], question, lang, hits, terms)]


def titled(p: Passage) -> str:
    """A passage's text after its article's title: a passage says what its article is about too."""
    return f"{p.title}\n{p.text}" if p.title else p.text


def names_said(names: list[str], lang: str, p: Passage) -> float:
    """The share of a question's names (in `lang`, question.nouns' normal forms) that a passage or
    its article's title says: as the question writes them in its own language; in the other,
    through the glossary or the name's reading ("Shiomi" is 潮見, 瀬川 is "Segawa")."""
    text = titled(p)
    words = term_list(text)
    if p.lang == lang:
        found = [w for w in names if w in words or w in text or _hyphen_parts_in(w, words)]
    else:
        found = [w for w in names if said([w], lang, p.lang, words) or named_in(w, text)]
    return len(found) / len(names)


# "How long", "how old", "how far": the adjective is the question word, not what it is about
# (over the sample library "How long did the summit last?" took the Expo's "Long queues" as on subject).
_HOW = re.compile(r"\bhow\s+([a-z]+)")


def says_subject(q: Query, p: Passage) -> bool:
    """Whether a passage or its article's title says a word of what the question is about, beyond the
    noun naming what it asks for: as spelled (in either language), through the glossary, or in the
    other script's readings ("Yashio" is 八潮). Another article's sentence joins an answer only then: in
    the sample library 「万博の閉幕日はいつ?」 added the Alaska summit's date sentence, which says only
    「日」; and an answer is read from such passages when any candidate's is (compose.on_subject)."""
    asked = {*asked_terms(q.text), *(stem(w) for w in _HOW.findall(fold(q.text)))}
    subject = [t for t in q.terms if t not in asked]
    if not subject:
        return True
    text = titled(p)
    words = term_list(text)
    return bool(said(subject, q.lang, p.lang, words)) or _spelled(subject, words) \
        or (p.lang != q.lang and any(named_in(w, text) for w in subject))


# An English verb's forms that `terms` keeps whole ("knocked", "knocking"): the question's "knock" is said.
_INFLECTIONS = ("ed", "d", "ing", "s", "es")


def _spelled(wanted: list[str], words: tuple[str, ...]) -> bool:
    """Whether `words` spell one of `wanted` as it is, in either language ("Eastgate" in 「Eastgateの
    分館…」 and in the English article), or an English one in a verb form ("knock", "knocked")."""
    have = set(words)
    return any(w in have or (w.isascii() and len(w) > 3 and any(w + end in have for end in _INFLECTIONS))
               for w in wanted)


def _verbs(noun: str) -> tuple[str, ...]:
    """The verbs a noun written with kanji may be the stem of (関わり -> 関わる)."""
    if len(noun) < 2 or not _KANJI.search(noun):
        return ()
    return tuple(noun[:-1] + end for end in _STEM_ENDS.get(noun[-1], ()))


def unspelled(words: list[str], question: str, hits: list[Hit]) -> list[str]:
    """The words whose compound in the question the passages do not spell out either. Sudachi can
    read a compound one way in a question and another in an article ("開経とされる" gives 開 and 経;
    "…を開経、" does not), so a noun the vocabulary lacks may still be written there."""
    runs = {w: [r for r in _COMPOUND.findall(question) if w in r] for w in words}
    return [w for w in words if not any(r in h.passage.text for r in runs[w] for h in hits)]


def meant(words: list[str], ranking: Ranking, hits: list[Hit],
          embed_queries: Callable[[list[str]], np.ndarray]) -> list[float]:
    """For each word, how far its similarity to the closest sentence of `hits` stands above its
    similarity to unrelated reference text, in that text's standard deviations."""
    if not words:
        return []
    vectors, langs = [], []
    for hit in hits:
        for s, _ in ranking.sentences.get(hit.passage.id, ()):
            vectors.append(s.vector)
            langs.append(hit.passage.lang)
    if not vectors:
        return [float("inf")] * len(words)
    sentences = np.vstack(vectors)
    out = []
    for vec in embed_queries(words):
        sims = sentences @ vec
        best = int(np.argmax(sims))
        null = ranking.reference(langs[best]) @ vec
        out.append(float((sims[best] - null.mean()) / max(float(null.std()), 1e-6)))
    return out


def said_across(words: list[str], question: str, lang: str, hits: list[Hit],
                terms: Callable[[str], tuple[str, ...]]) -> bool:
    """Whether a passage of `hits` in the other language than `lang` says one of `words`: glossed
    so by JMdict (従業員 for "employee") or spelled out in its readings (フランス for "France").
    Words of one compound in `question` count together: a passage says it when it says each of
    them, or a word only the whole compound means (首脳会談 is "summit", neither 首脳 nor 会談 is);
    "World Expo" says ワールド, not ワールドシリーズ, whose gloss is only its parts' ("world", "series")."""
    groups = [(group, _only_whole(run, group)) for run, group in _compounds(words, question).items()]
    for h in hits:
        if h.passage.lang == lang:
            continue
        text_terms = terms(h.passage.text)  # in order: said() finds the text's compounds
        found = {w for w in words if said([w], lang, h.passage.lang, text_terms) or named_in(w, h.passage.text)}
        if any(all(w in found for w in group) or whole.intersection(text_terms) for group, whole in groups):
            return True
    return False


def _compounds(words: list[str], question: str) -> dict[str, list[str]]:
    """`words` by the compound of the question that holds them (a word no longer compound holds is its own)."""
    runs = _COMPOUND.findall(question)
    groups: dict[str, list[str]] = {}
    for w in words:
        run = next((r for r in runs if w in r and len(r) > len(w)), w)
        groups.setdefault(run, []).append(w)
    return groups


def _only_whole(run: str, parts: list[str]) -> frozenset[str]:
    """English words JMdict glosses a Japanese compound with that none of its parts alone has."""
    if len(parts) < 2:
        return frozenset()
    return english(run) - frozenset().union(*(english(p) for p in parts))
