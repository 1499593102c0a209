"""/admin ingest|remove|stats|gaps|forget|follow|unfollow|feeds, for members with Manage Server."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from index.errors import CitebotError, FetchError
from index.web.fetch import Fetcher
from index.web.pages import fetch_page

from .. import render, strings
from ..chart import CHART_FILE, questions_chart
from ..completion import complete_titles, removal_value
from ..replies import NO_MENTIONS, send_ephemeral

if TYPE_CHECKING:
    from ..bot import CitebotBot

log = logging.getLogger(__name__)

INGESTIBLE = (".txt", ".md", ".html")
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
CHART_DAYS = 30


# default_permissions only hides the group in Discord's UI (and server admins can change it);
# interaction_check below is what actually enforces Manage Server.
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class AdminCog(commands.GroupCog, group_name="admin", group_description="Manage the article library."):
    def __init__(self, bot: CitebotBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[CitebotBot]) -> bool:
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.command(name="ingest", description="Add or update an article: a file (.txt, .md, .html) or a page's URL.")
    @app_commands.describe(file="The article file", url="The http(s) URL of an article page")
    async def ingest(self, interaction: discord.Interaction[CitebotBot], file: discord.Attachment | None = None,
                     url: str | None = None) -> None:
        lang = strings.locale_lang(interaction.locale)
        if (file is None) == (not url):
            await send_ephemeral(interaction, strings.text(lang, "admin_ingest_what"))
            return
        if file is None:
            await self._ingest_url(interaction, url.strip())
            return
        if not file.filename.lower().endswith(INGESTIBLE) or file.size > MAX_UPLOAD_BYTES:
            await send_ephemeral(interaction, strings.text(lang, "admin_bad_file", kinds=", ".join(INGESTIBLE),
                                                           mb=MAX_UPLOAD_BYTES // 2**20))
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        library = self.bot.config.own_library(interaction.guild_id)
        # Each server's uploads in a folder of their own: two servers' "news.txt" are two articles.
        path = self.bot.config.articles_dir / library / safe_filename(file.filename)
        data = await file.read()
        await asyncio.to_thread(_write, path, data)
        try:
            report = await self.bot.runner.ingest([path], library)
        except CitebotError as exc:
            reason = strings.engine_problem(lang, exc)
            if reason is None:
                raise  # an apology and a log line, from the tree's error handler
            await self._say(interaction, strings.text(lang, "admin_not_ingested", file=file.filename, reason=reason))
            return
        log.info("user %s ingested %s", interaction.user.id, path)
        await self._say(interaction, render.render_ingest_report(report))

    @app_commands.command(name="remove", description="Remove an article from the index, by path or title.")
    @app_commands.describe(path_or_title="The article's path, file name or exact title")
    async def remove(self, interaction: discord.Interaction[CitebotBot], path_or_title: str) -> None:
        # Only the server's own library: the shared one is the operator's.
        lang, library = await self._start(interaction)
        matches = await self.bot.runner.find(path_or_title, library)
        if len(matches) != 1:
            listed = "\n".join(f"- {s.title} ({render.file_name(s.path)})" for s in matches[:10])
            key = "admin_ambiguous" if matches else "admin_no_match"
            await self._say(interaction, strings.text(lang, key, listed=listed, wanted=path_or_title))
            return
        target = matches[0]
        removed = await self.bot.runner.remove(target.path, library)
        if removed:
            await asyncio.to_thread(self._forget_upload, Path(target.path))
            log.info("user %s removed %s", interaction.user.id, target.path)
        key = "admin_removed" if removed else "admin_not_indexed"
        await self._say(interaction, strings.text(lang, key, title=target.title, path=render.file_name(target.path)))

    @remove.autocomplete("path_or_title")
    async def remove_titles(self, interaction: discord.Interaction[CitebotBot], current: str) -> list[app_commands.Choice[str]]:
        """The server's own articles (never the shared library's) matching what the admin typed."""
        library = self.bot.config.own_library(interaction.guild_id)
        if library is None or not interaction.permissions.manage_guild:
            return []
        return await complete_titles(self.bot.runner, (library,), current, removal_value)

    @app_commands.command(name="stats", description="Index and feedback statistics, and a chart of the last 30 days.")
    async def stats(self, interaction: discord.Interaction[CitebotBot]) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        stats = await self.bot.runner.stats(self.bot.config.libraries(interaction.guild_id))
        feedback = await asyncio.to_thread(self.bot.feedback.counts, interaction.guild_id)  # this server's only
        days = await asyncio.to_thread(self.bot.feedback.daily, interaction.guild_id, CHART_DAYS)
        chart = await asyncio.to_thread(questions_chart, days)
        embed = render.render_stats({**stats, **feedback})
        embed.set_image(url=f"attachment://{CHART_FILE}")
        await interaction.followup.send(
            embed=embed, file=discord.File(io.BytesIO(chart), CHART_FILE), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="gaps", description="Questions this server's articles could not answer, and answers voted 👎.")
    @app_commands.describe(days="How many days back to look (default 30)")
    async def gaps(self, interaction: discord.Interaction[CitebotBot], days: app_commands.Range[int, 1, 3650] = 30) -> None:
        lang, _ = await self._start(interaction)
        declined, down = await asyncio.to_thread(self.bot.feedback.gaps, interaction.guild_id, days)
        await interaction.followup.send(
            embed=render.render_gaps(declined, down, days, lang), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="forget", description="Delete a member's 👍/👎 votes in this server.")
    @app_commands.describe(user="The member whose votes to delete")
    async def forget(self, interaction: discord.Interaction[CitebotBot], user: discord.User) -> None:
        lang, _ = await self._start(interaction)
        count = await asyncio.to_thread(self.bot.feedback.forget_user, user.id, interaction.guild_id)
        log.info("user %s had the votes of user %s in guild %s deleted (%d)",
                 interaction.user.id, user.id, interaction.guild_id, count)
        await self._say(interaction, strings.text(lang, "admin_forgot", count=count, user=user.mention))

    async def _ingest_url(self, interaction: discord.Interaction[CitebotBot], url: str) -> None:
        lang, library = await self._start(interaction)
        try:
            doc = await asyncio.to_thread(fetch_page, Fetcher(self.bot.config.fetch), url)
        except FetchError as exc:
            await self._say(interaction, strings.fetch_problem(lang, exc))
            return
        report = await self.bot.runner.ingest([], library, documents=[doc])
        log.info("user %s ingested %s", interaction.user.id, doc.path)
        await self._say(interaction, render.render_ingest_report(report))

    @app_commands.command(name="follow", description="Follow an RSS or Atom feed: its new articles are indexed.")
    @app_commands.describe(url="The feed's http(s) URL")
    async def follow(self, interaction: discord.Interaction[CitebotBot], url: str) -> None:
        lang, library = await self._start(interaction)
        url = url.strip()
        try:
            new = await asyncio.to_thread(self.bot.feeds.poller.follow, url, library)
        except FetchError as exc:
            await self._say(interaction, strings.fetch_problem(lang, exc))
            return
        log.info("user %s followed %s into %s", interaction.user.id, url, library)
        report = await self.bot.feeds.poll(url, library)
        self.bot.feeds.wake()
        head = strings.text(lang, "feed_followed" if new else "feed_already", url=url)
        await self._say(interaction, head + ("\n" + render_poll(lang, report) if report else ""))

    @app_commands.command(name="unfollow", description="Stop following a feed (its articles stay).")
    @app_commands.describe(url="The feed's URL, as /admin feeds lists it")
    async def unfollow(self, interaction: discord.Interaction[CitebotBot], url: str) -> None:
        lang, library = await self._start(interaction)
        poller = self.bot.feeds.poller
        state = await asyncio.to_thread(poller.store.get, url.strip(), library)
        if state is None or not await asyncio.to_thread(poller.unfollow, url, library):
            await self._say(interaction, strings.text(lang, "feed_not_followed", url=url))
            return
        log.info("user %s unfollowed %s in %s", interaction.user.id, url, library)
        await self._say(interaction, strings.text(lang, "feed_unfollowed", url=state.url, articles=state.articles))

    @app_commands.command(name="feeds", description="The feeds this server follows and how their last poll went.")
    async def feeds(self, interaction: discord.Interaction[CitebotBot]) -> None:
        lang, library = await self._start(interaction)
        feeds = await self.bot.feeds.feeds(library)
        if not feeds:
            await self._say(interaction, strings.text(lang, "feeds_empty"))
            return
        await self._say(interaction, "\n\n".join(render_feed(lang, n, f) for n, f in enumerate(feeds, 1)))

    async def _start(self, interaction: discord.Interaction[CitebotBot]) -> tuple[str, str]:
        """Defer privately; the reader's language and the server's own library (what its admins change)."""
        await interaction.response.defer(thinking=True, ephemeral=True)
        return strings.locale_lang(interaction.locale), self.bot.config.own_library(interaction.guild_id)

    def _forget_upload(self, path: Path) -> None:
        """Delete an uploaded copy, so rebuilding the index from the articles folder won't bring it back."""
        articles = self.bot.config.articles_dir.resolve()
        if path.resolve().is_relative_to(articles):
            path.unlink(missing_ok=True)

    @staticmethod
    async def _say(interaction: discord.Interaction[CitebotBot], message: str) -> None:
        await interaction.followup.send(
            render.clip(message, render.CONTENT_LIMIT), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def render_poll(lang: str, report) -> str:  # noqa: ANN001 - index.types.PollReport
    """One poll's outcome in a few lines."""
    if report.error is not None:
        reason = (strings.fetch_reason(lang, report.error.kind, report.error.detail) if isinstance(report.error, FetchError)
                  else strings.engine_problem(lang, report.error) or strings.fetch_reason(lang, "internal", ""))
        return strings.text(lang, "poll_failed", reason=reason)
    if report.not_modified:
        return strings.text(lang, "poll_not_modified")
    ingest = report.ingest
    lines = [strings.text(lang, "poll_summary", entries=report.entries, new=report.new,
                          added=len(ingest.added) if ingest else 0, updated=len(ingest.updated) if ingest else 0)]
    if report.capped:
        lines.append(strings.text(lang, "poll_capped", taken=report.entries - report.capped, capped=report.capped))
    skipped = report.skipped + (ingest.skipped if ingest else [])
    lines += [strings.text(lang, "poll_skipped", where=where, reason=reason) for where, reason in skipped[:10]]
    return "\n".join(lines)


def render_feed(lang: str, n: int, feed) -> str:  # noqa: ANN001 - index.types.FeedState
    """A followed feed: its articles, when it was polled and will be, and whether it is failing."""
    def when(timestamp: float | None) -> str:
        return f"<t:{int(timestamp)}:R>" if timestamp else strings.text(lang, "never")

    status = strings.text(lang, "feed_ok") if not feed.error_kind else strings.text(
        lang, "feed_failing", failures=feed.failures, reason=strings.fetch_reason(lang, feed.error_kind, feed.error_detail))
    return strings.text(lang, "feeds_line", n=n, title=feed.title or feed.url, url=feed.url, articles=feed.articles,
                        polled=when(feed.last_polled), next=when(feed.next_poll), status=status)


def safe_filename(name: str) -> str:
    """The upload's own name, kept to word characters, with its (already checked) extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    suffix = next((ext for ext in INGESTIBLE if base.lower().endswith(ext)), "")
    stem = re.sub(r"[^\w\-]+", "_", base[: len(base) - len(suffix)]).strip("_")
    return (stem or "article") + suffix


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def setup(bot: CitebotBot) -> None:
    await bot.add_cog(AdminCog(bot))
