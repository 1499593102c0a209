"""Hostile questions: each gets a sane Answer (abstained or cited) or a clear CitebotError, never a crash."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.paths import REPO
from index.ingest.decoding import clean_text
from index.engine import Engine
from index.settings import MAX_QUESTION_CHARS
from index.errors import EmptyQuestion, QuestionTooLong

SAMPLE = REPO / "index" / "sample_corpus"

QUESTIONS = [
    pytest.param("", EmptyQuestion, id="empty"),
    pytest.param(" \n\t\u3000 ", EmptyQuestion, id="whitespace-only"),
    pytest.param("a" * 10_000, QuestionTooLong, id="10000-chars"),
    pytest.param("会談" * 5_000, QuestionTooLong, id="10000-chars-ja"),
    pytest.param("アラスカ会談はいつ?" + "。" * (MAX_QUESTION_CHARS - 10), None, id="exactly-at-the-limit"),
    pytest.param("x" * 450, None, id="one-450-char-word"),
    pytest.param("x" * 600, QuestionTooLong, id="one-600-char-word"),
    pytest.param("😀🎉🔥", None, id="emoji-only"),
    pytest.param("👨‍👩‍👧‍👦👍🏽🇯🇵", None, id="emoji-zwj-flags"),
    pytest.param("?!。、…「」", None, id="punctuation-only"),
    pytest.param("...", None, id="dots"),
    pytest.param("2025", None, id="digits-only"),
    pytest.param("@everyone", None, id="at-everyone"),
    pytest.param("@here 会談はいつ?", None, id="at-here"),
    pytest.param("<@&123> When did the Osaka Expo close?", None, id="role-mention"),
    pytest.param("<@123456789012345678> <#42> <:citebot:99> アラスカ会談の場所は?", None, id="user-channel-emoji-mentions"),
    pytest.param("**When** did the __Expo__ ~~open~~ ||close||? `now`", None, id="discord-markdown"),
    pytest.param("```py\nprint('アラスカ会談はいつ?')\n```", None, id="code-fence"),
    pytest.param("> quoted line\n> アラスカ会談はいつ?", None, id="block-quote"),
    pytest.param("متى أغلق معرض أوساكا؟", None, id="arabic"),
    pytest.param("מתי נסגר היריד באוסקה?", None, id="hebrew"),
    pytest.param("\u202eWhen did the Expo close?\u202c", None, id="rtl-override"),
    pytest.param("\u200bアラスカ\u200d会談は\u2060いつ?\ufeff", None, id="zero-width-inside"),
    pytest.param("\u200b\u200c\u200d", EmptyQuestion, id="zero-width-only"),
    pytest.param("\x00\x01\x07\x1b[31m", None, id="control-characters"),
    pytest.param("Quand l'Expo d'Osaka a-t-elle fermé ?", None, id="french"),
    pytest.param("오사카 엑스포는 언제 폐막했나요?", None, id="korean"),
    pytest.param("大阪世博会什么时候闭幕？", None, id="chinese"),
    pytest.param("Когда закрылась выставка в Осаке?", None, id="russian"),
    pytest.param("งานเอ็กซ์โปโอซาก้าปิดเมื่อไหร่", None, id="thai"),
    pytest.param("𝕬𝖑𝖆𝖘𝖐𝖆 𝖘𝖚𝖒𝖒𝖎𝖙", None, id="math-alphanumerics"),
    pytest.param("Z̷̛̤a̶̡͝l̷̰̈g̸̱̓o̵̲͑ 会談", None, id="zalgo"),
    pytest.param("' OR 1=1; DROP TABLE passages; --", None, id="sql"),
    pytest.param('NEAR(a b) AND * OR "unterminated', None, id="fts-syntax"),
    pytest.param(".*[(\\d+\\", None, id="regex-metacharacters"),
    pytest.param("<script>alert(1)</script>", None, id="html"),
    pytest.param("\n".join(["アラスカ"] * 100), None, id="100-lines"),
    pytest.param("\ud800", EmptyQuestion, id="lone-surrogate"),
    pytest.param("when?\udcff\udcfe", None, id="undecodable-argv"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder):
    eng = Engine.open(tmp_path_factory.mktemp("index"), embedder=embedder)
    eng.ingest([SAMPLE])
    yield eng
    eng.close()


def _visible(text: str) -> str:
    """The question as the engine keeps it: no invisible characters, no lone surrogates."""
    return " ".join("".join(c for c in clean_text(text) if not 0xD800 <= ord(c) <= 0xDFFF).split())


def _check_answer(engine: Engine, question: str, answer) -> None:
    known = {s.path for s in engine.sources()}
    # The engine neither strips mentions nor rewrites text (dropping invisible characters is fine).
    assert _visible(answer.question) == _visible(question)
    assert answer.problem() is None and all(c.path in known for c in answer.citations)
    json.dumps(answer.to_json(), ensure_ascii=False)


@pytest.mark.parametrize(("question", "error"), QUESTIONS)
def test_hostile_question_gets_an_answer_or_a_clear_error(engine, question, error):
    """ask() returns a valid Answer (abstained, or sentences quoted from numbered citations) or the expected CitebotError."""
    if error is not None:
        with pytest.raises(error) as err:
            engine.ask(question)
        assert str(err.value) and "\n" not in str(err.value)
        return
    _check_answer(engine, question, engine.ask(question))


# cite() shares ask()'s cleaning and search: a few of each kind are enough.
CLAIMS = [p for p in QUESTIONS if p.id in {
    "empty", "10000-chars", "emoji-only", "punctuation-only", "role-mention", "code-fence", "hebrew",
    "zero-width-only", "control-characters", "korean", "fts-syntax", "lone-surrogate"}]


@pytest.mark.parametrize(("question", "error"), CLAIMS)
def test_hostile_claim_gets_citations_or_a_clear_error(engine, question, error):
    """cite() returns supporting citations (possibly none) or the same CitebotError as ask()."""
    if error is not None:
        with pytest.raises(error):
            engine.cite(question)
        return
    known = {s.path for s in engine.sources()}
    citations = engine.cite(question)
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    assert all(c.path in known and c.passage for c in citations)


def test_mentions_and_markdown_come_back_unaltered(engine):
    """The engine echoes mentions and Discord markup verbatim; making them harmless is the bot's job."""
    for q in ("@everyone アラスカ会談はいつ?", "<@&123> **When** did the Expo close?"):
        assert engine.ask(q).question == q


def test_zero_width_noise_does_not_change_the_answer(engine):
    """Zero-width characters sprinkled into a question give the same answer as the clean question."""
    clean = engine.ask("アラスカでの米ロ首脳会談はいつ行われた?")
    noisy = engine.ask("アラスカ\u200bでの米ロ\u200d首脳会談は\u2060いつ行われた?")
    # The cleaned question is what is searched (and what the answer cache is keyed by).
    assert noisy.question == clean.question == "アラスカでの米ロ首脳会談はいつ行われた?"
    assert not clean.abstained and [c.path for c in noisy.citations][:1] == [c.path for c in clean.citations][:1]
    assert noisy.text == clean.text


@pytest.mark.parametrize("question", ["\u200b\u200c\u200d", "\ufeff", "\x00\x07"])
def test_a_question_with_nothing_visible_is_empty(engine, question):
    """A question made only of invisible characters is refused as EmptyQuestion, like a blank one."""
    with pytest.raises(EmptyQuestion):
        engine.ask(question)


def test_cli_answers_hostile_lines_one_json_object_each(engine):
    """`citebot ask --json` over stdin prints one JSON object per line: an answer or an error, never a traceback."""
    lines = ["@everyone", "a" * 3000, "😀🎉", "<@&123> When did the Osaka Expo close?", "```\ncode\n```".replace("\n", " ")]
    run = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--index", str(engine.store.directory)],
                         input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=300, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "Traceback" not in run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["question"] for o in out] == [" ".join(q.split()) for q in lines]
    assert "limit" in out[1]["error"] and all("answer" in o for i, o in enumerate(out) if i != 1)
    assert run.returncode == 2  # one line was refused
