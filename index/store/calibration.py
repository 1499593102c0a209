"""Estimating the embedder's per-language score offsets, from the corpus and a fixed reference set.

A multilingual embedder gives same-language pairs a bonus whatever they say (Japanese
questions score Japanese passages ~0.07 higher than English ones with multilingual-e5-small).
The mean similarity of unrelated query/passage pairs, per (question language, passage
language), measures that bias together with the model's base level; subtracting it puts all
passages on one scale and gives the abstention threshold a fixed meaning. The reference
sentences below keep the estimate sound for a corpus of a few articles, or of one language.
"""
from __future__ import annotations

import base64
import hashlib
import json

import numpy as np

from index.embedding import Embedder

REFERENCE = {
    "ja": [
        "市内の小学校で新しい給食のメニューが導入された。",
        "台風の接近に伴い、沿岸部では高潮への警戒が呼びかけられている。",
        "日銀は政策金利を据え置くと発表した。",
        "地元のサッカークラブが初めてリーグ優勝を果たした。",
        "研究チームは新しい電池材料の開発に成功したと発表した。",
        "駅前の再開発計画について住民説明会が開かれた。",
        "今年の桜の開花は平年より一週間ほど早かった。",
        "政府は来年度予算案を閣議決定した。",
        "人気歌手のコンサートに約五万人が集まった。",
        "高速道路で多重事故があり、一時通行止めとなった。",
        "新型の旅客機が初飛行に成功した。",
        "県内の観光客数は過去最多を更新した。",
        "博物館で古代の土器を集めた特別展が始まった。",
        "円相場は一時、1ドル=150円台まで下落した。",
        "市長選挙は現職が三選を果たした。",
        "農家は猛暑による野菜の生育不良に頭を悩ませている。",
    ],
    "en": [
        "The city council approved a new budget for road repairs on Tuesday.",
        "Heavy rain caused flooding in several coastal towns over the weekend.",
        "The central bank left interest rates unchanged.",
        "The local football club won its first league title.",
        "Researchers reported a new material that could make batteries cheaper.",
        "Residents gathered to discuss plans to redevelop the station area.",
        "Cherry blossoms bloomed about a week earlier than usual this year.",
        "The government unveiled its spending plan for the next fiscal year.",
        "About fifty thousand fans attended the singer's concert.",
        "A multi-car crash closed the highway for several hours.",
        "The new passenger jet completed its maiden flight.",
        "Tourist numbers in the region reached a record high.",
        "The museum opened a special exhibition of ancient pottery.",
        "The yen briefly weakened past 150 to the dollar.",
        "The incumbent mayor won a third term in the election.",
        "Farmers are struggling with poor vegetable harvests after the heat wave.",
    ],
}


def embed_reference(embedder: Embedder) -> dict[str, np.ndarray]:
    """The reference sentences embedded as passages: stored with the index, so that a reader's
    first question does not pay for embedding them."""
    return {lang: embedder.embed_passages(texts) for lang, texts in REFERENCE.items()}


def _reference_digest() -> str:
    return hashlib.sha256(json.dumps(REFERENCE, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def encode_reference(vectors: dict[str, np.ndarray]) -> str:
    return json.dumps({"digest": _reference_digest(), "dim": int(next(iter(vectors.values())).shape[1]),
                       "vectors": {lang: base64.b64encode(np.asarray(v, dtype=np.float32).tobytes()).decode()
                                   for lang, v in vectors.items()}})


def decode_reference(value: str | None) -> dict[str, np.ndarray] | None:
    """The stored reference vectors, or None if absent or made from other reference sentences."""
    if not value:
        return None
    data = json.loads(value)
    if data.get("digest") != _reference_digest():
        return None
    return {lang: np.frombuffer(base64.b64decode(b), dtype=np.float32).reshape(-1, data["dim"])
            for lang, b in data["vectors"].items()}


def offset_key(query_lang: str, passage_lang: str) -> str:
    return f"{query_lang}>{passage_lang}"


def estimate_lang_offsets(embedder: Embedder, corpus_queries: dict[str, list[tuple[int, str]]],
                          corpus_passages: dict[str, tuple[np.ndarray, np.ndarray]],
                          ref_p: dict[str, np.ndarray]) -> dict[str, float]:
    """Mean similarity over unrelated (query, passage) pairs, per language pair.

    corpus_queries: lang -> [(passage id, text)] sampled from the corpus, embedded as queries.
    corpus_passages: lang -> (ids, vectors) of the corpus passages. A sample is never paired
    with its own passage: that pair is related by construction and would inflate the mean.
    ref_p: the reference sentences embedded as passages (embed_reference).
    """
    offsets: dict[str, float] = {}
    for qlang, ref_texts in REFERENCE.items():
        samples = corpus_queries.get(qlang, [])
        q = embedder.embed_queries(ref_texts + [t for _, t in samples])
        q_ids = np.array([-1 - i for i in range(len(ref_texts))] + [pid for pid, _ in samples], dtype=np.int64)
        for plang in REFERENCE:
            ids, vecs = corpus_passages.get(plang, (np.zeros(0, np.int64), np.zeros((0, q.shape[1]), np.float32)))
            p = np.vstack([ref_p[plang], vecs]) if len(vecs) else ref_p[plang]
            p_ids = np.concatenate([np.array([-1 - i for i in range(len(REFERENCE[plang]))], dtype=np.int64),
                                    ids.astype(np.int64)])
            sims = q @ p.T
            if plang == qlang:
                unrelated = q_ids[:, None] != p_ids[None, :]
            else:
                unrelated = np.ones_like(sims, dtype=bool)
            offsets[offset_key(qlang, plang)] = float(sims[unrelated].mean())
    return offsets
