"""Buttons that survive restarts.

Each is a `DynamicItem`: its custom_id carries all the state it needs (an answer id
looked up in SQLite, or a page number), and the bot registers the classes at setup,
so a click on a message sent before a restart still reaches a handler.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from . import render, strings
from .replies import NO_MENTIONS, guarded, send_ephemeral
from index.types import SourceInfo

if TYPE_CHECKING:
    from .bot import CitebotBot


class PassagesButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"citebot:passages:(?P<answer_id>[0-9a-f]{16})"
):
    """Shows the passages an answer cites, to the clicker only."""

    def __init__(self, answer_id: str, label: str = "Show passages") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="📄", style=discord.ButtonStyle.secondary, custom_id=f"citebot:passages:{answer_id}"
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[CitebotBot], item: discord.ui.Button, match: re.Match[str]
    ) -> PassagesButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction[CitebotBot]) -> None:
        await guarded(interaction, self._show(interaction))

    async def _show(self, interaction: discord.Interaction[CitebotBot]) -> None:
        stored = await asyncio.to_thread(interaction.client.feedback.load_answer, self.answer_id)
        if stored is None:
            await send_ephemeral(interaction, strings.text(strings.locale_lang(interaction.locale), "answer_gone"))
            return
        await send_ephemeral(interaction, embeds=render.render_passages(stored.citations, stored.lang))


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"citebot:vote:(?P<vote>up|down):(?P<answer_id>[0-9a-f]{16})"
):
    """👍/👎 on an answer, stored with the voter, question and answer."""

    def __init__(self, vote: str, answer_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"citebot:vote:{vote}:{answer_id}",
            )
        )
        self.vote = vote
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[CitebotBot], item: discord.ui.Button, match: re.Match[str]
    ) -> VoteButton:
        return cls(match["vote"], match["answer_id"])

    async def callback(self, interaction: discord.Interaction[CitebotBot]) -> None:
        await guarded(interaction, self._record(interaction))

    async def _record(self, interaction: discord.Interaction[CitebotBot]) -> None:
        store = interaction.client.feedback
        stored = await asyncio.to_thread(
            store.record_vote, self.answer_id, interaction.user.id, self.vote, interaction.guild_id
        )
        lang = stored.lang if stored else strings.locale_lang(interaction.locale)
        await send_ephemeral(interaction, strings.text(lang, "thanks" if stored else "answer_gone"))


class SourcesPageButton(discord.ui.DynamicItem[discord.ui.Button], template=r"citebot:sources:(?P<page>\d+)"):
    """◀/▶ on the /sources list: turns the shared message to another page."""

    def __init__(self, page: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"citebot:sources:{page}", disabled=disabled
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[CitebotBot], item: discord.ui.Button, match: re.Match[str]
    ) -> SourcesPageButton:
        return cls(int(match["page"]), item.label or "")

    async def callback(self, interaction: discord.Interaction[CitebotBot]) -> None:
        await guarded(interaction, self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction[CitebotBot]) -> None:
        await interaction.response.defer()
        sources = await interaction.client.runner.sources(interaction.client.config.libraries(interaction.guild_id))
        embed, view = sources_message(sources, self.page, strings.locale_lang(interaction.locale))
        await interaction.edit_original_response(embed=embed, view=view, allowed_mentions=NO_MENTIONS)


def answer_view(answer_id: str, lang: str, *, with_passages: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if with_passages:
        view.add_item(PassagesButton(answer_id, strings.text(lang, "show_passages")))
    view.add_item(VoteButton("up", answer_id))
    view.add_item(VoteButton("down", answer_id))
    return view


def sources_message(
    sources: Sequence[SourceInfo], page: int, lang: str
) -> tuple[discord.Embed, discord.ui.View | None]:
    """A page of /sources (in Store.sources' order, which /source n reads back) and its ◀/▶ buttons."""
    pages = render.page_count(len(sources))
    page = min(max(page, 1), pages)
    embed = render.render_sources_page(sources, page, lang)
    if pages == 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(SourcesPageButton(page - 1, "◀", disabled=page == 1))
    view.add_item(SourcesPageButton(page + 1, "▶", disabled=page == pages))
    return embed, view


DYNAMIC_ITEMS = (PassagesButton, VoteButton, SourcesPageButton)
