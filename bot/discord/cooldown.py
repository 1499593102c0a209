"""Per-user cooldown between engine queries, shared by /ask, /cite, "Find sources" and mentions.

Kept on the bot instance rather than in discord.py's decorator so that its state
lives and dies with the bot (and each test's bot starts fresh).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from .bot import CitebotBot


class UserCooldowns:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[int, float] = {}

    def hit(self, user_id: int) -> float:
        """0 and start a new wait when `user_id` may query now, else the seconds still to wait."""
        if self.seconds <= 0:
            return 0.0
        now = time.monotonic()
        wait = self._last.get(user_id, -math.inf) + self.seconds - now
        if wait > 0:
            return wait
        self._last[user_id] = now
        return 0.0


async def cooldown_check(interaction: discord.Interaction[CitebotBot]) -> bool:
    """App-command check: raises CommandOnCooldown, which the tree's error handler answers politely."""
    cooldowns = interaction.client.cooldowns
    wait = cooldowns.hit(interaction.user.id)
    if wait > 0:
        raise app_commands.CommandOnCooldown(app_commands.Cooldown(1, cooldowns.seconds), wait)
    return True
