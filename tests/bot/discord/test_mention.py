"""Mentions: a question answered in a new thread, follow-ups answered in that thread, and mention safety."""

from __future__ import annotations

from dataclasses import replace

from .conftest import LIBRARY_QUESTION
from .engine_double import make_answer, make_citation
from .fake_discord import BOT_ID, CHANNEL_ID, MEMBER_ID, ROLE_ID

QUESTION = LIBRARY_QUESTION
HOSTILE = (
    f'On the town forum, an organiser wrote "@everyone the doors open at nine" and tagged the <@&{ROLE_ID}> volunteers.'
)


def channel_posts(fake, channel_id):
    return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"]


def test_mention_answers_in_a_new_thread_named_after_the_question(env):
    """@citebot <question> in a channel starts a thread from that message, named after the question, and posts the cited answer there."""

    async def scenario(fake, bot):
        asked = await fake.user_message(f"<@{BOT_ID}> {QUESTION}")
        (answer,) = await fake.wait_for(lambda: channel_posts(fake, asked["id"]), what="the answer in the thread")
        (thread,) = [r for r in fake.requests if r.path.endswith("/threads")]
        assert thread.path == f"/channels/{CHANNEL_ID}/messages/{asked['id']}/threads"
        assert thread.json["name"] == QUESTION
        assert "[1]" in answer.json["content"] and answer.json["embeds"][0]["title"] == "Sources"
        assert any(cid.startswith("citebot:passages:") for cid in answer.custom_ids())
        assert not channel_posts(fake, CHANNEL_ID)

    env.run(scenario)
    assert env.engine.asked == [QUESTION]


def test_follow_up_mention_in_the_thread_is_answered_there(env):
    """A later mention inside the bot's thread is answered in that same thread, without starting another one."""

    async def scenario(fake, bot):
        asked = await fake.user_message(f"<@{BOT_ID}> {QUESTION}")
        thread_id = int(asked["id"])
        await fake.wait_for(lambda: channel_posts(fake, thread_id), what="the first answer")
        await fake.wait_for(lambda: bot.get_channel(thread_id), what="THREAD_CREATE to reach the bot")
        await fake.user_message(f"<@!{BOT_ID}> How much did the Riverside renovation cost?", channel_id=thread_id)
        await fake.wait_for(lambda: len(channel_posts(fake, thread_id)) == 2, what="the follow-up answer")
        assert len([r for r in fake.requests if r.path.endswith("/threads")]) == 1

    env.run(scenario)
    assert env.engine.asked == [QUESTION, "How much did the Riverside renovation cost?"]


def test_messages_without_a_mention_or_from_bots_are_ignored(env):
    """Plain chat and the bot's own messages never trigger an answer."""

    async def scenario(fake, bot):
        await fake.user_message(QUESTION, mention_bot=False)
        await fake.user_message(f"<@{BOT_ID}> {QUESTION}", user=BOT_ID)
        await fake.replies(await fake.slash("sources"))  # a later event, so the two above were handled
        assert not channel_posts(fake, CHANNEL_ID) and not [r for r in fake.requests if r.path.endswith("/threads")]

    env.run(scenario)
    assert env.engine.asked == []


def test_empty_or_overlong_mention_is_refused_in_place(env):
    """A bare mention or an over-long question gets a polite reply in the channel, and no thread is created."""

    async def scenario(fake, bot):
        await fake.user_message(f"<@{BOT_ID}>")
        await fake.user_message(f"<@{BOT_ID}> " + "why " * 200)
        replies = await fake.wait_for(
            lambda: len(channel_posts(fake, CHANNEL_ID)) == 2 and channel_posts(fake, CHANNEL_ID), what="two refusals"
        )
        assert replies[0].json["content"].startswith("Please ask a question")
        assert "500" in replies[1].json["content"]
        assert all("message_reference" in r.json for r in replies)
        assert not [r for r in fake.requests if r.path.endswith("/threads")]

    env.run(scenario)
    assert env.engine.asked == []


def test_article_text_with_everyone_and_role_mentions_never_pings(env):
    """Quoted article text containing @everyone and <@&123> reaches users verbatim, but every message (answer, thread post, passages, citations) sets allowed_mentions parse []."""
    citation = make_citation(1, passage=HOSTILE, title="Riverside Library reopens")
    env.engine.answer = make_answer([(HOSTILE, 1)], [citation])
    env.engine.citations = [citation]

    async def scenario(fake, bot):
        (answer,) = await fake.replies(await fake.slash("ask", question=QUESTION))
        message_id = max(fake.messages)
        passages_id = next(c for c in answer.custom_ids() if c.startswith("citebot:passages:"))
        await fake.replies(await fake.click(message_id, passages_id))
        await fake.replies(await fake.slash("cite", claim="the doors open at nine"))
        asked = await fake.user_message(f"<@{BOT_ID}> {QUESTION}")
        await fake.wait_for(lambda: channel_posts(fake, asked["id"]), what="the thread answer")

    fake = env.run(scenario)
    sent = fake.sent_messages()
    hostile = [r for r in sent if "@everyone" in r.text() and f"<@&{ROLE_ID}>" in r.text()]
    assert len(hostile) == 4  # /ask answer, Show passages, /cite, the thread answer
    # parse [] with no "users"/"roles" lists: Discord notifies no one, whatever the text says.
    assert all(r.message["allowed_mentions"] == {"parse": []} for r in sent)


def test_mention_cooldown_replies_politely(env):
    """With a cooldown, a user's second mention in quick succession gets a polite wait reply instead of an answer."""
    env.config = replace(env.config, cooldown_seconds=60)

    async def scenario(fake, bot):
        first = await fake.user_message(f"<@{BOT_ID}> {QUESTION}")
        await fake.wait_for(lambda: channel_posts(fake, first["id"]), what="the first answer")
        await fake.user_message(f"<@{BOT_ID}> {QUESTION}", user=MEMBER_ID)
        (wait,) = await fake.wait_for(lambda: channel_posts(fake, CHANNEL_ID), what="the wait reply")
        assert "Please wait" in wait.json["content"]

    env.run(scenario)
    assert len(env.engine.asked) == 1


def test_mention_failure_apologises_in_the_channel(env, log_errors):
    """If answering a mention fails, the bot posts a short apology where it was asked and logs the error."""
    env.engine.fail = RuntimeError("engine down")
    log_errors.allow("engine down")

    async def scenario(fake, bot):
        await fake.user_message(f"<@{BOT_ID}> {QUESTION}")
        (apology,) = await fake.wait_for(lambda: channel_posts(fake, CHANNEL_ID), what="the apology")
        assert apology.json["content"].startswith("Sorry, something went wrong")

    env.run(scenario)
    assert len(log_errors.records) == 1
