"""One writer per library across every process and machine: a lease in Milvus's meta collection.

Milvus has no transactions or compare-and-set, so a writer claims the lease, waits for a racing
claim to land, and reads it back: the last claim wins and the others back off. The lease runs
out unless renewed (a killed writer frees the library after LEASE_SECONDS, at once when it ran
on this machine and its process is gone), and a writer checks it still holds the lease before
it flips the generation, so a writer that lost it never publishes.
"""
from __future__ import annotations

import json
import os
import socket
import time
import uuid

from index.errors import IndexLocked
from index.store.milvus.client import MilvusDB

LEASE_SECONDS = 120.0
# How long a claim waits for a racing claim to land before reading the lease back.
SETTLE_SECONDS = 0.3


class Lease:
    def __init__(self, db: MilvusDB, library: str, where: str) -> None:
        self.db = db
        self.key = f"{library}/lock"
        self.where = where
        self.token = uuid.uuid4().hex
        self.renewed = 0.0

    def _claim(self) -> None:
        self.renewed = time.time()
        self.db.put({self.key: json.dumps({"token": self.token, "expires": self.renewed + LEASE_SECONDS,
                                           "host": socket.gethostname(), "pid": os.getpid()})})

    def _holder(self) -> dict | None:
        value = self.db.get(self.key)
        return json.loads(value) if value else None

    def acquire(self, wait: float = 0.0) -> "Lease":
        deadline = time.monotonic() + wait
        while True:
            holder = self._holder()
            if holder is None or _expired(holder):
                self._claim()
                time.sleep(SETTLE_SECONDS)
                if self.held():
                    return self
            if time.monotonic() >= deadline:
                raise IndexLocked(self.where)
            time.sleep(0.2)

    def held(self) -> bool:
        holder = self._holder()
        return holder is not None and holder.get("token") == self.token

    def renew(self) -> None:
        """Extend the lease when a third of it has passed (called between batches)."""
        if time.time() - self.renewed > LEASE_SECONDS / 3:
            if not self.held():
                raise IndexLocked(self.where)
            self._claim()

    def release(self) -> None:
        if self.held():
            self.db.drop([self.key])


def _expired(holder: dict) -> bool:
    if holder.get("expires", 0) < time.time():
        return True
    if holder.get("host") == socket.gethostname():
        try:
            os.kill(int(holder.get("pid", 0)), 0)
        except ProcessLookupError:
            return True  # its writer died on this machine
        except (PermissionError, ValueError):
            pass
    return False
