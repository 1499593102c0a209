"""The citebot command's own exits, whatever the subcommand."""
import subprocess
import sys
from pathlib import Path

_MANY_LINES = """
import argparse
import sys

import bot.cli as cli


def flood(args):
    for i in range(100000):
        print("line", i)
    return 0


def parser():
    p = argparse.ArgumentParser()
    p.set_defaults(func=flood)
    return p


cli._parser = parser
sys.exit(cli.main([]))
"""


def test_output_piped_into_a_reader_that_stops_early_ends_without_a_traceback(tmp_path):
    """`citebot … | head -1`: a closed pipe ends the command quietly, with no traceback on stderr."""
    env = {"CITEBOT_INDEX_DIR": str(tmp_path / "index"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    with subprocess.Popen([sys.executable, "-c", _MANY_LINES], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=str(Path(__file__).resolve().parents[3])) as proc:
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 1
