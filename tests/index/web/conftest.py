"""A local server for fetch tests, and a guard on every outgoing connection the tests could make."""
import socket

import pytest

from tests.webserver import LocalServer


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


@pytest.fixture
def connections(monkeypatch):
    """Every address a connection was opened to; anything but 127.0.0.1 fails without leaving the machine."""
    opened: list[str] = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        opened.append(address[0])
        if address[0] != "127.0.0.1":
            raise AssertionError(f"the test tried to connect to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened
