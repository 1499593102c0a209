"""Which URLs citebot may fetch: http(s) to public addresses only, unless CITEBOT_FETCH_ALLOW names the host."""
import ipaddress

import pytest

from index.errors import FetchRefused
from index.web import guard


@pytest.fixture
def dns(monkeypatch):
    """A fake resolver: tests fill the table; a name not in it does not resolve."""
    table: dict[str, list[str]] = {}

    def resolve(host, port):
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    monkeypatch.setattr(guard, "resolve", resolve)
    return table


@pytest.mark.parametrize("url, problem", [
    ("http://127.0.0.1/feed.xml", "loopback"),
    ("http://127.5.6.7:8080/", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.3.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://169.254.10.10/", "link-local"),
    ("http://100.64.1.1/", "shared"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::1]/", "loopback"),
    ("http://[::]/", "unspecified"),
    ("http://[fc00::1]/", "private"),
    ("http://[fd00:ec2::254]/", "cloud metadata"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[ff02::1]/", "multicast"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:10.1.2.3]/", "private"),
    ("http://[::10.1.2.3]/", "private"),
    ("http://[64:ff9b::a9fe:a9fe]/", "cloud metadata"),
    ("http://[2002:0a00:0001::1]/", "private"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
])
def test_non_public_addresses_are_refused(url, problem, dns):
    """Loopback, private, link-local, metadata, shared, multicast, reserved and unspecified addresses are
    refused, also inside IPv6 (mapped, compatible, NAT64, 6to4), with the kind of address in the reason."""
    with pytest.raises(FetchRefused) as caught:
        guard.vet(url)
    assert caught.value.kind == "address" and problem in caught.value.detail


def test_a_name_resolving_to_a_private_address_is_refused(dns):
    """A host name is judged by every address it resolves to: one private address among public ones refuses it."""
    dns["intranet.example.com"] = ["10.1.1.1"]
    dns["mixed.example.com"] = ["93.184.216.34", "192.168.0.5"]
    dns["localhost"] = ["127.0.0.1", "::1"]
    for host, shown in (("intranet.example.com", "10.1.1.1"), ("mixed.example.com", "192.168.0.5"),
                        ("localhost", "127.0.0.1")):
        with pytest.raises(FetchRefused) as caught:
            guard.vet(f"https://{host}/news")
        assert f"{host} is {shown}" in caught.value.detail


def test_a_public_host_is_pinned_to_its_vetted_address(dns):
    """A public name passes, and the target carries the address the fetch must connect to."""
    dns["news.example.com"] = ["93.184.216.34"]
    target = guard.vet("https://News.Example.com./a/1")
    assert (target.host, target.port, target.address, target.allowed) == ("news.example.com", 443, "93.184.216.34", False)


@pytest.mark.parametrize("url, kind", [
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.com/feed.xml", "scheme"),
    ("gopher://example.com/", "scheme"),
    ("example.com/feed.xml", "scheme"),
    ("http:///nohost", "bad_url"),
    ("http://example.com:99999/", "bad_url"),
    ("http://no-such-host.invalid/", "unresolvable"),
])
def test_other_schemes_and_broken_urls_are_refused(url, kind, dns):
    """Only http and https, with a host that resolves; each refusal names its kind."""
    with pytest.raises(FetchRefused) as caught:
        guard.vet(url)
    assert caught.value.kind == kind


def test_the_allow_list_reaches_named_internal_hosts_only(dns):
    """CITEBOT_FETCH_ALLOW's host:port pairs pass the address check; the same host on another port does not."""
    allow = frozenset({("127.0.0.1", 8000), ("feeds.internal", 8080)})
    dns["feeds.internal"] = ["10.9.9.9"]
    assert guard.vet("http://127.0.0.1:8000/feed.xml", allow).allowed
    assert guard.vet("http://feeds.internal:8080/rss", allow).address == "10.9.9.9"
    with pytest.raises(FetchRefused):
        guard.vet("http://127.0.0.1:8001/feed.xml", allow)
    with pytest.raises(FetchRefused):
        guard.vet("http://feeds.internal/rss", allow)


def test_the_connected_peer_must_be_the_vetted_address():
    """A connection that reached another address than the vetted one is refused."""
    target = guard.Target("http://news.example.com/", "http", "news.example.com", 80, "93.184.216.34")
    guard.check_connected(target, "93.184.216.34")
    with pytest.raises(FetchRefused):
        guard.check_connected(target, "127.0.0.1")


def test_public_addresses_pass():
    """Ordinary public IPv4 and IPv6 addresses have no problem."""
    for text in ("93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946"):
        assert guard.address_problem(ipaddress.ip_address(text)) is None
