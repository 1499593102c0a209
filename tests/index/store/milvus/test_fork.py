"""Starting processes beside a busy Milvus connection (how the shard tests start `citebot serve`)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

# Runs in its own process: with gRPC's fork support on, a forked child can also hang before exec, and
# then so does the Popen that started it, waiting for the exec.
SCENARIO = """
import subprocess, sys, threading
from pymilvus import MilvusClient

client = MilvusClient(uri=sys.argv[1])
stop = threading.Event()

def traffic():
    while not stop.is_set():
        client.list_collections()

threading.Thread(target=traffic, daemon=True).start()
codes = [subprocess.run([sys.executable, "-c", "pass"], capture_output=True, preexec_fn=lambda: None).returncode
         for _ in range(300)]
stop.set()
print(sum(code != 0 for code in codes))
"""


def test_children_forked_beside_a_busy_grpc_channel_all_start(milvus):
    """Under the tests' environment, a child forked (preexec_fn: fork, not vfork) while another thread calls Milvus
    always reaches exec: with gRPC's fork support on (conftest turns it off), several in 300 abort or hang first."""
    proc = subprocess.Popen([sys.executable, "-c", SCENARIO, milvus.uri], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError("a child hung before exec")
    assert proc.returncode == 0 and out.strip() == "0", f"exit {proc.returncode}, children that died: {out.strip()}"
