"""One Milvus server as citebot uses it: its collections, and every call's failure as StoreUnavailable.

All libraries share four collections; the library is each row's partition key, so a search
in one library only ever scans that library's partitions. Vector collections are named by
dimension: two models of different sizes can keep libraries side by side.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import urlsplit

from index.errors import ConfigError, StoreUnavailable

T = TypeVar("T")

META = "citebot_meta"
DOCUMENTS = "citebot_documents"
# A row that no generation has removed yet: larger than any generation number.
ALIVE = 1 << 62
# Seconds a read may take before the server counts as unreachable; writes (inserts of thousands
# of vectors, flushes) get WRITE_TIMEOUT: a busy server takes longer, and an ingest can wait.
TIMEOUT = 10.0
WRITE_TIMEOUT = 120.0
# Milvus's longest VARCHAR, in characters.
MAX_CHARS = 65_535
# Rows per insert/upsert call: well under the gRPC message limit with 384-dim vectors.
BATCH_ROWS = 500
# Ids per `in [...]` filter.
FILTER_IDS = 1000

log = logging.getLogger(__name__)


def passages_collection(dim: int) -> str:
    return f"citebot_passages_d{dim}"


def sentences_collection(dim: int) -> str:
    return f"citebot_sentences_d{dim}"


def literal(text: str) -> str:
    """A string as a Milvus filter literal (quotes and backslashes escaped)."""
    return json.dumps(text, ensure_ascii=False)


def redact(uri: str) -> str:
    """The server's address without credentials, for messages."""
    parts = urlsplit(uri)
    host = parts.hostname or uri
    return f"{parts.scheme}://{host}:{parts.port}" if parts.port else f"{parts.scheme}://{host}"


class MilvusDB:
    """A connection to one server, shared by every library's store in a process (thread-safe)."""

    _open: dict[tuple[str, str | None], "MilvusDB"] = {}
    _open_lock = threading.Lock()

    def __init__(self, uri: str, token: str | None = None, timeout: float = TIMEOUT) -> None:
        self.uri = uri
        self.where = f"the Milvus server at {redact(uri)}"
        self.timeout = timeout
        self._token = token
        self._client = None
        self._ready: set[int | None] = set()  # dimensions whose collections exist (None: meta, documents)
        self._lock = threading.RLock()

    @classmethod
    def connect(cls, uri: str, token: str | None = None) -> "MilvusDB":
        with cls._open_lock:
            key = (uri, token)
            if key not in cls._open:
                cls._open[key] = cls(uri, token)
            return cls._open[key]

    @property
    def client(self):
        with self._lock:
            if self._client is None:
                try:
                    from pymilvus import MilvusClient
                except ImportError:
                    raise ConfigError("CITEBOT_MILVUS_URI", redact(self.uri), "needs the pymilvus package",
                                      "install it with: pip install -e '.[milvus]'") from None

                # pymilvus logs every failed call with a traceback before raising it (citebot says it in
                # one line), and warns on each query iterator that milvus-lite gives it no timestamp.
                logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
                with self.errors():
                    # A connection of its own: pymilvus's shared one, once broken by a server
                    # restart, is never redialled, even for a new client.
                    # Keepalive pings no more often than a stock gRPC server accepts (every 5 min):
                    # pymilvus's 10 s made milvus-lite answer a long call with GOAWAY too_many_pings.
                    # Every call has its own deadline, so a dead server is noticed anyway.
                    self._client = MilvusClient(uri=self.uri, token=self._token or "", timeout=self.timeout,
                                                dedicated=True, grpc_options={"grpc.keepalive_time_ms": 300_000})
            return self._client

    @contextmanager
    def errors(self) -> Iterator[None]:
        from pymilvus.exceptions import MilvusException

        try:
            yield
        except MilvusException as exc:
            if getattr(exc, "code", None) == 2:  # could not connect: the next call dials afresh
                self._reset()
            raise StoreUnavailable(self.where, _reason(exc)) from exc
        except (ConnectionError, TimeoutError, OSError) as exc:
            self._reset()
            raise StoreUnavailable(self.where, str(exc) or type(exc).__name__) from exc
        except Exception as exc:
            if type(exc).__module__.startswith("grpc"):
                self._reset()
                raise StoreUnavailable(self.where, str(exc).splitlines()[0]) from exc
            raise

    def _reset(self) -> None:
        """Forget a connection a failed server left broken (pymilvus does not redial it), and which
        collections were loaded: a restarted server brings them back unloaded."""
        with self._lock:
            client, self._client = self._client, None
            self._ready.clear()
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a dead connection may fail; it is dropped either way
                pass

    def call(self, fn: Callable[..., T], *args, collection: str, timeout: float | None = None, **kwargs) -> T:
        """One client call; a collection a restarted server left unloaded is loaded and the call retried."""
        from pymilvus.exceptions import MilvusException

        timeout = timeout or self.timeout
        with self.errors():
            try:
                return fn(collection, *args, timeout=timeout, **kwargs)
            except MilvusException as exc:
                message = str(exc).lower()
                if not any(m in message for m in ("not loaded", "released", "call load()")):
                    raise
                log.info("loading %s after a server restart", collection)
                self.client.load_collection(collection, timeout=WRITE_TIMEOUT)
                return fn(collection, *args, timeout=timeout, **kwargs)

    def query(self, collection: str, filter: str, fields: list[str], limit: int | None = None) -> list[dict]:
        kwargs = {"limit": limit} if limit else {}
        return list(self.call(self.client.query, collection=collection, filter=filter, output_fields=fields,
                              **kwargs))

    def query_all(self, collection: str, filter: str, fields: list[str], batch: int = 2000) -> Iterator[dict]:
        """Every matching row, streamed (a plain query stops at 16,384)."""
        with self.errors():
            it = self.client.query_iterator(collection, filter=filter, output_fields=fields, batch_size=batch,
                                            timeout=self.timeout)
        try:
            while True:
                with self.errors():
                    rows = it.next()
                if not rows:
                    return
                yield from rows
        finally:
            it.close()

    def search(self, collection: str, data: list, field: str, filter: str, limit: int,
               fields: list[str]) -> list[tuple[dict, float]]:
        result = self.call(self.client.search, collection=collection, data=data, anns_field=field, filter=filter,
                           limit=limit, output_fields=fields, search_params={"metric_type": "IP"})
        return [(hit["entity"], float(hit["distance"])) for hit in result[0]]

    def insert(self, collection: str, rows: list[dict], upsert: bool = False) -> None:
        fn = self.client.upsert if upsert else self.client.insert
        for i in range(0, len(rows), BATCH_ROWS):
            self.call(fn, collection=collection, data=rows[i:i + BATCH_ROWS], timeout=WRITE_TIMEOUT)

    def flush(self, collection: str) -> None:
        """Seal what was written into indexed segments: searches over unsealed rows scan them one by
        one (ten times slower on milvus-lite at 2k passages)."""
        self.call(self.client.flush, collection=collection, timeout=WRITE_TIMEOUT)

    def delete(self, collection: str, filter: str) -> None:
        self.call(self.client.delete, collection=collection, filter=filter, timeout=WRITE_TIMEOUT)

    def delete_ids(self, collection: str, base: str, field: str, ids: list[int]) -> None:
        for i in range(0, len(ids), FILTER_IDS):
            self.delete(collection, f"{base} and {field} in {ids[i:i + FILTER_IDS]}")

    # -- meta rows: small JSON values by key ---------------------------------------------

    def get(self, key: str) -> str | None:
        rows = self.query(META, f"key == {literal(key)}", ["value"])
        return rows[0]["value"] if rows else None

    def get_many(self, keys: list[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self.query(META, f"key in {json.dumps(keys, ensure_ascii=False)}", ["key", "value"])
        return {r["key"]: r["value"] for r in rows}

    def put(self, values: dict[str, str]) -> None:
        self.insert(META, [{"key": k, "value": v, "v": [0.0, 1.0]} for k, v in values.items()], upsert=True)

    def drop(self, keys: list[str]) -> None:
        if keys:
            self.delete(META, f"key in {json.dumps(keys, ensure_ascii=False)}")

    def keys(self, prefix: str) -> list[str]:
        return [r["key"] for r in self.query_all(META, f"key like {literal(prefix + '%')}", ["key"])]

    # -- collections ---------------------------------------------------------------------

    def ensure(self, dim: int | None = None) -> None:
        """Create citebot's collections (those of vectors of `dim` too) where they are missing, and load them."""
        if dim in self._ready:
            return
        from pymilvus import DataType, MilvusClient

        def varchar(schema, name, length=MAX_CHARS, **kw):
            schema.add_field(name, DataType.VARCHAR, max_length=length, **kw)

        def create(name: str, build, vectors: dict[str, tuple[str, str]]) -> None:
            if name in existing:
                self.client.load_collection(name, timeout=self.timeout * 6)
                return
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            build(schema)
            index = self.client.prepare_index_params()
            for field_name, (kind, metric) in vectors.items():
                index.add_index(field_name, index_type=kind, metric_type=metric)
            self.client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong",
                                          timeout=self.timeout * 6)

        def meta(s):
            varchar(s, "key", 1024, is_primary=True)
            varchar(s, "value")
            s.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs a vector in every collection

        def documents(s):
            varchar(s, "pk", 128, is_primary=True)
            varchar(s, "library", 128, is_partition_key=True)
            for name, length in (("path", 4096), ("content_hash", 128), ("title", 2048), ("url", 4096),
                                 ("published", 64), ("outlet", 512), ("lang", 16), ("format", 32)):
                varchar(s, name, length)
            s.add_field("born", DataType.INT64)
            s.add_field("dead", DataType.INT64)
            s.add_field("v", DataType.FLOAT_VECTOR, dim=2)

        def passages(s):
            varchar(s, "pk", 128, is_primary=True)
            varchar(s, "library", 128, is_partition_key=True)
            s.add_field("pid", DataType.INT64)
            varchar(s, "doc_path", 4096)
            s.add_field("start", DataType.INT64)
            s.add_field("end", DataType.INT64)
            varchar(s, "text")
            for name, length in (("title", 2048), ("section", 2048), ("url", 4096), ("source", 512),
                                 ("source_url", 4096), ("published", 64), ("lang", 16), ("outlet", 512)):
                varchar(s, name, length)
            varchar(s, "terms")
            s.add_field("born", DataType.INT64)
            s.add_field("dead", DataType.INT64)
            s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
            s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)

        def sentences(s):
            varchar(s, "pk", 128, is_primary=True)
            varchar(s, "library", 128, is_partition_key=True)
            s.add_field("pid", DataType.INT64)
            s.add_field("start", DataType.INT64)
            s.add_field("end", DataType.INT64)
            s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)

        with self._lock, self.errors():
            existing = set(self.client.list_collections(timeout=self.timeout))
            flat = ("FLAT", "IP")
            if None not in self._ready:
                create(META, meta, {"v": flat})
                create(DOCUMENTS, documents, {"v": flat})
                self._ready.add(None)
            if dim is None:
                return
            # Exact dense search, as the embedded store's below its ANN threshold; a cluster may
            # re-index the field (HNSW, IVF) without citebot noticing.
            create(passages_collection(dim), passages,
                   {"dense": flat, "sparse": ("SPARSE_INVERTED_INDEX", "IP")})
            create(sentences_collection(dim), sentences, {"vector": flat})
            self._ready.add(dim)


def _reason(exc) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:300]
