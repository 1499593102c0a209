"""Fixtures for the Milvus store: one real server per module, a fresh library name per test."""
import itertools

import pytest

from index.settings import EngineSettings
from tests.index.store.milvus.server import MilvusServer

_names = itertools.count()


@pytest.fixture(scope="module")
def milvus():
    server = MilvusServer().start()
    yield server
    server.stop()


@pytest.fixture
def library() -> str:
    """A library name no other test in the module uses."""
    return f"lib{next(_names)}"


@pytest.fixture
def milvus_settings(milvus) -> EngineSettings:
    return EngineSettings(milvus_uri=milvus.uri, threads=2)
