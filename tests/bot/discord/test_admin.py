"""/admin ingest, remove and stats, and the Manage Server check."""

from __future__ import annotations

import json
import threading

from bot.discord.cogs.admin import safe_filename

from .conftest import LIBRARY_QUESTION
from .fake_discord import ADMIN_ID, EPHEMERAL, GUILD_ID, MANAGE_GUILD, MEMBER_ID

NEW_ARTICLE = b"""---
title: Harbour lighthouse gets a new lamp
url: https://gazette.example.org/harbour/lighthouse-lamp
date: 2025-10-20
source: Riverside Gazette
---

# New lamp

The old harbour lighthouse switched on an LED lamp on October 20. The lamp uses a tenth of the power of the bulb it replaced and can be seen 30 kilometres out at sea.
"""


def listed_titles(env):
    """The titles a question in the test server can be answered from: its own library and the shared one."""
    return {s.title for s in env.engine.sources(env.config.libraries(GUILD_ID))}


def test_admin_commands_are_registered_for_manage_server_only(env):
    """The synced /admin group carries default_member_permissions = MANAGE_GUILD and is guild-only."""

    async def scenario(fake, bot):
        (admin,) = [c for c in fake.commands[bot.config.guild_ids[0]] if c["name"] == "admin"]
        assert int(admin["default_member_permissions"]) == MANAGE_GUILD
        assert admin["contexts"] == [0]  # guild only
        assert {o["name"] for o in admin["options"]} == {
            "ingest", "remove", "stats", "gaps", "forget", "follow", "unfollow", "feeds"}

    env.run(scenario)


def test_member_without_manage_server_is_refused_politely(env):
    """A member lacking Manage Server gets an ephemeral refusal from each /admin command and nothing changes."""
    before = listed_titles(env)

    async def scenario(fake, bot):
        attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
        for subcommand, options in (
            ("ingest", {"file": attachment}),
            ("remove", {"path_or_title": "Riverside Library reopens after two-year renovation"}),
            ("stats", {}),
            ("gaps", {}),
            ("forget", {"members": {"user": ADMIN_ID}}),
        ):
            (reply,) = await fake.replies(await fake.slash("admin", subcommand=subcommand, user=MEMBER_ID, **options))
            assert reply.message["flags"] & EPHEMERAL
            assert "only members with the Manage Server permission" in reply.message["content"]

    env.run(scenario)
    assert listed_titles(env) == before
    assert not env.config.articles_dir.exists()


def test_ingest_saves_the_attachment_and_indexes_it(env):
    """/admin ingest downloads the attachment into the managed articles folder, ingests it, and reports what was added."""

    async def scenario(fake, bot):
        attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
        handle = await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment)
        (reply,) = await fake.replies(handle)
        assert fake.for_interaction(handle)[0].json["data"]["flags"] & EPHEMERAL and reply.message["flags"] & EPHEMERAL
        assert "Added: lighthouse.md" in reply.message["content"]

    env.run(scenario)
    assert (env.config.articles_dir / f"guild-{GUILD_ID}" / "lighthouse.md").read_bytes() == NEW_ARTICLE
    assert "Harbour lighthouse gets a new lamp" in listed_titles(env)


def test_ingest_refuses_other_file_types(env):
    """/admin ingest with a file that is not .txt/.md/.html is refused politely without downloading it."""

    async def scenario(fake, bot):
        attachment = fake.add_attachment("photo.png", b"\x89PNG")
        (reply,) = await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment))
        assert reply.message["flags"] & EPHEMERAL and ".txt, .md, .html" in reply.message["content"]

    env.run(scenario)
    assert not env.config.articles_dir.exists()


def test_ingest_runs_off_the_event_loop_and_answers_keep_flowing(env):
    """While an ingest is still running, /ask is answered; the ingest then finishes and reports."""
    env.engine.ingest_gate = threading.Event()

    async def scenario(fake, bot):
        attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
        ingest = await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment)
        await fake.wait_for(
            lambda: env.config.articles_dir.joinpath(f"guild-{GUILD_ID}", "lighthouse.md").exists(), what="the upload to be saved"
        )
        (answer,) = await fake.replies(
            await fake.slash("ask", question=LIBRARY_QUESTION)
        )
        assert "[1]" in answer.message["content"]
        assert not [r for r in fake.for_interaction(ingest) if r.sends_message]
        env.engine.ingest_gate.set()
        (report,) = await fake.replies(ingest)
        assert "Added: lighthouse.md" in report.message["content"]

    env.run(scenario)


def test_remove_by_title_drops_article_and_its_uploaded_file(env):
    """/admin remove with an article's title removes it from the index and deletes the uploaded copy, naming
    its file but not the server's folder."""

    async def scenario(fake, bot):
        attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
        await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment))
        (reply,) = await fake.replies(
            await fake.slash(
                "admin", subcommand="remove", user=ADMIN_ID, path_or_title="harbour lighthouse gets a new lamp"
            )
        )
        assert reply.message["content"] == "Removed Harbour lighthouse gets a new lamp (lighthouse.md)."

    env.run(scenario)
    assert "Harbour lighthouse gets a new lamp" not in listed_titles(env)
    assert not (env.config.articles_dir / f"guild-{GUILD_ID}" / "lighthouse.md").exists()


def test_remove_by_file_name_and_unknown_target(env):
    """/admin remove accepts a file name of the server's own library; a name matching nothing there, or
    naming an article of the shared library, is reported and removes nothing."""

    async def scenario(fake, bot):
        (missing,) = await fake.replies(
            await fake.slash("admin", subcommand="remove", user=ADMIN_ID, path_or_title="nope.txt")
        )
        assert missing.message["content"] == "No article matches 'nope.txt'."
        (shared,) = await fake.replies(
            await fake.slash("admin", subcommand="remove", user=ADMIN_ID, path_or_title="kawane_railway_ja.txt")
        )
        assert shared.message["content"] == "No article matches 'kawane_railway_ja.txt'."
        attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
        await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment))
        (removed,) = await fake.replies(
            await fake.slash("admin", subcommand="remove", user=ADMIN_ID, path_or_title="lighthouse.md")
        )
        assert removed.message["content"].startswith("Removed Harbour lighthouse")

    env.run(scenario)
    assert len(listed_titles(env)) == 3 and "Harbour lighthouse gets a new lamp" not in listed_titles(env)


def test_stats_shows_index_and_feedback_counts(env):
    """/admin stats shows the engine's stats (articles, passages, model) and the feedback counts, privately,
    and never the index folder's place on the server's disk."""

    async def scenario(fake, bot):
        await fake.replies(
            await fake.slash("ask", question=LIBRARY_QUESTION)
        )
        (reply,) = await fake.replies(await fake.slash("admin", subcommand="stats", user=ADMIN_ID))
        fields = {f["name"]: f["value"] for f in reply.message["embeds"][0]["fields"]}
        assert fields["articles"] == "3" and int(fields["passages"]) >= 3 and fields["model"]
        assert fields["answers"] == "1" and fields["votes_up"] == "0"
        assert "index_dir" not in fields and str(env.config.index_dir) not in json.dumps(reply.message)

    env.run(scenario)


def test_safe_filename_keeps_name_and_extension_only():
    """Uploaded names lose directories and odd characters but keep Japanese letters and the checked extension."""
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("ニュース 記事 (1).md") == "ニュース_記事_1.md"
    assert safe_filename(".md") == "article.md"
    assert safe_filename("C:\\docs\\page.HTML") == "page.html"


HARBOUR_QUESTION = "What kind of lamp does the harbour lighthouse get?"
HARBOUR_URL = "gazette.example.org/harbour"


async def upload_here_ask_there(fake, other: int):
    """Upload the lighthouse article in GUILD_ID (which then answers with it); return the other server's
    /ask reply, after checking its /cite and /sources never show the article."""
    attachment = fake.add_attachment("lighthouse.md", NEW_ARTICLE)
    await fake.replies(await fake.slash("admin", subcommand="ingest", user=ADMIN_ID, file=attachment))
    (here,) = await fake.replies(await fake.slash("ask", question=HARBOUR_QUESTION))
    assert HARBOUR_URL in json.dumps(here.message)
    for command, option in (("cite", {"claim": "The harbour lighthouse gets a new lamp"}), ("sources", {})):
        (reply,) = await fake.replies(await fake.slash(command, guild=other, **option))
        assert HARBOUR_URL not in json.dumps(reply.message) and "Harbour lighthouse" not in json.dumps(reply.message)
    (there,) = await fake.replies(await fake.slash("ask", question=HARBOUR_QUESTION, guild=other))
    assert HARBOUR_URL not in json.dumps(there.message) and "Harbour lighthouse" not in json.dumps(there.message)
    return there


def test_one_servers_uploads_never_reach_another_server(env):
    """An article uploaded in one server answers there; in another server /ask, /cite and /sources never show it."""
    other = GUILD_ID + 1

    async def scenario(fake, bot):
        await upload_here_ask_there(fake, other)

    env.run(scenario)
    assert env.engine.libraries[-1] == (f"guild-{other}", "default")
