"""Process-wide allocator settings for a long-running engine (glibc only; a no-op elsewhere)."""
from __future__ import annotations

import ctypes


def pin_malloc_thresholds() -> None:
    """Pin glibc's mmap/trim thresholds at their defaults (1 MiB / 128 KiB) instead of letting them
    grow: once one big block is freed they rise, and every thread arena then keeps a large free top
    chunk that malloc_trim never returns, so a serving process would grow with each ingest
    (README, Measured: the soak figures). Fixed, big blocks are mmapped and handed back."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD (setting it also stops the dynamic growth)
        libc.mallopt(-1, 128 << 10)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        pass
