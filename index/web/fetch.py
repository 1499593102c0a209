"""Fetching one URL safely: vetted addresses only, redirects followed by hand, every limit kept.

Each hop (the URL, then each redirect, at most FetchSettings.max_redirects) is vetted by
index.web.guard before connecting and connects to the vetted address itself, keeping the URL's
host for the Host header and TLS (SNI and the certificate check). The body is streamed and
decoded here (gzip/deflate), so the cap applies to the decoded size: a gzip bomb stops at the
limit. One request at a time per host; a conditional GET (ETag, Last-Modified) when the caller
has them; a User-Agent naming citebot.
"""
from __future__ import annotations

import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from index.errors import FetchError, FetchFailed, FetchRefused
from index.settings import FetchSettings
from index.types import Fetched

from .guard import Target, check_connected, vet

USER_AGENT = "citebot/0.1 (news citation bot; fetches a page when a server admin asks, polls followed feeds)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml", "application/x-rss+xml"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})

_host_locks: dict[str, threading.Lock] = {}
_host_locks_guard = threading.Lock()


@contextmanager
def _one_at_a_time(host: str) -> Iterator[None]:
    """At most one request in flight per host, across every thread of this process."""
    with _host_locks_guard:
        lock = _host_locks.setdefault(host, threading.Lock())
    with lock:
        yield


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the vetted address whatever name the request carries, then checks the peer."""

    def __init__(self, target: Target) -> None:
        self.target = target
        # The names httpx may connect under: the URL's host, and its punycode form (IDNA 2008).
        self.hosts = {target.host, httpx.URL(target.url).raw_host.decode("ascii").lower()}

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001
        if host.lower().strip("[]") not in self.hosts or port != self.target.port:
            raise httpcore.ConnectError(f"unexpected connection to {host}:{port}")
        stream = super().connect_tcp(self.target.address, port, timeout, local_address, socket_options)
        try:
            check_connected(self.target, stream.get_extra_info("socket").getpeername()[0])
        except FetchRefused:
            stream.close()
            raise
        return stream


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport with a connection pool whose one way out is _PinnedBackend."""

    def __init__(self, target: Target, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(trust_env=False)
        ssl_context = ssl_context or httpx.create_ssl_context(trust_env=False)
        # httpx builds its pool in __init__ with the default backend; swap in one that pins the address.
        # TLS still names the URL's host (SNI, certificate check): httpcore takes it from the request.
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, max_connections=1,
                                             network_backend=_PinnedBackend(target))


class Fetcher:
    """Thread-safe; holds no connection between calls."""

    def __init__(self, settings: FetchSettings | None = None, user_agent: str = USER_AGENT,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        """`ssl_context`: the certificates to trust (default: certifi's, as httpx does)."""
        self.settings = settings or FetchSettings()
        self.user_agent = user_agent
        self.ssl_context = ssl_context

    def fetch(self, url: str, types: frozenset[str] = PAGE_TYPES | FEED_TYPES, etag: str | None = None,
              last_modified: str | None = None) -> Fetched:
        """The URL's body (status 200) or, given etag/last_modified, a 304 with no body; else FetchError."""
        deadline = time.monotonic() + self.settings.seconds
        current = url
        for _ in range(self.settings.max_redirects + 1):
            target = vet(current, self.settings.allow)
            headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate",
                       "Accept": ", ".join(sorted(types)) + ", */*;q=0.1"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            with _one_at_a_time(target.host):
                result = self._hop(target, headers, types, deadline)
            if isinstance(result, Fetched):
                return result
            current = result
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                raise FetchRefused(url, "redirect_scheme", current[:200])
        raise FetchFailed(url, "redirects", str(self.settings.max_redirects))

    def _hop(self, target: Target, headers: dict[str, str], types: frozenset[str], deadline: float) -> Fetched | str:
        """One request: a Fetched, or the URL a redirect points to."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed(target.url, "timeout", f"{self.settings.seconds:g}")
        try:
            with httpx.Client(transport=_PinnedTransport(target, self.ssl_context), trust_env=False, follow_redirects=False,
                              timeout=httpx.Timeout(remaining)) as client:
                with client.stream("GET", target.url, headers=headers) as response:
                    return self._read(target, response, types, deadline)
        except FetchError:
            raise
        except httpx.TimeoutException:
            raise FetchFailed(target.url, "timeout", f"{self.settings.seconds:g}") from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, FetchRefused):
                raise cause from None
            raise FetchFailed(target.url, "network", _first_line(exc)) from None

    def _read(self, target: Target, response: httpx.Response, types: frozenset[str], deadline: float) -> Fetched | str:
        status = response.status_code
        if status in REDIRECTS:
            location = response.headers.get("location", "").strip()
            if not location:
                raise FetchFailed(target.url, "status", f"{status} without a Location")
            return urljoin(target.url, location)
        etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        if status == 304:
            return Fetched(target.url, 304, etag=etag, last_modified=modified)
        if status != 200:
            raise FetchFailed(target.url, "status", f"{status} {response.reason_phrase}".strip())
        content_type, charset = _content_type(response.headers.get("content-type", ""))
        if content_type not in types:
            raise FetchFailed(target.url, "content_type", content_type or "none")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_bytes:
            raise FetchFailed(target.url, "too_large", _megabytes(self.settings.max_bytes))
        body = self._body(target, response, deadline)
        return Fetched(target.url, 200, content_type, charset, body, etag, modified)

    def _body(self, target: Target, response: httpx.Response, deadline: float) -> bytes:
        """The decoded body, stopped as soon as it passes the size cap or the deadline."""
        limit = self.settings.max_bytes
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity"):
            decoder = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            decoder = zlib.decompressobj(47)  # 32 + 15: a gzip or zlib header, detected
        else:
            raise FetchFailed(target.url, "encoding", encoding)
        out = bytearray()
        received = 0
        for chunk in response.iter_raw():  # as read from the socket: no buffering past the deadline
            received += len(chunk)
            if received > limit:
                raise FetchFailed(target.url, "too_large", _megabytes(limit))
            data = chunk
            while data:
                if decoder is None:
                    out += data
                    data = b""
                else:
                    try:
                        out += decoder.decompress(data, limit + 1 - len(out))
                    except zlib.error as exc:
                        raise FetchFailed(target.url, "encoding", f"broken {encoding}: {exc}") from None
                    data = decoder.unconsumed_tail
                if len(out) > limit:
                    raise FetchFailed(target.url, "too_large", _megabytes(limit))
            if time.monotonic() > deadline:
                raise FetchFailed(target.url, "timeout", f"{self.settings.seconds:g}")
        return bytes(out)


def _content_type(header: str) -> tuple[str, str | None]:
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            charset = value.strip(" \"'").lower()
    return kind.strip().lower(), charset


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:g} MB"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
