"""A real PostgreSQL server for tests: Debian's postgresql, in a temporary folder, on 127.0.0.1 only."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throw-away server and yield its URL; stop and delete it on the way out. PostgreSQL
    refuses to run as root, so as root it runs as the `postgres` user the Debian package creates,
    in a folder of its own directly under the temp dir (pytest's are closed to other users)."""
    bins = [Path(shutil.which("pg_ctl")).parent] if shutil.which("pg_ctl") else sorted(
        Path("/usr/lib/postgresql").glob("*/bin"))  # Debian keeps them off PATH
    if not bins or not (bins[-1] / "initdb").exists():
        raise RuntimeError("PostgreSQL is not installed (Debian: apt install postgresql); the tests need a real server")
    initdb, pg_ctl = str(bins[-1] / "initdb"), str(bins[-1] / "pg_ctl")
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="citebot-pg-"))
    if run_as:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run([*run_as, initdb, "-D", str(data), "-U", "citebot", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*run_as, pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                    f"-h 127.0.0.1 -p {port} -k {folder}", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://citebot@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
