"""The answer's buttons: Show passages, 👍/👎, and both after a bot restart."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.discord.feedback import FeedbackStore

from .conftest import LIBRARY_QUESTION
from .engine_double import make_answer, make_citation
from .fake_discord import ADMIN_ID, CHANNEL_MESSAGE, EPHEMERAL, MEMBER_ID

QUESTION = LIBRARY_QUESTION


async def ask(fake, question=QUESTION):
    """Run /ask and return (answer message id, {button kind: custom_id})."""
    (reply,) = await fake.replies(await fake.slash("ask", question=question))
    message_id = max(fake.messages)  # the followup is the newest message
    assert fake.messages[message_id]["content"] == reply.message["content"]
    return message_id, {":".join(cid.split(":")[1:-1]): cid for cid in reply.custom_ids()}


def test_show_passages_reveals_cited_passages_ephemerally(env):
    """Show passages answers privately (flag 64) with one embed per cited passage: its text quoted, the cited sentence in bold, its title linking to the source."""
    env.engine.answer = make_answer(
        [("Doors open at nine.", 1)],
        [make_citation(1, passage="Doors open at nine.\nBring a card.", url="https://example.org/lib", role="cited",
                       quote="Doors open at nine.")],
    )

    async def scenario(fake, bot):
        message_id, buttons = await ask(fake)
        (shown,) = await fake.replies(await fake.click(message_id, buttons["passages"]))
        assert shown.json["type"] == CHANNEL_MESSAGE and shown.message["flags"] & EPHEMERAL
        (embed,) = shown.message["embeds"]
        assert embed["description"] == "> **Doors open at nine.** Bring a card."
        assert embed["url"] == "https://example.org/lib" and embed["title"].startswith("[1] ")

    env.run(scenario)


def test_votes_are_recorded_with_user_question_answer_and_time(env):
    """👍 and 👎 store (user id, question, answer, vote, time) in SQLite, thank the voter privately, and a changed vote replaces the old one."""

    async def scenario(fake, bot):
        message_id, buttons = await ask(fake)
        (thanks,) = await fake.replies(await fake.click(message_id, buttons["vote:up"], user=MEMBER_ID))
        assert thanks.message["flags"] & EPHEMERAL and "Thanks" in thanks.message["content"]
        await fake.replies(await fake.click(message_id, buttons["vote:down"], user=ADMIN_ID))
        await fake.replies(await fake.click(message_id, buttons["vote:down"], user=MEMBER_ID))

    env.run(scenario)
    votes = {v.user_id: v for v in FeedbackStore(env.config.feedback_path).votes()}
    assert {uid: v.vote for uid, v in votes.items()} == {MEMBER_ID: "down", ADMIN_ID: "down"}
    vote = votes[MEMBER_ID]
    assert vote.question == QUESTION and "[1]" in vote.answer and vote.voted_at.startswith("20")


def test_buttons_keep_working_after_restart(env):
    """A new bot instance over the same DB handles clicks on an answer sent by the previous instance (passages and votes)."""

    async def scenario(fake):
        async with env.bot(fake):
            message_id, buttons = await ask(fake)
        async with env.bot(fake):
            (shown,) = await fake.replies(await fake.click(message_id, buttons["passages"]))
            assert shown.message["embeds"] and shown.message["flags"] & EPHEMERAL
            (thanks,) = await fake.replies(await fake.click(message_id, buttons["vote:up"]))
            assert "Thanks" in thanks.message["content"]

    fake = env.run_raw(scenario)
    assert len(fake.identifies) == 2
    assert [v.vote for v in FeedbackStore(env.config.feedback_path).votes()] == ["up"]


def test_unknown_answer_id_gets_a_polite_reply(env):
    """A button whose answer is missing from the DB (e.g. the DB was reset) says so instead of failing."""

    async def scenario(fake, bot):
        message_id, buttons = await ask(fake)
        await asyncio.to_thread(_forget_answers, env.config.feedback_path)
        (reply,) = await fake.replies(await fake.click(message_id, buttons["passages"]))
        assert "no longer" in reply.message["content"] and reply.message["flags"] & EPHEMERAL

    env.run(scenario)


def _forget_answers(path):
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM answers")


def test_button_failure_apologises_and_is_logged(env, log_errors):
    """If a button handler fails (here: the feedback DB), the clicker gets a private apology and the error is logged."""
    log_errors.allow("database is gone")

    async def scenario(fake, bot):
        message_id, buttons = await ask(fake)

        def broken(*args):
            raise sqlite3.OperationalError("database is gone")

        bot.feedback.record_vote = broken
        (reply,) = await fake.replies(await fake.click(message_id, buttons["vote:up"]))
        assert reply.message["flags"] & EPHEMERAL and reply.message["content"].startswith("Sorry, something went wrong")

    env.run(scenario)
    assert [r.name for r in log_errors.records] == ["bot.discord.replies"]
