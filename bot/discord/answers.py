"""From a question to the messages that answer it; shared by /ask and mentions."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from index.text.language import detect_lang
from index.errors import EmptyQuestion, QuestionTooLong

from . import render, strings
from .views import answer_view

if TYPE_CHECKING:
    from .bot import CitebotBot


@dataclass(frozen=True)
class Post:
    """One message to send: rendered content and embeds, and the buttons under it."""

    reply: render.Reply
    view: discord.ui.View | None = None


def question_problem(question: str, limit: int, kind: str = "question") -> str | None:
    """Why the bot won't send `question` (or, with kind="claim", a claim) to the engine, in its
    language; None if it will."""
    lang = detect_lang(question)
    empty, too_long = ("empty", "too_long") if kind == "question" else ("empty_claim", "claim_too_long")
    if not question.strip():
        return strings.text(lang, empty)
    if len(question) > limit:
        return strings.text(lang, too_long, length=len(question), limit=limit)
    return None


async def answer_question(bot: CitebotBot, question: str, user_id: int, guild_id: int | None) -> list[Post]:
    """Ask the engine (the caller has checked the question with `question_problem`), keep the
    answer for its buttons, and render it; the engine's own refusals come back as a Post too."""
    try:
        answer = await bot.runner.ask(question, bot.config.libraries(guild_id))
    except (EmptyQuestion, QuestionTooLong) as exc:
        return [Post(render.Reply(strings.refusal(detect_lang(question), exc)))]
    answer_id = secrets.token_hex(8)
    shown = render.shown_citations(answer)
    await asyncio.to_thread(bot.feedback.save_answer, answer_id, answer, shown, user_id, guild_id)
    replies = render.render_answer(answer)
    view = answer_view(answer_id, answer.lang, with_passages=bool(shown))
    # The buttons go under the last message, where the reader finishes.
    return [Post(reply) for reply in replies[:-1]] + [Post(replies[-1], view)]
