"""/ask end to end against the fake Discord."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace

from .conftest import LIBRARY_QUESTION, LIBRARY_URL
from .engine_double import make_answer, make_citation
from .fake_discord import ADMIN_ID, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, EPHEMERAL


def test_ask_defers_then_posts_cited_answer_with_sources_and_buttons(env):
    """/ask acknowledges with a deferral first, then one followup: [n]-marked text, a Sources embed linking each n, and the three buttons."""

    async def scenario(fake, bot):
        handle = await fake.slash("ask", question=LIBRARY_QUESTION)
        (reply,) = await fake.replies(handle)
        first = fake.for_interaction(handle)[0]
        assert first.path.endswith("/callback") and first.json["type"] == DEFERRED_CHANNEL_MESSAGE
        assert reply.path.startswith("/webhooks/")
        assert "June 2" in reply.message["content"] and "[1]" in reply.message["content"]
        (embed,) = reply.message["embeds"]
        assert embed["title"] == "Sources"
        assert f"]({LIBRARY_URL})" in embed["description"] and "**[1]**" in embed["description"]
        ids = reply.custom_ids()
        assert [i.split(":")[1] for i in ids] == ["passages", "vote", "vote"]

    env.run(scenario)


def test_ask_in_japanese_gets_japanese_frame(env):
    """When Answer.lang is "ja" the frame is Japanese: the embed is titled 出典 and the button reads 引用箇所を表示."""
    env.engine.answer = make_answer(
        [("あおば号は4月12日に就航した。", 1)], [make_citation(1, title="潮見港に電動フェリー就航")], lang="ja"
    )

    async def scenario(fake, bot):
        handle = await fake.slash("ask", question="あおば号はいつ就航した?")
        (reply,) = await fake.replies(handle)
        assert reply.message["content"] == "あおば号は4月12日に就航した。 [1]"
        assert reply.message["embeds"][0]["title"] == "出典"
        assert reply.message["components"][0]["components"][0]["label"] == "引用箇所を表示"

    env.run(scenario)


def test_abstention_shows_engine_message_and_closest_passages(env):
    """When the engine abstains the reply is its message, the closest passages are listed as reference, and no sentence is shown."""
    message = "The articles don't cover this. The closest passages are listed for reference."
    env.engine.answer = make_answer([], [make_citation(1), make_citation(2)], abstained=True, message=message)

    async def scenario(fake, bot):
        handle = await fake.slash("ask", question="What is the price of gold on Mars?")
        (reply,) = await fake.replies(handle)
        assert reply.message["content"] == message
        (embed,) = reply.message["embeds"]
        assert embed["title"] == "Closest passages, for reference"
        assert "https://example.org/1" in embed["description"] and "https://example.org/2" in embed["description"]

    env.run(scenario)


def test_off_topic_question_gets_a_not_covered_reply(env):
    """An off-topic question gets a decline (from the engine in use), never an invented answer."""

    async def scenario(fake, bot):
        handle = await fake.slash("ask", question="What is the price of gold on Mars?")
        (reply,) = await fake.replies(handle)
        assert reply.message["content"].startswith("The articles don't") and "[1]" not in reply.message["content"]
        assert "“mar”" not in reply.message["content"]  # a word it names is the user's ("Mars")

    env.run(scenario)


def test_overlong_question_is_refused_politely_without_asking_engine(env):
    """A question over CITEBOT_MAX_QUESTION_CHARS gets an immediate ephemeral refusal and never reaches the engine."""

    async def scenario(fake, bot):
        handle = await fake.slash("ask", question="why " * 200)
        (reply,) = await fake.replies(handle)
        assert reply.json["type"] == CHANNEL_MESSAGE
        assert reply.message["flags"] & EPHEMERAL
        assert "800 characters" in reply.message["content"] and "500" in reply.message["content"]

    env.run(scenario)
    assert env.engine.asked == []


def test_cooldown_refuses_a_second_question_politely(env):
    """Within CITEBOT_COOLDOWN_SECONDS a user's second /ask gets a polite ephemeral wait message; another user is unaffected."""
    env.config = replace(env.config, cooldown_seconds=60)

    async def scenario(fake, bot):
        await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        (refusal,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        assert refusal.message["flags"] & EPHEMERAL
        # The first answer's own time counts against the minute (more on a loaded CI machine).
        wait = re.search(r"Please wait (\d+) s", refusal.message["content"])
        assert wait and 50 <= int(wait.group(1)) <= 60
        (other,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION, user=ADMIN_ID))
        assert "[1]" in other.message["content"]

    env.run(scenario)
    assert len(env.engine.asked) == 2


def test_engine_error_becomes_an_apology_and_is_logged(env, log_errors):
    """An exception inside the engine yields a short apology to the user and an ERROR log line, and the bot keeps serving."""
    env.engine.fail = RuntimeError("index exploded")
    log_errors.allow("index exploded")

    async def scenario(fake, bot):
        (apology,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        assert apology.message["content"].startswith("Sorry, something went wrong")
        env.engine.fail = None
        (answer,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        assert "[1]" in answer.message["content"]

    env.run(scenario)
    assert any("index exploded" in str(r.exc_info[1]) for r in log_errors.records if r.exc_info)


def test_answer_is_stored_for_its_buttons(env):
    """Each answer is saved in the feedback DB under the id its buttons carry, with its question and cited passages."""

    async def scenario(fake, bot):
        (reply,) = await fake.replies(await fake.slash("ask", question=LIBRARY_QUESTION))
        answer_id = reply.custom_ids()[0].rsplit(":", 1)[1]
        with sqlite3.connect(env.config.feedback_path) as db:
            row = db.execute("SELECT question, citations FROM answers WHERE id = ?", (answer_id,)).fetchone()
        assert row[0] == LIBRARY_QUESTION
        assert LIBRARY_URL in row[1]

    env.run(scenario)


def test_long_answer_is_split_across_followups_each_with_its_sources(env):
    """An answer too long for one message arrives as several followups, each under 2000 chars, listing its own sentences' sources; buttons on the last."""
    citations = [make_citation(n) for n in range(1, 4)]
    env.engine.answer = make_answer([(f"Sentence {n} " + "x" * 1500, n) for n in range(1, 4)], citations)

    async def scenario(fake, bot):
        handle = await fake.slash("ask", question="Tell me everything about the Riverside library")
        replies = await fake.replies(handle, count=3)
        for n, reply in enumerate(replies, start=1):
            assert len(reply.message["content"]) <= 2000
            assert f"[{n}]" in reply.message["content"]
            assert f"https://example.org/{n}" in reply.message["embeds"][0]["description"]
        assert replies[-1].custom_ids() and not replies[0].custom_ids()

    env.run(scenario)
