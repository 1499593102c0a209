"""The event loop stays free while the engine works: the gateway heartbeat never stalls."""

from __future__ import annotations

import asyncio
import time

from .engine_double import make_answer, make_citation

INTERVAL = 0.2
CONCURRENT = 20


def test_twenty_concurrent_asks_with_a_slow_engine_keep_the_heartbeat(env):
    """20 simultaneous /ask on an engine blocking 0.5 s each: heartbeats keep arriving (no gap over 2x the interval) and all 20 get answers."""
    env.engine.delay = 0.5
    env.engine.answer = make_answer([("The library reopened on June 2.", 1)], [make_citation(1)])

    async def scenario(fake, bot):
        start = time.monotonic()
        handles = await asyncio.gather(
            *(fake.slash("ask", question=f"Question {i} about the library?") for i in range(CONCURRENT))
        )
        replies = await asyncio.gather(*(fake.replies(h, timeout=20) for h in handles))
        end = time.monotonic()
        assert all("[1]" in reply.message["content"] for (reply,) in replies)
        beats = [t for t in fake.heartbeats if start <= t <= end]
        gaps = [b - a for a, b in zip([start, *beats], [*beats, end], strict=True)]
        assert end - start >= 1.0, "the engine delay should make this take a while"
        assert max(gaps) <= 2 * INTERVAL + 0.1, f"heartbeat stalled: longest gap {max(gaps):.2f}s"
        assert len(beats) >= (end - start) / INTERVAL * 0.7

    env.run(scenario, heartbeat_interval=INTERVAL)
    assert len(env.engine.asked) == CONCURRENT
