"""The bot on the Milvus store: servers' libraries kept apart, and a Milvus that goes away and comes back."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from index.catalog import Catalog
from index.settings import EngineSettings
from tests.index.store.milvus.server import MilvusServer

from .conftest import LIBRARY_QUESTION, LIBRARY_URL, BotEnv, corpus_files
from .engine_double import EngineProxy
from .fake_discord import GUILD_ID
from .test_admin import HARBOUR_QUESTION, HARBOUR_URL, NEW_ARTICLE, upload_here_ask_there


@pytest.fixture
def milvus_env(tmp_path, config, embedder):
    """A bot whose libraries live in a fresh milvus-lite server, the fixture corpus as the shared library."""
    server = MilvusServer().start()
    settings = EngineSettings(milvus_uri=server.uri, threads=2)
    catalog = Catalog(tmp_path / "index", settings=settings, embedder=embedder)
    catalog.ingest(corpus_files(), library="default")
    yield BotEnv(EngineProxy(catalog), replace(config, engine=settings)), server
    catalog.close()
    server.stop()


def test_one_servers_uploads_never_reach_another_server_on_milvus(milvus_env):
    """On Milvus, an upload answers in its server; another server's /ask (twice: the cache), /cite, /sources and Show passages never show it."""
    env, _ = milvus_env
    other = GUILD_ID + 1

    async def scenario(fake, bot):
        await upload_here_ask_there(fake, other)
        (there,) = await fake.replies(await fake.slash("ask", question=HARBOUR_QUESTION, guild=other))
        assert HARBOUR_URL not in json.dumps(there.message)
        button = next(c for c in there.custom_ids() if c.startswith("citebot:passages:"))
        (shown,) = await fake.replies(await fake.click(max(fake.messages), button))
        assert HARBOUR_URL not in json.dumps(shown.message)

    env.run(scenario)


def test_a_milvus_that_goes_away_gets_a_polite_reply_and_the_bot_carries_on(milvus_env, log_errors):
    """With Milvus killed, /ask gets a private "not answering, try again" reply (logged, no crash); after a restart the same bot answers."""
    env, server = milvus_env
    log_errors.allow("store is unavailable")

    async def scenario(fake, bot):
        server.kill()
        (down,) = await fake.replies(await fake.slash("ask", question="Who opened the ferry line?"))
        assert "not answering" in down.message["content"]
        server.start()
        (answer,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        assert LIBRARY_URL in json.dumps(answer.message)

    env.run(scenario)


def test_two_serve_processes_and_a_writer_share_milvus_and_postgresql(milvus_env, tmp_path):
    """Two `citebot serve` processes (shards 0 and 1 of 2) on one Milvus and one PostgreSQL answer their servers;
    an article a third process ingests meanwhile is cited by both on their next question, and all answers land in
    the one feedback database."""
    import os
    import subprocess
    import sys

    from bot.discord.feedback import FeedbackStore
    from tests.paths import REPO

    from .fake_discord import TOKEN, fake_discord_in_thread, guild_on_shard, run_in_fake
    from .postgres import postgres_server
    from .test_shards import serve_shards

    _, server = milvus_env
    guilds = (guild_on_shard(0, 2), guild_on_shard(1, 2))
    article = tmp_path / "lighthouse.md"
    article.write_bytes(NEW_ARTICLE)
    with postgres_server() as database, fake_discord_in_thread(guilds=guilds) as fake:
        env = {**os.environ, "PYTHONPATH": str(REPO), "DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": fake.api_base,
               "DISCORD_GATEWAY_URL": fake.gateway_url, "CITEBOT_INDEX_DIR": str(tmp_path / "index"),
               "CITEBOT_MILVUS_URI": server.uri, "CITEBOT_DATABASE_URL": database,
               "CITEBOT_COOLDOWN_SECONDS": "0", "CITEBOT_THREADS": "1", "XDG_STATE_HOME": str(tmp_path / "state")}
        with serve_shards(fake, env, tmp_path, count=2):

            def ask(question: str, guild: int) -> str:
                handle = run_in_fake(fake, fake.slash("ask", question=question, guild=guild))
                (reply,) = run_in_fake(fake, fake.replies(handle, timeout=60))
                return reply.text()

            assert all(LIBRARY_URL in ask(LIBRARY_QUESTION, g) for g in guilds)
            writer = subprocess.run([sys.executable, "-m", "bot", "ingest", str(article)], cwd=tmp_path, env=env,
                                    capture_output=True, text=True, timeout=300)
            assert writer.returncode == 0, writer.stderr
            for guild in guilds:
                assert "gazette.example.org/harbour" in ask("What kind of lamp does the harbour lighthouse get?", guild)
        assert FeedbackStore(database).counts()["answers"] == 4
