"""Which URLs citebot may fetch: http(s) only, to hosts that resolve to public addresses.

Anyone with Manage Server can make the bot fetch a URL, so a URL is vetted before any connection:
its scheme, then every address its host resolves to. Loopback, private, link-local (cloud
metadata), shared, multicast, reserved and unspecified addresses are refused, also when they hide
inside an IPv6 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo). The fetcher then
connects to the vetted address itself (index/web/fetch.py), so a second DNS answer cannot point
the connection elsewhere. Host:port pairs named in CITEBOT_FETCH_ALLOW skip the address check.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from index.errors import FetchRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"http": 80, "https": 443}
# Cloud instance-metadata endpoints (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS over IPv6).
METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible IPv6 (::a.b.c.d)


@dataclass(frozen=True)
class Target:
    """A vetted URL: the host and port to ask for, and the address to connect to."""

    url: str
    scheme: str
    host: str  # lower case, IPv6 without brackets (an international name as written)
    port: int
    address: str  # the vetted IP the connection must go to
    allowed: bool = False  # reached through CITEBOT_FETCH_ALLOW (its address was not checked)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (tests replace this to play DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vet(url: str, allow: frozenset[tuple[str, int]] = frozenset()) -> Target:
    """The URL's target, or FetchRefused saying in a few words why citebot will not connect to it."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(url, "bad_url", str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchRefused(url, "scheme", scheme or "none")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchRefused(url, "bad_url", "no host")
    port = port or DEFAULT_PORTS[scheme]
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")  # 日本.jp -> xn--…
    except UnicodeError:
        raise FetchRefused(url, "bad_url", "host name") from None
    allowed = (host, port) in allow or (ascii_host, port) in allow
    try:
        addresses = [ipaddress.ip_address(host)] if _is_ip(host) else [_ip(a) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchRefused(url, "unresolvable", f"{host}: {getattr(exc, 'strerror', None) or exc}") from None
    if not addresses:
        raise FetchRefused(url, "unresolvable", host)
    if not allowed:
        # Every address must be public: a name that also resolves to a private one is refused.
        for address in addresses:
            if problem := address_problem(address):
                raise FetchRefused(url, "address", f"{host} is {address}, a {problem} address" if host != str(address)
                                   else f"{address} is a {problem} address")
    return Target(url, scheme, host, port, str(addresses[0]), allowed)


def check_connected(target: Target, peer: str) -> None:
    """The address a connection actually reached must be the vetted one (and public, unless allowed)."""
    address = _ip(peer)
    if str(address) != str(_ip(target.address)):
        raise FetchRefused(target.url, "address", f"connected to {address}, not the vetted {target.address}")
    if not target.allowed and (problem := address_problem(address)):
        raise FetchRefused(target.url, "address", f"{address} is a {problem} address")


def address_problem(address: IPAddress) -> str | None:
    """Why an address is not one citebot fetches from ("loopback", "private", …), or None for a public one."""
    if address in METADATA:
        return "cloud metadata"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = address_problem(embedded)
            return f"{inner} (inside an IPv6)" if inner else None
    for problem, test in (("unspecified", "is_unspecified"), ("loopback", "is_loopback"),
                          ("link-local", "is_link_local"), ("multicast", "is_multicast"),
                          ("reserved", "is_reserved"), ("private", "is_private")):
        if getattr(address, test):
            return problem
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "shared (carrier-grade NAT)"
    if isinstance(address, ipaddress.IPv6Address) and address in ipaddress.ip_network("fc00::/7"):
        return "private"
    if not address.is_global:
        return "non-public"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address (the server's is public by design)
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id (fe80::1%eth0)
