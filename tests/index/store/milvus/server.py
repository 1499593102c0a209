"""A real Milvus for tests: the milvus-lite package's gRPC server, on 127.0.0.1 only, in a temp folder."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MilvusServer:
    """Start, kill -9 and restart one server over one data folder (the folder outlives restarts)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="citebot-milvus-"))
        self.port = _free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> "MilvusServer":
        exe = Path(sys.prefix) / "bin" / "milvus-lite"
        log = open(self.folder / "server.log", "ab")
        # Its default host is every interface: the tests bind it to loopback.
        self.proc = subprocess.Popen([str(exe) if exe.exists() else "milvus-lite", "server", "--data-dir",
                                      str(self.folder / "data"), "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"milvus-lite exited: {(self.folder / 'server.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("milvus-lite did not start listening in time")

    def kill(self) -> None:
        """kill -9: no flush, no goodbye."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
