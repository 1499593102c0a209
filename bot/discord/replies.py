"""Replying to interactions safely: never pinging, never raising out of an error path."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence

import discord
from discord import app_commands

from index.text.language import detect_lang
from index.errors import CitebotError, IndexCorrupt, StoreUnavailable

from . import strings

log = logging.getLogger(__name__)

# Article text is quoted verbatim and may contain @everyone or role mentions: nothing the bot sends may ping.
NO_MENTIONS = discord.AllowedMentions.none()


def interaction_lang(interaction: discord.Interaction) -> str:
    """The reply language: that of the question or claim typed, else the user's Discord locale."""
    namespace = interaction.namespace
    typed = getattr(namespace, "question", None) or getattr(namespace, "claim", None)
    if isinstance(typed, str) and typed.strip():
        return detect_lang(typed)
    return strings.locale_lang(interaction.locale)


async def send_ephemeral(
    interaction: discord.Interaction, content: str | None = None, embeds: Sequence[discord.Embed] = ()
) -> None:
    """Answer privately, whether or not the interaction was already responded to or deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(
            content or "", embeds=list(embeds), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.response.send_message(
            content, embeds=list(embeds), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def reply_to_error(interaction: discord.Interaction, error: Exception) -> None:
    """A polite reply for an expected refusal, an apology (and a log line) for anything else."""
    lang = interaction_lang(interaction)
    if isinstance(error, app_commands.CommandOnCooldown):
        message = strings.text(lang, "cooldown", seconds=max(1, round(error.retry_after)))
    elif isinstance(error, CitebotError) and (worded := strings.engine_problem(lang, error)) is not None:
        # What the bot's own checks let through (e.g. only zero-width characters) the engine
        # refuses; a busy, read-only or damaged index is said plainly (and a damaged one logged).
        if isinstance(error, IndexCorrupt):
            log.error("the index is damaged: %s", error)
        elif isinstance(error, StoreUnavailable):
            log.error("the store is unavailable: %s", error)
        message = worded
    elif isinstance(error, app_commands.CheckFailure):
        # Missing Manage Server (or an admin command outside a server): a refusal, not a bug.
        message = strings.text(lang, "denied")
    else:
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error("%s failed for user %s", command, interaction.user.id, exc_info=error)
        message = strings.text(lang, "apology")
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException as exc:
        # The interaction may have expired; there is no one left to tell.
        log.warning("could not deliver the error reply: %s", exc)


async def guarded(interaction: discord.Interaction, action: Awaitable[None]) -> None:
    """Run a component callback so that a failure apologises instead of only reaching discord.py's log."""
    try:
        await action
    except Exception as exc:
        await reply_to_error(interaction, exc)
