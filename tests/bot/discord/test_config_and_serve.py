"""bot.discord.settings (environment and .env, masked token) and bot.discord.serve's failure messages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.bot import configure_endpoints
from bot.discord.settings import BotConfig, ConfigError, Secret
from bot.discord.serve import serve

from .fake_discord import fake_discord_in_thread


def test_from_env_reads_environment_over_dotenv(tmp_path):
    """Variables come from .env unless the environment sets them; lists, numbers and paths are typed."""
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DISCORD_TOKEN=from-file\nDISCORD_GUILD_IDS=1, 2\nCITEBOT_COOLDOWN_SECONDS=2.5\nCITEBOT_INDEX_DIR=/srv/idx\n"
    )
    config = BotConfig.from_env({"DISCORD_TOKEN": "from-env", "CITEBOT_MAX_QUESTION_CHARS": "300"}, env_file)
    assert config.token is not None and config.token.reveal() == "from-env"
    assert config.guild_ids == (1, 2)
    assert config.cooldown_seconds == 2.5 and config.max_question_chars == 300
    assert config.index_dir == Path("/srv/idx") and config.feedback_path == Path("/srv/feedback.sqlite")
    assert config.articles_dir == Path("/srv/idx/articles")
    assert config.api_base == "https://discord.com/api/v10" and config.gateway_url == "wss://gateway.discord.gg/"


def test_malformed_settings_name_the_variable():
    """A bad guild id or number raises ConfigError naming the variable."""
    with pytest.raises(ConfigError, match="DISCORD_GUILD_IDS"):
        BotConfig.from_env({"DISCORD_GUILD_IDS": "12,abc"}, None)
    with pytest.raises(ConfigError, match="CITEBOT_MAX_QUESTION_CHARS"):
        BotConfig.from_env({"CITEBOT_MAX_QUESTION_CHARS": "lots"}, None)
    with pytest.raises(ConfigError, match="CITEBOT_COOLDOWN_SECONDS"):
        BotConfig.from_env({"CITEBOT_COOLDOWN_SECONDS": "-1"}, None)
    with pytest.raises(ConfigError, match="CITEBOT_DATABASE_URL") as bad_url:
        BotConfig.from_env({"CITEBOT_DATABASE_URL": "mysql://user:hunter2@db/x"}, None)
    assert "hunter2" not in str(bad_url.value)  # a database URL may hold a password
    with pytest.raises(ConfigError, match="CITEBOT_SHARED_LIBRARY"):
        BotConfig.from_env({"CITEBOT_SHARED_LIBRARY": "../other"}, None)
    with pytest.raises(ConfigError, match="CITEBOT_FEEDBACK_DAYS"):
        BotConfig.from_env({"CITEBOT_FEEDBACK_DAYS": "0"}, None)


def test_feedback_days_default_to_ninety():
    """Feedback is kept 90 days unless CITEBOT_FEEDBACK_DAYS says otherwise."""
    assert BotConfig.from_env({}, None).feedback_days == 90
    assert BotConfig.from_env({"CITEBOT_FEEDBACK_DAYS": "7"}, None).feedback_days == 7


def test_each_server_reads_its_own_library_and_the_shared_one():
    """A server reads guild-ID and CITEBOT_SHARED_LIBRARY (default "default"); empty means no shared library."""
    assert BotConfig.from_env({}, None).libraries(42) == ("guild-42", "default")
    assert BotConfig.from_env({"CITEBOT_SHARED_LIBRARY": "news"}, None).libraries(None) == ("news",)
    assert BotConfig.from_env({"CITEBOT_SHARED_LIBRARY": ""}, None).libraries(42) == ("guild-42",)


def test_a_database_url_takes_the_feedback_and_is_never_shown():
    """CITEBOT_DATABASE_URL moves answers and votes to PostgreSQL; the config's repr hides its password."""
    url = "postgresql://citebot:hunter2@db.example:5432/citebot"
    config = BotConfig.from_env({"CITEBOT_DATABASE_URL": url}, None)
    assert config.feedback_target == url and "hunter2" not in repr(config)
    assert BotConfig.from_env({}, None).feedback_target == BotConfig.from_env({}, None).feedback_path


def test_configure_endpoints_points_rest_and_gateway(monkeypatch):
    """configure_endpoints sets discord.py's REST base (no trailing slash) and first gateway URL."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    configure_endpoints("http://127.0.0.1:9/api/v10/", "ws://127.0.0.1:9/gw")
    assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
    assert yarl.URL("ws://127.0.0.1:9/gw") == DiscordWebSocket.DEFAULT_GATEWAY


def test_bot_connects_to_configured_gateway(env):
    """The running bot opened its websocket on the configured gateway URL, with discord.py's v10 JSON query."""

    async def scenario(fake, bot):
        assert fake.gateway_queries[0]["v"] == "10" and fake.gateway_queries[0]["encoding"] == "json"
        assert fake.identifies[0]["token"] == env.config.token.reveal()

    env.run(scenario)


def test_serve_without_token_fails_with_a_clear_message(capsys, engine):
    """serve() with no DISCORD_TOKEN returns 1 and prints one line naming the variable, no traceback."""
    assert serve(BotConfig(token=None), engine=engine) == 1
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err and "Traceback" not in err


def test_serve_with_rejected_token_fails_with_a_clear_message(capsys, config, engine):
    """When Discord answers 401 (LoginFailure), serve() returns 1 with a clear message and no traceback."""
    with fake_discord_in_thread() as fake:
        rejected = replace(config, token=Secret("wrong-token"), api_base=fake.api_base, gateway_url=fake.gateway_url)
        assert serve(rejected, engine=engine) == 1
    err = capsys.readouterr().err
    assert "Discord rejected DISCORD_TOKEN" in err and "wrong-token" not in err and "Traceback" not in err


@pytest.mark.parametrize("values, variable", [
    ({"DISCORD_GUILD_IDS": "12,abc"}, "DISCORD_GUILD_IDS"),
    ({"CITEBOT_MAX_QUESTION_CHARS": "lots"}, "CITEBOT_MAX_QUESTION_CHARS"),
    ({"CITEBOT_COOLDOWN_SECONDS": "-1"}, "CITEBOT_COOLDOWN_SECONDS"),
    ({"DISCORD_GATEWAY_URL": "gateway.example"}, "DISCORD_GATEWAY_URL"),
    ({"DISCORD_API_BASE": "ftp://x"}, "DISCORD_API_BASE"),
    ({"CITEBOT_FEEDBACK_DB": "{tmp}"}, "CITEBOT_FEEDBACK_DB"),
    ({"CITEBOT_FEEDBACK_DB": "{tmp}/missing/feedback.sqlite"}, "CITEBOT_FEEDBACK_DB"),
    ({"CITEBOT_SHARD_COUNT": "two"}, "CITEBOT_SHARD_COUNT"),
    ({"CITEBOT_SHARD_IDS": "0,1"}, "CITEBOT_SHARD_IDS"),
    ({"CITEBOT_SHARD_COUNT": "2", "CITEBOT_SHARD_IDS": "1,2"}, "CITEBOT_SHARD_IDS"),
])
def test_citebot_serve_with_a_bad_setting_is_one_line(tmp_path, monkeypatch, capsys, values, variable):
    """`citebot serve` with a malformed setting exits 2 with one line naming it, before any model or Discord."""
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    monkeypatch.setenv("CITEBOT_INDEX_DIR", str(tmp_path / "index"))
    for key, value in values.items():
        monkeypatch.setenv(key, value.format(tmp=tmp_path))
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("citebot: error: ") and variable in err and len(err.splitlines()) == 1
    assert not (tmp_path / "index").exists()


def test_serve_with_an_unreachable_gateway_is_one_line(capsys, config, engine):
    """A gateway nobody listens on ends serve() with one line naming DISCORD_GATEWAY_URL, no traceback."""
    with fake_discord_in_thread() as fake:
        dead = replace(config, api_base=fake.api_base, gateway_url="ws://127.0.0.1:9/gateway")
        assert serve(dead, engine=engine) == 1
    err = capsys.readouterr().err
    assert "cannot reach the Discord gateway at ws://127.0.0.1:9/gateway" in err and "DISCORD_GATEWAY_URL" in err
    assert "Traceback" not in err and "sequence" not in err


def test_serve_logs_its_index_and_warns_when_empty(tmp_path, caplog):
    """serve() names the index it serves and its article count, and warns when the index is empty;
    library start-up chatter (FAISS CPU probing, voice support) stays below INFO."""
    import logging

    config = BotConfig(token=Secret("x"), index_dir=tmp_path / "index", feedback_db=tmp_path / "fb.sqlite",
                       api_base="http://127.0.0.1:9/api/v10", gateway_url="ws://127.0.0.1:9/gw")
    with caplog.at_level(logging.DEBUG):
        assert serve(config) == 1
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert any(level == logging.INFO and f"serving the shared library default in {tmp_path / 'index'}: 0 articles" in m
               for level, m in messages)
    assert any(level == logging.WARNING and "is empty" in m for level, m in messages)
    assert not any(level >= logging.INFO and ("voice will NOT" in m or "Loading faiss" in m) for level, m in messages)
