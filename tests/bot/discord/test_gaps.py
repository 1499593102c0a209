"""Coverage gaps for admins: declined questions and 👎 recorded per server, /admin gaps, the /admin stats chart,
/admin forget, and the purge of old feedback."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime, timedelta

from bot.discord.feedback import FeedbackStore

from .conftest import LIBRARY_QUESTION
from .fake_discord import ADMIN_ID, EPHEMERAL, GUILD_ID, MEMBER_ID
from .test_buttons import ask

GAP = "When does the zoo open its new penguin house?"


def test_gaps_lists_this_servers_declined_questions_and_down_votes(env):
    """Declined questions (counted across case and spacing, most frequent first) and 👎 answers of this server
    are listed to an admin, privately; another server's declined question is not."""
    env.engine.declines = ("zoo", "ferry")

    async def scenario(fake, bot):
        for question in (GAP, GAP.upper(), "When does the ferry   leave?"):
            await fake.replies(await fake.slash("ask", question=question))
        await fake.replies(await fake.slash("ask", question="Is the zoo ferry secret?", guild=GUILD_ID + 1))
        message_id, buttons = await ask(fake, LIBRARY_QUESTION)
        await fake.replies(await fake.click(message_id, buttons["vote:down"], user=MEMBER_ID))
        handle = await fake.slash("admin", subcommand="gaps", user=ADMIN_ID, days=7)
        (reply,) = await fake.replies(handle)
        assert fake.for_interaction(handle)[0].json["data"]["flags"] & EPHEMERAL
        declined, down = reply.message["embeds"][0]["fields"]
        lines = declined["value"].splitlines()
        # Shown as last asked: which spelling that is depends on whether the two asks fell in one second.
        assert lines[0].casefold().startswith("• when does the zoo open") and "×2" in lines[0]
        assert "ferry leave" in lines[1] and "×1" in lines[1] and "secret" not in declined["value"]
        assert LIBRARY_QUESTION in down["value"] and "[1]" in down["value"] and "×1" in down["value"]
        assert reply.message["embeds"][0]["title"] == "Coverage gaps, last 7 days"

    env.run(scenario)


def test_gaps_speak_japanese_and_say_when_there_are_none(env):
    """With nothing recorded, /admin gaps says so in each section, in Japanese for a ja client."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("admin", subcommand="gaps", user=ADMIN_ID, locale="ja"))
        fields = reply.message["embeds"][0]["fields"]
        assert [f["value"] for f in fields] == ["ありません。", "ありません。"]
        assert fields[0]["name"].startswith("答えられなかった質問")

    env.run(scenario)


def png_text(png: bytes) -> dict[str, str]:
    """A PNG's tEXt chunks, read chunk by chunk (length, type, data, CRC)."""
    out, at = {}, 8
    while at < len(png):
        (length,), kind = struct.unpack(">I", png[at:at + 4]), png[at + 4:at + 8]
        if kind == b"tEXt":
            key, _, value = png[at + 8:at + 8 + length].partition(b"\x00")
            out[key.decode("latin-1")] = value.decode("latin-1")
        at += 12 + length
    return out


def test_stats_attaches_a_chart_of_questions_per_day(env):
    """/admin stats attaches a PNG chart (shown as the embed's image) of the last 30 days' questions, its counts in the PNG's data."""
    env.engine.declines = ("zoo",)

    async def scenario(fake, bot):
        await fake.replies(await fake.slash("ask", question=GAP))
        await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        (reply,) = await fake.replies(await fake.slash("admin", subcommand="stats", user=ADMIN_ID))
        assert reply.message["embeds"][0]["image"]["url"] == "attachment://questions.png"
        assert reply.message["flags"] & EPHEMERAL
        (png,) = reply.files
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (800, 320)
        plotted = json.loads(png_text(png)["Description"])
        assert len(plotted) == 30 and plotted[-1][1:] == [1, 1] and sum(a + d for _, a, d in plotted) == 2

    env.run(scenario)
    days = FeedbackStore(env.config.feedback_path).daily(GUILD_ID, 30)
    assert len(days) == 30 and (days[-1].answered, days[-1].declined) == (1, 1)


def test_forget_removes_a_members_votes_in_this_server_only(env):
    """/admin forget user: deletes that member's votes cast in this server, keeps others', and says how many."""

    async def scenario(fake, bot):
        message_id, buttons = await ask(fake, LIBRARY_QUESTION)
        await fake.replies(await fake.click(message_id, buttons["vote:down"], user=MEMBER_ID))
        await fake.replies(await fake.click(message_id, buttons["vote:up"], user=ADMIN_ID))
        handle = await fake.slash("admin", subcommand="forget", user=ADMIN_ID, members={"user": MEMBER_ID})
        (reply,) = await fake.replies(handle)
        assert reply.message["content"] == f"Removed 1 vote(s) by <@{MEMBER_ID}> in this server."
        assert reply.message["flags"] & EPHEMERAL

    env.run(scenario)
    assert [v.user_id for v in FeedbackStore(env.config.feedback_path).votes()] == [ADMIN_ID]


def test_old_feedback_is_purged_when_the_bot_starts(env):
    """A declined question older than CITEBOT_FEEDBACK_DAYS (inserted with an old timestamp) is gone once the bot
    has started; one a day inside the period stays."""
    store = FeedbackStore(env.config.feedback_path)
    store.init()
    now = datetime.now(UTC)
    with store._connect() as db:
        for question, age in (("old question", env.config.feedback_days + 1), ("recent question", 1)):
            db.execute("INSERT INTO declined (guild_id, question, asked_at) VALUES (?, ?, ?)",
                       (GUILD_ID, question, (now - timedelta(days=age)).isoformat(timespec="seconds")))

    async def scenario(fake, bot):
        await fake.wait_for(lambda: len(store.gaps(None, 3650)[0]) == 1, what="the purge at start")

    env.run(scenario)
    assert [gap.question for gap in store.gaps(None, 3650)[0]] == ["recent question"]
