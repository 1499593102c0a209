"""Serving, in a fresh process: open the index as the bot would, answer, time each step, and check
the dense indexes' recall against exact search."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from benchmarks.scale.build import SETTINGS


def _rss() -> dict[str, int]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            k, v = line.split(":")
            out[k] = int(v.split()[0]) * 1024
    return out


def serve(index_dir: Path, questions: list[tuple[str, str]]) -> dict:
    """Open the index as the bot would, answer every question, then measure recall against exact search."""
    t = time.perf_counter()
    from index.answer.compose import compose
    from index.engine import Engine
    from index.answer.ranking import CANDIDATES
    from index.store.lexical import top_k
    from index.store.database import LANGS

    engine = Engine.open(index_dir, settings=SETTINGS)
    open_s = time.perf_counter() - t
    s = engine.searcher
    engine.ask("warm-up question about nothing in particular")
    q_embed, q_search, q_compose, q_total, hits, abstained = [], [], [], [], 0, 0
    queries = []
    for text, expected in questions:
        t0 = time.perf_counter()
        q = s.query(text)
        t1 = time.perf_counter()
        ranking = s.rank(q, k=8)
        t2 = time.perf_counter()
        answer = compose(q, ranking, 5, s.embedder.embed_queries)
        t3 = time.perf_counter()
        q_embed.append(t1 - t0)
        q_search.append(t2 - t1)
        q_compose.append(t3 - t2)
        q_total.append(t3 - t0)
        hits += any(c.path == expected for c in answer.citations)
        abstained += answer.abstained
        queries.append(q)
    t = time.perf_counter()
    for text, _ in questions[:20]:
        engine.ask(text)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    for text, _ in questions[:20]:
        engine.ask(text)
    cached = (time.perf_counter() - t) / max(1, min(20, len(questions)))
    first = first_s / max(1, min(20, len(questions)))
    # Where a search's time goes, step by step (the same calls Searcher.rank makes).
    store = engine.store
    dense_ms, lex_ms, fetch_ms = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        cand = set()
        for lang in LANGS:
            index = store.dense.get(lang)
            if index is not None and index.ntotal:
                cand.update(int(i) for i in index.search(q.vector.reshape(1, -1), min(CANDIDATES, index.ntotal))[1][0]
                            if i >= 0)
        t1 = time.perf_counter()
        if store.lexical is not None and q.terms:
            sc = store.lexical.scores(q.terms)
            cand.update(int(store.lexical.ids[r]) for r in top_k(sc, CANDIDATES))
        t2 = time.perf_counter()
        ids = sorted(cand)
        store.passages(ids), store.vectors(ids), store.sentences(ids)
        t3 = time.perf_counter()
        dense_ms.append(t1 - t0)
        lex_ms.append(t2 - t1)
        fetch_ms.append(t3 - t2)
    mem = _rss()
    import faiss

    kinds = {lang: type(faiss.downcast_index(_inner(store.dense[lang]))).__name__ for lang in store.dense}
    # Recall@10 of the dense indexes against exact search over the same vectors (loaded now, after
    # the memory reading), and the brute-force numpy time: the floor of a dense search.
    recalls, in_candidates, brute, sweep = [], [], [], {}
    for lang in LANGS:
        index = store.dense.get(lang)
        if index is None:
            continue
        ids, vecs = _all_vectors(store, lang)
        exacts = []
        for q in queries:
            _, got = index.search(q.vector.reshape(1, -1), CANDIDATES)  # as Searcher.rank asks
            t0 = time.perf_counter()
            top = top_k(vecs @ q.vector, CANDIDATES)
            brute.append(time.perf_counter() - t0)
            exact = set(ids[top[:10]].tolist())
            exacts.append(exact)
            recalls.append(len(exact & set(got[0][:10].tolist())) / len(exact))
            in_candidates.append(len(exact & set(got[0].tolist())) / len(exact))
        # The same recall, and the search time, at other nprobe values (IVF indexes only).
        inner = _inner(index)
        if hasattr(inner, "nprobe"):
            chosen = inner.nprobe
            for nprobe in sorted({max(1, inner.nlist // d) for d in (32, 16, 8, 4)}):
                inner.nprobe = nprobe
                rec, rec40, took = [], [], []
                for q, exact in zip(queries, exacts):
                    t0 = time.perf_counter()
                    _, got = index.search(q.vector.reshape(1, -1), CANDIDATES)
                    took.append(time.perf_counter() - t0)
                    rec.append(len(exact & set(got[0][:10].tolist())) / len(exact))
                    rec40.append(len(exact & set(got[0].tolist())) / len(exact))
                sweep.setdefault(nprobe, {"recall": [], "recall40": [], "ms": []})
                sweep[nprobe]["recall"] += rec
                sweep[nprobe]["recall40"] += rec40
                sweep[nprobe]["ms"] += took
            inner.nprobe = chosen
        del vecs
    engine.close()
    return {"open_s": open_s, "embed": q_embed, "search": q_search, "compose": q_compose, "total": q_total,
            "dense": dense_ms, "lexical": lex_ms, "fetch": fetch_ms, "brute": brute, "recall": float(np.mean(recalls)), "recall40": float(np.mean(in_candidates)),
            "hit": hits / max(1, len(questions)), "abstained": abstained / max(1, len(questions)), "rss": mem.get("VmRSS", 0), "hwm": mem.get("VmHWM", 0),
            "cached_ask": cached, "engine_ask": first, "kinds": kinds, "n": len(questions),
            "sweep": {nprobe: (float(np.mean(v["recall"])), float(np.mean(v["recall40"])),
                               1000 * float(np.median(v["ms"]))) for nprobe, v in sweep.items()}}


def _inner(index):
    import faiss

    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        return ivf
    return faiss.downcast_index(index.index) if hasattr(index, "index") else index


def _all_vectors(store, lang: str) -> tuple[np.ndarray, np.ndarray]:
    ids, vecs = [], []
    cur = store.con.execute("SELECT id, vector FROM passages WHERE lang = ? AND born <= ? AND (dead IS NULL OR dead > ?)"
                            " ORDER BY id", (lang, store.generation, store.generation))
    while rows := cur.fetchmany(20000):
        ids.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        vecs.append(np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1))
    return np.concatenate(ids), np.vstack(vecs)
