"""A small HTTP server on 127.0.0.1 for the fetch, feed and follow tests: routes set per test, every
request recorded, ETag / Last-Modified answered with 304 like a real server."""
from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class LocalServer:
    """`routes[path]` is a Page, or a callable (handler) -> None that writes the answer itself."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.scheme = "https" if tls else "http"
        self.routes: dict[str, Page | Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append(Seen("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(Page(b"not found", "text/plain", 404))
                elif callable(route):
                    route(self)
                elif route.etag and self.headers.get("If-None-Match") == route.etag or (
                        route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified):
                    self._send(Page(status=304, etag=route.etag, last_modified=route.last_modified))
                else:
                    self._send(route)

            def _send(self, page: Page) -> None:
                self.send_response(page.status)
                if page.status != 304:
                    self.send_header("Content-Type", page.content_type)
                for name, value in (("ETag", page.etag), ("Last-Modified", page.last_modified)):
                    if value:
                        self.send_header(name, value)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A client hanging up mid-answer (a cap reached, a refused certificate) is what some tests want.
        self.httpd.handle_error = lambda request, client_address: None
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    @property
    def allow(self) -> frozenset[tuple[str, int]]:
        """The CITEBOT_FETCH_ALLOW pair that lets citebot reach this server."""
        return frozenset({("127.0.0.1", self.port)})

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(server: LocalServer, title: str, *paths: str) -> bytes:
    """An RSS 2.0 feed whose items link to these paths of `server`."""
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def article_html(title: str, paragraph: str, *, outlet: str | None = None, published: str | None = None,
                 charset: str | None = None) -> str:
    """A small news page as trafilatura reads one: <title> (with the outlet after " - "), an optional
    declared charset and publication date in its metadata, and one <article> paragraph under its heading."""
    meta = f'<meta charset="{charset}">' if charset else ""
    date = f'\n<meta property="article:published_time" content="{published}">' if published else ""
    head = f"{title} - {outlet}" if outlet else title
    return (f"<html><head>{meta}<title>{head}</title>{date}</head><body><article>\n<h1>{title}</h1>\n"
            f"<p>{paragraph}</p>\n</article></body></html>")
