"""The Discord token never shows in a repr, a log line, an error message or a traceback; .env stays out of git."""
from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
import sys
import traceback

import pytest

from tests.paths import REPO
from bot.discord.settings import BotConfig, ConfigError

TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0.GxYzAb.s3cr3t-t0ken-DO-NOT-LEAK_9f8e7d"
SECRET_PART = "s3cr3t-t0ken-DO-NOT-LEAK"
UNREACHABLE = "http://127.0.0.1:9/api/v10"  # the discard port: connection refused at once


def _leaks(*texts: str) -> list[str]:
    return [t for t in texts if TOKEN in t or SECRET_PART in t]


@pytest.fixture
def config(tmp_path) -> BotConfig:
    return BotConfig.from_env({"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": UNREACHABLE,
                               "CITEBOT_INDEX_DIR": str(tmp_path / "index")}, env_file=None)


def test_config_shows_no_token_in_repr_str_or_format(config):
    """repr/str/format of the config, its token and its dict form all mask the token; reveal() still has it."""
    assert config.token is not None and config.token.reveal() == TOKEN
    shown = [repr(config), str(config), f"{config}", f"{config!r}", repr(config.token), str(config.token),
             f"{config.token}", str(dataclasses.asdict(config)), str(vars(config))]
    assert not _leaks(*shown)


def test_token_from_dotenv_is_masked_too(tmp_path):
    """A token read from a .env file is wrapped and masked just like one from the environment."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nDISCORD_GUILD_IDS=1\n", encoding="utf-8")
    config = BotConfig.from_env({}, env_file=env_file)
    assert config.token is not None and config.token.reveal() == TOKEN
    assert not _leaks(repr(config), str(config))


def test_logging_the_config_does_not_leak_the_token(config, caplog):
    """Logging the config (with %s, %r or as an argument dict) writes no token into any log record."""
    log = logging.getLogger("citebot.test")
    with caplog.at_level(logging.DEBUG):
        log.info("config %s", config)
        log.debug("config %r token %s", config, config.token)
        log.warning("settings: %(c)s", {"c": config})
    assert caplog.records and not _leaks(caplog.text, *(r.getMessage() for r in caplog.records))


def test_traceback_locals_do_not_leak_the_token(config):
    """A traceback rendered with local variables (as error reporters do) shows the token masked."""

    def fails(config=config, token=config.token):
        raise RuntimeError("boom")

    try:
        fails()
    except RuntimeError as exc:
        rendered = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    assert "boom" in rendered and not _leaks(rendered)


def test_config_errors_do_not_quote_the_token():
    """A malformed setting next to a valid token raises ConfigError naming the variable, not the token."""
    with pytest.raises(ConfigError) as err:
        BotConfig.from_env({"DISCORD_TOKEN": TOKEN, "DISCORD_GUILD_IDS": "12,abc"}, env_file=None)
    assert "DISCORD_GUILD_IDS" in str(err.value) and not _leaks(str(err.value), repr(err.value))


class _NoEngine:
    """serve() must fail at login, long before it asks anything."""

    def ask(self, question, k=5):
        raise AssertionError("not reached")

    cite = sources = ingest = remove = ask


def test_serve_with_a_bad_token_and_no_discord_prints_a_clear_line_without_it(config, capsys, caplog):
    """serve() against an unreachable API base returns 1 with one clear stderr line; no output or log has the token."""
    from bot.discord.serve import serve

    with caplog.at_level(logging.DEBUG):
        code = serve(config, engine=_NoEngine())
    out, err = capsys.readouterr()
    assert code == 1
    assert "citebot serve:" in err and UNREACHABLE in err and "Traceback" not in err
    assert not _leaks(out, err, caplog.text)


def test_citebot_serve_process_never_prints_the_token(tmp_path):
    """`citebot serve` in a child process, token in its environment, Discord unreachable: exit 1, token nowhere in its output."""
    env = {**os.environ, "DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": UNREACHABLE,
           "CITEBOT_INDEX_DIR": str(tmp_path / "index"), "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "citebot serve:" in run.stderr and "Traceback" not in run.stderr
    assert not _leaks(run.stdout, run.stderr)


def test_dotenv_is_ignored_by_git():
    """.env, where the token lives, is listed in .gitignore and git itself ignores it."""
    patterns = [line.strip() for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()]
    assert ".env" in patterns or "/.env" in patterns
    if shutil.which("git") and (REPO / ".git").exists():
        check = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO)
        assert check.returncode == 0
