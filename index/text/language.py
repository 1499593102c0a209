"""Which language a text is in, as far as retrieval cares: Japanese or not."""
from __future__ import annotations

import re

_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_LETTER = re.compile(r"[^\W\d_]")


def detect_lang(text: str, default: str = "en") -> str:
    """'ja' or 'en'. Kana is the tell: an English sentence may quote a kanji name, but
    it does not conjugate in hiragana. Kanji-only text counts as Japanese when it is most of the letters."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return default
    ja = len(_JA.findall(text))
    kana = len(_KANA.findall(text))
    if kana * 20 >= letters or ja * 2 >= letters:
        return "ja"
    return "en"
