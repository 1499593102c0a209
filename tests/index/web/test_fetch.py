"""Fetching a URL: refused before connecting when unsafe, redirects vetted hop by hop, pinned to the
vetted address, every cap kept (size, decoded size, time), conditional GET."""
import gzip
import socket
import time

import pytest

from index.errors import FetchFailed, FetchRefused
from index.settings import FetchSettings
from index.web import guard
from index.web.fetch import PAGE_TYPES, Fetcher
from tests.webserver import LocalServer, Page

HTML = b"<html><head><title>Harbour news</title></head><body><p>The ferry runs again.</p></body></html>"


def fetcher(server, **settings):
    return Fetcher(FetchSettings(allow=server.allow, **settings))


def test_a_page_is_fetched_from_an_allowed_local_server_with_a_polite_user_agent(server, connections):
    """An allowed host:port is fetched; the request names citebot in its User-Agent and asks for gzip."""
    server.routes["/a"] = Page(HTML)
    fetched = fetcher(server).fetch(server.url("/a"))
    assert fetched.status == 200 and fetched.body == HTML and fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    assert "citebot" in server.requests[0].headers["user-agent"]
    assert "gzip" in server.requests[0].headers["accept-encoding"]
    assert connections == ["127.0.0.1"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "10.0.0.1", "169.254.169.254", "0.0.0.0"])
def test_unsafe_hosts_are_refused_without_connecting(server, connections, host):
    """Without the allow setting, loopback, localhost, private and metadata addresses are refused
    before any connection: the local server sees no request and no socket is opened."""
    server.routes["/a"] = Page(HTML)
    with pytest.raises(FetchRefused) as caught:
        Fetcher().fetch(f"http://{host}:{server.port}/a")
    assert caught.value.kind == "address"
    assert server.requests == [] and connections == []


def test_a_name_resolving_to_a_private_address_is_refused_without_connecting(server, connections, monkeypatch):
    """A public-looking name whose DNS answer is private is refused before connecting."""
    monkeypatch.setattr(guard, "resolve", lambda host, port: ["192.168.10.20"])
    with pytest.raises(FetchRefused) as caught:
        Fetcher().fetch("https://news.example.com/a")
    assert "news.example.com is 192.168.10.20" in caught.value.detail
    assert connections == []


def test_a_redirect_to_a_private_address_is_refused_before_following_it(server, connections):
    """An allowed host redirecting to another local port, or to 10.0.0.1, is refused at that hop: the
    other server never sees a request."""
    with LocalServer() as other:
        other.routes["/secret"] = Page(b"<html><body>secret</body></html>")
        server.routes["/r1"] = Page(status=302, headers={"Location": other.url("/secret")})
        server.routes["/r2"] = Page(status=301, headers={"Location": "http://10.0.0.1/admin"})
        server.routes["/r3"] = Page(status=307, headers={"Location": "file:///etc/passwd"})
        for path, kind in (("/r1", "address"), ("/r2", "address"), ("/r3", "scheme")):
            with pytest.raises(FetchRefused) as caught:
                fetcher(server).fetch(server.url(path))
            assert caught.value.kind in (kind, "redirect_scheme")
        assert other.requests == []
    assert set(connections) == {"127.0.0.1"}


def test_redirects_are_followed_by_hand_at_most_five(server):
    """A relative redirect is followed (the final URL is reported); a sixth redirect is refused."""
    server.routes["/a"] = Page(HTML)
    server.routes["/go"] = Page(status=301, headers={"Location": "/a"})
    assert fetcher(server).fetch(server.url("/go")).url == server.url("/a")
    for i in range(7):
        server.routes[f"/loop{i}"] = Page(status=302, headers={"Location": f"/loop{i + 1}"})
    with pytest.raises(FetchFailed) as caught:
        fetcher(server).fetch(server.url("/loop0"))
    assert caught.value.kind == "redirects"
    assert server.paths().count("/loop5") == 1 and "/loop6" not in server.paths()


def test_the_connection_goes_to_the_vetted_address_not_a_second_dns_answer(server, monkeypatch):
    """DNS rebinding: the name is resolved once, and the connection goes to that address with the
    name in the Host header, whatever the resolver says afterwards."""
    answers = iter([["127.0.0.1"]] + [["127.0.0.2"]] * 10)
    monkeypatch.setattr(guard, "resolve", lambda host, port: next(answers))
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real_getaddrinfo(
        "127.0.0.2" if host == "news.test" else host, *a, **k))
    server.routes["/a"] = Page(HTML)
    allow = frozenset({("news.test", server.port)})
    fetched = Fetcher(FetchSettings(allow=allow)).fetch(f"http://news.test:{server.port}/a")
    assert fetched.body == HTML
    assert server.requests[0].headers["host"] == f"news.test:{server.port}"


def test_conditional_get_answers_304_with_nothing_fetched(server):
    """With the ETag or Last-Modified of the last fetch the server answers 304, and the result has no body."""
    server.routes["/feed"] = Page(b"<rss version='2.0'><channel/></rss>", "application/rss+xml", etag='"v1"',
                                  last_modified="Mon, 20 Oct 2025 00:00:00 GMT")
    first = fetcher(server).fetch(server.url("/feed"))
    assert first.etag == '"v1"' and first.last_modified
    again = fetcher(server).fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    assert server.requests[1].headers["if-none-match"] == '"v1"'


def _endless(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        for _ in range(10_000):  # 640 MB if nobody stops reading: bounded, but far past any cap
            handler.wfile.write(b"<p>" + b"x" * 65_000 + b"</p>")
    except OSError:
        pass  # the client hung up: what the test wants


def test_a_page_that_never_ends_stops_at_the_size_cap(server):
    """A body without a length that goes on and on is cut at the cap with too_large."""
    server.routes["/endless"] = _endless
    with pytest.raises(FetchFailed) as caught:
        fetcher(server, max_bytes=1_000_000).fetch(server.url("/endless"))
    assert caught.value.kind == "too_large" and caught.value.detail.endswith("MB")


def test_a_declared_length_over_the_cap_is_refused_before_reading(server):
    """A Content-Length over the cap is refused from the headers."""
    server.routes["/big"] = Page(b"<p>" + b"y" * 300_000 + b"</p>")
    with pytest.raises(FetchFailed) as caught:
        fetcher(server, max_bytes=100_000).fetch(server.url("/big"))
    assert caught.value.kind == "too_large"


def test_a_gzip_bomb_is_stopped_at_the_decoded_cap(server):
    """A small gzip body that inflates far past the cap fails with too_large, and the decoded size is what counts."""
    bomb = gzip.compress(b"<p>" + b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    server.routes["/bomb"] = Page(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchFailed) as caught:
        fetcher(server, max_bytes=1_000_000).fetch(server.url("/bomb"))
    assert caught.value.kind == "too_large"
    server.routes["/small"] = Page(gzip.compress(HTML), headers={"Content-Encoding": "gzip"})
    assert fetcher(server).fetch(server.url("/small")).body == HTML


def test_a_slow_page_stops_at_the_time_cap(server):
    """A server trickling bytes past the deadline fails with timeout, about when the deadline passes."""

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(40):
                handler.wfile.write(b"<p>tick</p>")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    server.routes["/slow"] = trickle
    started = time.monotonic()
    with pytest.raises(FetchFailed) as caught:
        fetcher(server, seconds=1.0).fetch(server.url("/slow"))
    assert caught.value.kind == "timeout" and time.monotonic() - started < 3


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "application/json", ""])
def test_other_content_types_are_refused(server, content_type):
    """Only HTML, XHTML, RSS, Atom and XML bodies are read."""
    server.routes["/x"] = Page(b"\x89PNG....", content_type)
    with pytest.raises(FetchFailed) as caught:
        fetcher(server).fetch(server.url("/x"), PAGE_TYPES)
    assert caught.value.kind == "content_type"


def test_an_error_status_is_a_failure_with_its_code(server):
    """A 404 (or any non-200 answer) fails with the status."""
    with pytest.raises(FetchFailed) as caught:
        fetcher(server).fetch(server.url("/missing"))
    assert caught.value.kind == "status" and caught.value.detail.startswith("404")


def _certificate(folder, name: str):
    """A throw-away CA and a certificate it signed for `name` (openssl), as (CA file, cert file, key file)."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")

    def run(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=citebot test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={name}")
    (folder / "san.ext").write_text(f"subjectAltName=DNS:{name}\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


def test_https_to_a_pinned_address_checks_the_certificate_of_the_url_host(tmp_path, monkeypatch):
    """Over TLS the connection goes to the vetted address while SNI and the certificate check use the
    URL's host name: a certificate for that name passes, one for another name fails."""
    import ssl

    ca, cert, key = _certificate(tmp_path, "news.test")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    trust = ssl.create_default_context(cafile=str(ca))
    monkeypatch.setattr(guard, "resolve", lambda host, port: ["127.0.0.1"])
    with LocalServer(tls=tls) as secure:
        secure.routes["/a"] = Page(HTML)
        allow = frozenset({("news.test", secure.port), ("other.test", secure.port)})
        fetched = Fetcher(FetchSettings(allow=allow), ssl_context=trust).fetch(f"https://news.test:{secure.port}/a")
        assert fetched.body == HTML and secure.requests[0].headers["host"] == f"news.test:{secure.port}"
        with pytest.raises(FetchFailed) as caught:
            Fetcher(FetchSettings(allow=allow), ssl_context=trust).fetch(f"https://other.test:{secure.port}/a")
        assert caught.value.kind == "network" and len(secure.requests) == 1


def test_one_request_at_a_time_per_host(server):
    """Several threads fetching from one host never have two requests in flight there at once."""
    import threading

    in_flight, most = [0], [0]
    lock = threading.Lock()

    def slow(handler):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)
        with lock:
            in_flight[0] -= 1
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(HTML)))
        handler.end_headers()
        handler.wfile.write(HTML)

    server.routes["/slow"] = slow
    threads = [threading.Thread(target=fetcher(server).fetch, args=(server.url("/slow"),)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(server.requests) == 4 and most[0] == 1


def test_an_international_host_name_is_vetted_and_pinned(server, monkeypatch):
    """A Japanese host name resolves through the guard and is asked for in punycode on the pinned connection."""
    monkeypatch.setattr(guard, "resolve", lambda host, port: ["127.0.0.1"])
    server.routes["/a"] = Page(HTML)
    allow = frozenset({("港町.test", server.port)})
    assert Fetcher(FetchSettings(allow=allow)).fetch(f"http://港町.test:{server.port}/a").body == HTML
    assert server.requests[0].headers["host"] == f"{'港町'.encode('idna').decode()}.test:{server.port}"
    with pytest.raises(FetchRefused):
        Fetcher().fetch(f"http://港町.test:{server.port}/a")
