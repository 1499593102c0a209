"""The Milvus store under faults: kill -9 mid-ingest, the server killed and restarted, the CLI over Milvus."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import pytest

from index.engine import Engine
from index.errors import StoreUnavailable
from index.settings import EngineSettings
from index.store.milvus.client import MilvusDB, passages_collection
from tests.index.store.milvus.server import MilvusServer
from tests.index.store.test_crash_safety import QUESTIONS, V1, Ingest, _v2, _write_corpus
from tests.paths import FIXTURES, REPO


def _env(uri: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "CITEBOT_MILVUS_URI": uri}


def _state(settings: EngineSettings, library: str, embedder) -> dict:
    """What a reader sees: every article's content hash, the answers to QUESTIONS, and the row counts."""
    engine = Engine.open("/nonexistent", embedder=embedder, settings=settings, library=library, create=False)
    answers = []
    for q in QUESTIONS:
        a = engine.ask(q)
        answers.append((a.abstained, a.text, tuple((c.path, c.passage, c.link) for c in a.citations)))
    return {"docs": engine.store.document_hashes(), "answers": answers, "stats": engine.stats()["passages"]}


def test_kill_9_during_a_milvus_ingest_leaves_before_or_after(tmp_path, milvus, milvus_settings, embedder,
                                                            long_run):
    """SIGKILL at random moments of `citebot ingest` into Milvus: readers see the old articles or the new, never a
    mix, and the next ingest sweeps up what the killed one staged."""
    seed = int(os.environ.get("CITEBOT_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    db = MilvusDB.connect(milvus.uri)
    for i in range(10 if long_run else 2):
        corpus = tmp_path / f"corpus{i}"
        corpus.mkdir()
        _write_corpus(corpus, V1)
        library = f"crash{i}"
        Engine.open("/x", embedder=embedder, settings=milvus_settings, library=library).ingest([corpus])
        before = _state(milvus_settings, library, embedder)
        _v2(corpus)
        new = {str(p.resolve()) for p in corpus.iterdir()}
        child = Ingest(str(corpus), "--library", library, env=_env(milvus.uri))
        assert child.started.wait(120), child.err.decode()
        time.sleep(rng.uniform(0, 4.0))
        child.kill()
        got = _state(milvus_settings, library, embedder)
        assert got == before or set(got["docs"]) == new, f"seed {seed}, kill {i}: neither before nor after"
        engine = Engine.open("/x", embedder=embedder, settings=milvus_settings, library=library)
        engine.ingest([corpus])
        assert set(engine.store.document_hashes()) == new
        # Nothing the killed writer staged survives the sweep: no row past the published generation,
        # no sentence under an id the next writer may hand out.
        state = json.loads(db.get(f"{library}/state"))
        passages, sentences = passages_collection(embedder.dim), passages_collection(embedder.dim).replace(
            "passages", "sentences")
        assert not db.query(passages, f'library == "{library}" and born > {state["generation"]}', ["pid"])
        assert not db.query(sentences, f'library == "{library}" and pid >= {state["next_pid"]}', ["pid"])


def test_a_restarted_server_is_answered_from_again(tmp_path, embedder):
    """While the server is down a question is StoreUnavailable (one clear line, at once); after a restart the same engine answers as before."""
    server = MilvusServer().start()
    try:
        settings = EngineSettings(milvus_uri=server.uri, threads=2)
        engine = Engine.open("/x", embedder=embedder, settings=settings, library="restart")
        engine.ingest([FIXTURES / "bot_corpus"])
        question = "When did the Riverside library reopen?"
        first = engine.ask(question + " ")  # not the cached answer below
        server.kill()
        began = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            engine.ask("Who runs the Kawane railway?")
        assert time.monotonic() - began < 30 and "127.0.0.1" in str(caught.value)
        server.start()
        again = engine.ask(question)
        assert again.text == first.text and [c.passage for c in again.citations] == [c.passage for c in first.citations]
    finally:
        server.stop()


def test_cli_libraries_on_milvus(tmp_path, milvus):
    """`citebot ingest PATH --library A` then `citebot ask Q --library B` over Milvus never cites A's article and
    `sources --library B` lists B's only; a server that is down is one `citebot: error:` line naming it."""
    env = _env(milvus.uri)
    run = lambda *a: subprocess.run([sys.executable, "-m", "bot", *a], cwd=REPO, env=env, capture_output=True,  # noqa: E731
                                    text=True, timeout=300)
    assert run("ingest", str(FIXTURES / "bot_corpus" / "riverside_library_en.md"), "--library", "cli-a").returncode == 0
    assert run("ingest", str(FIXTURES / "bot_corpus" / "kawane_railway_ja.txt"), "--library", "cli-b").returncode == 0
    asked = run("ask", "When did the Riverside library reopen?", "--library", "cli-b", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["citations"] and all(c["library"] == "cli-b" and "Riverside" not in c["title"]
                                       for c in answer["citations"])
    listed = json.loads(run("sources", "--library", "cli-b", "--json").stdout)
    assert [(x["library"], x["title"][:4]) for x in listed] == [("cli-b", "川根鉄道")]
    mine = json.loads(run("ask", "When did the Riverside library reopen?", "--library", "cli-a", "--json").stdout)
    assert mine["citations"][0]["library"] == "cli-a" and "Riverside" in mine["citations"][0]["title"]
    down = subprocess.run([sys.executable, "-m", "bot", "ask", "hello", "--library", "cli-a"], cwd=REPO,
                          env=_env("http://127.0.0.1:9"), capture_output=True, text=True, timeout=120)
    assert down.returncode != 0 and "Traceback" not in down.stderr
    assert "citebot: error:" in down.stderr and "Milvus server at http://127.0.0.1:9" in down.stderr, down.stderr
