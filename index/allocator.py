"""Process-wide allocator settings for a long-running engine (glibc only; a no-op elsewhere)."""
from __future__ import annotations

import ctypes


def pin_malloc_thresholds() -> None:
    """Pin glibc's mmap/trim thresholds at their defaults (1 MiB / 128 KiB) instead of letting them
    grow. Freeing one big block (an ingest's embedding or BM25 buffers) raises them up to 32/64 MB;
    after that each thread arena an ingest or question thread lands on keeps a free top chunk of
    ~30 MB that malloc_trim never returns for non-main arenas: RSS grew ~32 MB per soak run, up to
    8 arenas per core. With fixed thresholds big blocks are mmapped and freed back to the OS."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD (setting it also stops the dynamic growth)
        libc.mallopt(-1, 128 << 10)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        pass
