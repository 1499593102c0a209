"""Several bot processes serve one bot: each runs its own gateway shards (CITEBOT_SHARD_COUNT,
CITEBOT_SHARD_IDS) over one index folder and one feedback store."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from dataclasses import replace

import pytest

from bot.discord.feedback import FeedbackStore
from bot.discord.settings import BotConfig, ConfigError
from tests.paths import REPO

from .conftest import LIBRARY_QUESTION, LIBRARY_URL, SCENARIO_TIMEOUT, assert_sent_safely, running_bot
from .engine_double import EngineProxy
from .fake_discord import TOKEN, FakeDiscord, fake_discord_in_thread, guild_on_shard, run_in_fake, shard_of

# One server on each shard of two.
GUILD_0, GUILD_1 = guild_on_shard(0, 2), guild_on_shard(1, 2)


def test_shard_settings_are_typed():
    """CITEBOT_SHARD_COUNT is a number and CITEBOT_SHARD_IDS a tuple of numbers; unset, both are empty."""
    config = BotConfig.from_env({"CITEBOT_SHARD_COUNT": "4", "CITEBOT_SHARD_IDS": "2, 3"}, None)
    assert config.shard_count == 4 and config.shard_ids == (2, 3)
    assert BotConfig.from_env({"CITEBOT_SHARD_COUNT": "3"}, None).shard_ids == ()
    unset = BotConfig.from_env({}, None)
    assert unset.shard_count is None and unset.shard_ids == ()


@pytest.mark.parametrize("values, variable, problem", [
    ({"CITEBOT_SHARD_IDS": "0,1"}, "CITEBOT_SHARD_IDS", "needs CITEBOT_SHARD_COUNT"),
    ({"CITEBOT_SHARD_COUNT": "2", "CITEBOT_SHARD_IDS": "1,2"}, "CITEBOT_SHARD_IDS", "holds 2"),
    ({"CITEBOT_SHARD_COUNT": "2", "CITEBOT_SHARD_IDS": "0,one"}, "CITEBOT_SHARD_IDS", "not a shard number"),
    ({"CITEBOT_SHARD_COUNT": "2", "CITEBOT_SHARD_IDS": "-1"}, "CITEBOT_SHARD_IDS", "not a shard number"),
    ({"CITEBOT_SHARD_COUNT": "4", "CITEBOT_SHARD_IDS": "1,1"}, "CITEBOT_SHARD_IDS", "twice"),
    ({"CITEBOT_SHARD_COUNT": "two"}, "CITEBOT_SHARD_COUNT", "not a whole number"),
    ({"CITEBOT_SHARD_COUNT": "1.5"}, "CITEBOT_SHARD_COUNT", "not a whole number"),
    ({"CITEBOT_SHARD_COUNT": "0"}, "CITEBOT_SHARD_COUNT", "at least 1"),
])
def test_bad_shard_settings_are_refused_naming_the_setting(values, variable, problem):
    """Shard ids without a count, an id not below the count, a repeated id or a non-integer is a ConfigError naming the setting."""
    with pytest.raises(ConfigError, match=variable) as refused:
        BotConfig.from_env(values, None)
    assert refused.value.setting == variable and problem in str(refused.value)


def test_two_clients_identify_as_their_shards_and_get_only_their_servers(engine, config):
    """Two clients with CITEBOT_SHARD_IDS 0 and 1 of 2 identify as shards [0, 2] and [1, 2]; each holds only its own server."""

    async def scenario(fake, bots):
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        assert [bot.shard_ids for bot in bots] == [[0], [1]] and all(bot.shard_count == 2 for bot in bots)
        assert [[g.id for g in bot.guilds] for bot in bots] == [[GUILD_0], [GUILD_1]]
        assert not [r for r in fake.requests if r.path == "/gateway/bot"]  # the count is set: nothing to ask

    run_shards(scenario, engine, config)


def test_a_slash_command_is_answered_by_the_client_running_its_servers_shard(engine, config):
    """/ask in a server owned by shard 1 reaches and is answered by the shard-1 client only; shard 0 answers its own server."""

    async def scenario(fake, bots):
        engines = [bot.runner.engine for bot in bots]
        (reply,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION, guild=GUILD_1))
        assert LIBRARY_URL in reply.text()
        assert engines[1].asked == [LIBRARY_QUESTION] and engines[0].asked == []
        assert engines[1].libraries == [(f"guild-{GUILD_1}", "default")]
        assert [shard for shard, event in fake.events if event == "INTERACTION_CREATE"] == [1]
        await fake.replies(await fake.slash("ask", question="Who runs the Riverside library?", guild=GUILD_0))
        assert engines[0].asked == ["Who runs the Riverside library?"] and engines[1].asked == [LIBRARY_QUESTION]
        assert [shard for shard, event in fake.events if event == "INTERACTION_CREATE"] == [1, 0]

    run_shards(scenario, engine, config)
    # Both clients write to one feedback store, as processes sharing CITEBOT_FEEDBACK_DB do.
    assert FeedbackStore(config.feedback_path).counts()["answers"] == 2


def test_without_a_shard_count_the_bot_runs_the_shards_discord_recommends(env):
    """With CITEBOT_SHARD_COUNT unset, one client runs every shard GET /gateway/bot recommends, on DISCORD_GATEWAY_URL."""

    async def scenario(fake):
        async with env.bot(fake) as bot:
            assert bot.shard_count == 2 and sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
            assert sorted(g.id for g in bot.guilds) == sorted([GUILD_0, GUILD_1])
            assert len(fake.gateway_queries) == 2  # both shards connected to the configured gateway
            (reply,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION, guild=GUILD_0))
            assert LIBRARY_URL in reply.text()

    async def main():
        async with FakeDiscord(guilds=(GUILD_0, GUILD_1), recommended_shards=2) as fake:
            await asyncio.wait_for(scenario(fake), SCENARIO_TIMEOUT)
        return fake

    fake = asyncio.run(main())
    assert_sent_safely(fake)
    assert [r.path for r in fake.requests].count("/gateway/bot") == 1


def run_shards(scenario, engine, config, count: int = 2) -> FakeDiscord:
    """Run `scenario(fake, bots)` with one client per shard of `count` (each with its own EngineProxy over
    the same catalog, and the same feedback file) on one fake Discord holding a server on each shard."""
    config = replace(config, guild_ids=(), shard_count=count)
    guilds = tuple(guild_on_shard(shard, count) for shard in range(count))

    async def main() -> FakeDiscord:
        async with FakeDiscord(guilds=guilds) as fake, AsyncExitStack() as stack:
            bots = [
                await stack.enter_async_context(
                    running_bot(fake, replace(config, shard_ids=(shard,)), EngineProxy(engine.inner))
                )
                for shard in range(count)
            ]
            await asyncio.wait_for(scenario(fake, bots), SCENARIO_TIMEOUT)
        return fake

    fake = asyncio.run(main())
    assert_sent_safely(fake)
    return fake


def test_each_feed_is_polled_by_one_process():
    """With shards split over processes, a server's feeds are polled by the process running its shard, the shared library's by shard 0's."""
    first = BotConfig.from_env({"CITEBOT_SHARD_COUNT": "2", "CITEBOT_SHARD_IDS": "0"}, None)
    second = BotConfig.from_env({"CITEBOT_SHARD_COUNT": "2", "CITEBOT_SHARD_IDS": "1"}, None)
    for guild, shard in ((GUILD_0, 0), (GUILD_1, 1)):
        assert [first.polls(f"guild-{guild}"), second.polls(f"guild-{guild}")] == [shard == 0, shard == 1]
    assert first.polls("default") and not second.polls("default")
    assert BotConfig.from_env({}, None).polls(f"guild-{GUILD_1}")


def _ctrl_c_delivered() -> None:
    # A shell starts a background job (`pytest &`, CI under nohup) with SIGINT ignored, and a child
    # inherits that: Python then never raises KeyboardInterrupt, and the Ctrl-C below would not stop it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def serve_shards(fake, env: dict[str, str], cwd: Path, count: int):
    """`citebot serve` once per shard (CITEBOT_SHARD_IDS i of `count`), connected to `fake`; stopped with
    Ctrl-C on the way out, each having to exit 0 without a traceback."""
    processes = [subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=cwd, text=True,
                                  env={**env, "CITEBOT_SHARD_COUNT": str(count), "CITEBOT_SHARD_IDS": str(shard)},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_ctrl_c_delivered)
                 for shard in range(count)]
    try:
        run_in_fake(fake, fake.wait_for(lambda: len(fake.connections) == count or any(p.poll() is not None
                                                                                    for p in processes),
                                        timeout=240, what="every process to connect"))
        stopped = [p for p in processes if p.poll() is not None]
        assert not stopped, f"a serve process stopped early: {stopped[0].communicate(timeout=10)[0][-3000:]}"
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        outputs = [process.communicate(timeout=60)[0] for process in processes]
    assert [p.returncode for p in processes] == [0] * count, outputs
    assert "Traceback" not in "".join(outputs)


def test_two_serve_processes_share_one_index_and_answer_their_own_servers(tmp_path, corpus_index):
    """Two `citebot serve` processes (CITEBOT_SHARD_IDS 0 and 1 of 2) over one index folder each connect as
    their shard, answer /ask in the server their shard owns, keep answers in one feedback file and stop cleanly."""
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    with fake_discord_in_thread(guilds=(GUILD_0, GUILD_1)) as fake:
        env = {**os.environ, "PYTHONPATH": str(REPO), "DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": fake.api_base,
               "DISCORD_GATEWAY_URL": fake.gateway_url, "CITEBOT_INDEX_DIR": str(index_dir),
               "CITEBOT_COOLDOWN_SECONDS": "0", "CITEBOT_THREADS": "1", "CITEBOT_SHARD_COUNT": "2",
               "XDG_STATE_HOME": str(tmp_path / "state")}  # citebot's log file, kept out of the user's
        env.pop("CITEBOT_DATABASE_URL", None)
        env.pop("CITEBOT_FEEDBACK_DB", None)
        with serve_shards(fake, env, tmp_path, count=2) as processes:
            assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
            for guild in (GUILD_1, GUILD_0):
                handle = run_in_fake(fake, fake.slash("ask", question=LIBRARY_QUESTION, guild=guild))
                (reply,) = run_in_fake(fake, fake.replies(handle, timeout=60))
                assert LIBRARY_URL in reply.text()
            assert [shard for shard, event in fake.events if event == "INTERACTION_CREATE"] == [
                shard_of(GUILD_1, 2), shard_of(GUILD_0, 2)] == [1, 0]
    assert not fake.unhandled and all(p.returncode == 0 for p in processes)
    assert FeedbackStore(tmp_path / "feedback.sqlite").counts()["answers"] == 2
