"""Japanese readings in Latin letters, to tell whether an English word names what a Japanese
text names ("Irishio" = 入潮 = イリシオ, "France" = フランス, "Tokyo" = 東京 = トウキョウ)."""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

_BASE = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ",
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho "
    "ma mi mu me mo ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do "
    "ba bi bu be bo pa pi pu pe po bu".split()))
_SMALL = {"ャ": "ya", "ュ": "yu", "ョ": "yo", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}


def romanize(kana: str) -> str:
    """Hepburn-like romaji of a katakana (or hiragana) reading."""
    kana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in kana)
    out: list[str] = []
    double = False
    for c in kana:
        if c == "ッ":
            double = True
            continue
        if c == "ー":
            continue  # a long vowel: English spellings rarely mark it
        if c in _SMALL and out:
            prev = out.pop()
            # キャ -> kya, シャ -> sha, ファ -> fa, ティ -> ti
            stem = prev[:-1] if prev[-1] in "aiueo" else prev
            small = _SMALL[c][1:] if stem.endswith(("sh", "ch", "j")) and c in "ャュョ" else _SMALL[c]
            out.append(stem + small)
            continue
        piece = _BASE.get(c)
        if piece is None:
            continue
        if double:
            piece = piece[0] + piece
            double = False
        out.append(piece)
    return "".join(out)


def _sound(word: str) -> str:
    """A rough spelling-independent form: long vowels and doubled letters shortened, the sounds
    Japanese does not tell apart merged."""
    w = word.lower()
    w = w.replace("ph", "f").replace("th", "s").replace("dg", "j").replace("chi", "ti").replace("ch", "t")
    w = re.sub(r"er(?=s?$)", "a", w.replace("ay", "e").replace("ue", "u"))
    w = re.sub(r"c(?=[eiy])", "s", w)
    w = w.replace("c", "k").replace("q", "k").replace("x", "ks").replace("l", "r").replace("v", "b")
    w = re.sub(r"(?<=[bcdfghjkmnprstvwz])u(?=[bcdfghjkmnprstvwz]|$)", "", w)  # フランス: fu-ra-n-su
    w = re.sub(r"(?<=[bdfghjkmnprstvwz])o$", "", w)
    w = re.sub(r"(?<=[td])o(?=[bdfghjkmnprstvwz])", "", w)  # トランプ: to-ra-n-pu
    w = re.sub(r"n(?=[bpm])", "m", w)
    w = w.replace("ou", "o").replace("oo", "o").replace("uu", "u").replace("ei", "e").replace("ii", "i")
    w = re.sub(r"sh", "s", w)
    w = re.sub(r"(.)\1+", r"\1", w)
    return w


def sounds_like(word: str, reading: str, threshold: float = 0.8) -> bool:
    """Whether an English word could be the romaji of a Japanese reading (katakana)."""
    a, b = _sound(word), _sound(romanize(reading))
    return bool(a) and bool(b) and a[0] == b[0] and _close(a, b, threshold)


# A name Sudachi splits into words (潮霧: 潮 + 霧, 琴ヶ浦: 琴 + ヶ + 浦) is read whole from runs of up to
# this many words written in kanji or katakana.
MAX_RUN = 3
_NAME_CHARS = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff々〆ヶヵ\u30a1-\u30faー]+$")
# Compounds voice the sound that joins them (潮 shio + 霧 kiri is "Shiogiri"): a run's reading
# compared with its first consonants voiced too.
_VOICE = str.maketrans("カキクケコサシスセソタチツテトハヒフヘホ", "ガギグゲゴザジズゼゾダヂヅデドバビブベボ")


@lru_cache(maxsize=8192)
def readings(text: str) -> frozenset[str]:
    """The katakana readings of a Japanese text's words (東京 -> トウキョウ), and of runs of up to
    MAX_RUN words written in kanji or katakana, each later word also voiced (潮霧 -> シオギリ)."""
    from index.text.terms import tokenizer

    out: set[str] = set()
    run: list[str] = []

    def close():
        for i in range(len(run)):
            for j in range(i + 2, min(i + MAX_RUN, len(run)) + 1):
                out.add("".join(run[i:j]))
                out.add(run[i] + "".join(r[:1].translate(_VOICE) + r[1:] for r in run[i + 1:j]))
        run.clear()

    for m in tokenizer().tokenize(text):
        reading = m.reading_form()
        if reading:
            out.add(reading)
        if reading and _NAME_CHARS.match(m.surface()):
            run.append(reading)
        else:
            close()
    close()
    return frozenset(out)


# A sound of one or two letters ("tom" is "tm") is close to many readings (トモ, 友, タマ): the
# question "how old is Tom Cruise?" found Tom in a Japanese passage's 友. Such a word is named
# only when a reading spells it, a closing vowel aside (トム for "Tom").
SHORT_SOUND = 3


def named_in(word: str, text: str) -> bool:
    """Whether a word of one language is spelled out in a text of the other: an English word in
    the romaji of a Japanese text's readings, or a Japanese word's reading in an English text;
    a word of fewer than SHORT_SOUND sounds only when spelled out whole."""
    if word.isascii():
        a = _sound(word)
        if len(a) < SHORT_SOUND:
            return bool(a) and _spelled_as(word.lower(), _romaji(text))
        return any(_close(a, b) for b in _sounds(text).get(a[0], ()))
    spoken = readings(word) if not re.fullmatch(r"[ァ-ヴー・]+", word) else {word}
    romaji = {r: _sound(r) for r in map(romanize, spoken)}
    heard = {b for b in romaji.values() if len(b) >= SHORT_SOUND}
    latin = _latin_sounds(text)
    if any(_close(a, b) for b in heard for a in latin.get(b[0], ())):
        return True
    short = frozenset(r for r, b in romaji.items() if 0 < len(b) < SHORT_SOUND)
    return bool(short) and any(_spelled_as(w.lower(), short) for w in set(re.findall(r"[A-Za-z]{2,}", text)))


def _spelled_as(word: str, romaji: frozenset[str]) -> bool:
    # Katakana closes a final consonant with u, a final t or d with o (トム "tomu", エド "edo").
    return word in romaji or word + ("o" if word.endswith(("t", "d")) else "u") in romaji


@lru_cache(maxsize=8192)
def _romaji(text: str) -> frozenset[str]:
    """A Japanese text's readings in romaji: a passage is asked for name after name."""
    return frozenset(romanize(r) for r in readings(text))


@lru_cache(maxsize=8192)
def _sounds(text: str) -> dict[str, tuple[str, ...]]:
    """The sound forms of a Japanese text's readings, by first letter: a passage is asked for name
    after name, question after question (ranking reads every candidate's)."""
    out: dict[str, set[str]] = {}
    for r in readings(text):
        b = _sound(romanize(r))
        if b:
            out.setdefault(b[0], set()).add(b)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=8192)
def _latin_sounds(text: str) -> dict[str, tuple[str, ...]]:
    """The sound forms of a text's words in Latin letters, by first letter."""
    out: dict[str, set[str]] = {}
    for w in set(re.findall(r"[A-Za-z]{3,}", text)):
        a = _sound(w)
        if a:
            out.setdefault(a[0], set()).add(a)
    return {k: tuple(v) for k, v in out.items()}


def _close(a: str, b: str, threshold: float = 0.8) -> bool:
    """SequenceMatcher's ratio at least `threshold`, its cheap upper bounds tried first."""
    m = SequenceMatcher(None, a, b)
    return m.real_quick_ratio() >= threshold and m.quick_ratio() >= threshold and m.ratio() >= threshold
