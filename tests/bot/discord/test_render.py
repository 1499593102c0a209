"""Unit tests of bot.discord.render: Discord's limits hold for any answer, and no shown sentence loses its citation."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord import render, strings
from bot.discord.feedback import Gap
from bot.discord.render import Reply
from index.types import IngestReport, SourceInfo

from .engine_double import make_answer, make_citation


def embed_chars(embed: dict) -> int:
    """Characters Discord counts toward the 6000 per message."""
    fields = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + len(embed.get("footer", {}).get("text", ""))
        + fields
    )


def assert_within_limits(reply: Reply) -> None:
    embeds = [e.to_dict() for e in reply.embeds]
    assert len(reply.content) <= 2000
    assert len(embeds) <= 10
    assert sum(embed_chars(e) for e in embeds) <= 6000
    for embed in embeds:
        assert len(embed.get("title", "")) <= 256 and len(embed.get("description", "")) <= 4096
        assert len(embed.get("fields", [])) <= 25
        assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed.get("fields", []))


def markers(content: str) -> list[int]:
    return [int(n) for n in re.findall(r" \[(\d+)\](?: |$)", content)]


def huge_citation(n: int):
    return make_citation(
        n,
        title="T" * 400 + f" {n}",
        section="S" * 300,
        url=f"https://example.org/{n}/" + "p" * 400,
        passage="P" * 9000,
        source="O" * 200,
    )


def test_huge_answer_is_split_within_limits_and_keeps_each_sentences_citation():
    """30 sentences of 400 chars citing 30 bulky citations: at most 3 messages, all within limits, each sentence shown with its own [n] line in the same message."""
    answer = make_answer(
        [(f"Sentence {n}. " + "w" * 400, n) for n in range(1, 31)], [huge_citation(n) for n in range(1, 31)]
    )
    replies = render.render_answer(answer)
    assert 1 < len(replies) <= render.MAX_ANSWER_MESSAGES
    shown = []
    for reply in replies:
        assert_within_limits(reply)
        description = reply.embeds[0].description
        for n in markers(reply.content):
            assert f"**[{n}]** [" in description and f"https://example.org/{n}/" in description
        shown += markers(reply.content)
    assert shown == list(range(1, len(shown) + 1)), "sentences are kept in order, dropping only from the end"
    omitted = 30 - len(shown)
    assert omitted > 0 and f"{omitted} more sentence(s)" in replies[-1].embeds[0].footer.text


def test_sentence_longer_than_a_message_is_trimmed_but_keeps_its_marker():
    """A single 5000-char sentence is clipped with … to fit 2000 chars, its [1] marker and source intact."""
    (reply,) = render.render_answer(make_answer([("x" * 5000, 1)], [make_citation(1)]))
    assert len(reply.content) <= 2000 and reply.content.endswith("… [1]")
    assert "https://example.org/1" in reply.embeds[0].description


def test_sentence_whose_citation_is_missing_is_never_shown():
    """A sentence citing an n the engine did not return is dropped; the others keep their markers."""
    (reply,) = render.render_answer(make_answer([("Kept.", 1), ("Orphan.", 7)], [make_citation(1)]))
    assert reply.content == "Kept. [1]"


def test_only_the_cited_sources_are_listed():
    """The Sources embed lists the citations the sentences use, not the engine's extra reference citations."""
    (reply,) = render.render_answer(make_answer([("A.", 2)], [make_citation(1), make_citation(2)]))
    assert "[2]" in reply.embeds[0].description and "[1]" not in reply.embeds[0].description
    assert render.shown_citations(make_answer([("A.", 2)], [make_citation(1), make_citation(2)])) == (make_citation(2),)


def test_abstention_lists_closest_passages_within_limits():
    """An abstaining answer shows the engine's message and as many closest-passage lines as fit one embed."""
    answer = make_answer(
        [],
        [huge_citation(n) for n in range(1, 9)],
        abstained=True,
        message="記事にはこの質問に答える記述が見つかりませんでした。",
    )
    (reply,) = render.render_answer(answer)
    assert reply.content == answer.message
    assert_within_limits(reply)
    assert reply.embeds[0].description.startswith("**[1]**")


def test_abstention_without_message_uses_frame_in_question_language():
    """With no engine message the not-covered frame is in Answer.lang."""
    assert (
        render.render_answer(make_answer([], [], abstained=True, lang="ja"))[0].content
        == "記事にはこの質問への答えが見つかりませんでした。"
    )
    assert (
        render.render_answer(make_answer([], [], abstained=True, lang="en"))[0].content
        == "The articles don't cover this."
    )


def test_citation_line_links_title_and_neutralises_markdown():
    """A citation line is [n] + title › section linking to the URL, with brackets, markdown and URL parentheses made harmless."""
    line = render.citation_line(
        make_citation(
            3,
            title="Deal [draft] *now*",
            section="Q&A",
            url="https://ex.org/a_(b)",
            source="BBC",
            published="2025-08-15",
        )
    )
    assert line == r"**[3]** [Deal ［draft］ \*now\* › Q&A](https://ex.org/a_%28b%29) — BBC · 2025-08-15"
    assert render.citation_line(make_citation(1, url="javascript:alert(1)")).startswith("**[1]** Title 1 —")
    assert (
        render.citation_line(make_citation(1, url=None, source_url="https://bbc.example/x")).count(
            "(https://bbc.example/x)"
        )
        == 1
    )


def test_passages_share_one_messages_budget():
    """Show passages on 12 huge citations: at most 10 embeds, total under 6000, each quoted and linked."""
    embeds = render.render_passages([huge_citation(n) for n in range(1, 13)])
    assert_within_limits(Reply("", tuple(embeds)))
    assert len(embeds) == 10
    assert all(e.description.startswith("> P") and e.url.startswith("https://example.org/") for e in embeds)


def test_sources_page_numbers_and_clamps():
    """Pages hold 10 articles numbered across pages; page 0 or 99 clamps to the first or last page."""
    sources = [SourceInfo(f"/a/{i}", f"A{i}", None, None, None, "en", 1) for i in range(1, 24)]
    assert "**21.** A21" in render.render_sources_page(sources, 99, "en").description
    assert render.render_sources_page(sources, 0, "ja").footer.text.startswith("1/3ページ")
    assert render.render_sources_page([], 1, "en").description == "No articles are indexed yet."


def test_source_details_are_clipped_to_field_limits():
    """/source's embed fields stay under 1024 chars even for absurd values."""
    embed = render.render_source(
        SourceInfo("/p/" + "x" * 3000, "T" * 500, "https://e.org/" + "u" * 3000, "2025-01-01", "O" * 2000, "ja", 4),
        "en",
    )
    assert_within_limits(Reply("", (embed,)))
    assert embed.url is None  # too long to be a useful link


def test_stats_embed_keeps_to_25_fields():
    """Stats with 40 keys render 25 fields, each clipped."""
    embed = render.render_stats({f"k{i}": "v" * 2000 for i in range(40)})
    assert_within_limits(Reply("", (embed,)))
    assert len(embed.fields) == 25


def test_stats_and_ingest_reports_show_no_folders_of_the_server():
    """The stats embed drops the index folder and names a local model by its folder's name; an ingest report
    names files (a copy of an indexed file too), and a skip reason quoting a path keeps only the file name."""
    embed = render.render_stats({"articles": 3, "index_dir": "/srv/citebot/index", "model": "/srv/models/ruri-v3"})
    assert [(f.name, f.value) for f in embed.fields] == [("articles", "3"), ("model", "ruri-v3")]
    report = IngestReport(added=["/srv/a/new.txt"], skipped=[
        ("/srv/a/bad.txt", "unexpected error (PermissionError: [Errno 13] Permission denied: '/srv/a/bad.txt')")],
        duplicates=[("/srv/b/new.txt", "/srv/a/new.txt")])
    text = render.render_ingest_report(report)
    assert "Added: new.txt" in text and "denied: 'bad.txt'" in text and "/srv" not in text
    assert "Not indexed twice: new.txt has the same text as new.txt" in text


def test_gaps_embed_keeps_to_discord_limits():
    """Many long declined questions and down-voted answers fill each field only as far as 1024 characters allow."""
    gaps = [Gap("q" * 500, 3, "2026-11-30T10:00:00+00:00", "a" * 500) for _ in range(30)]
    embed = render.render_gaps(gaps, gaps, 30, "en")
    assert_within_limits(Reply("", (embed,)))
    assert embed.fields[0].value.startswith("• qqq") and "×3, last 2026-11-30" in embed.fields[1].value


def test_guess_lang_is_the_engines_rule():
    """The bot frames refusals in the language the engine would answer in: an English question quoting a kanji name is English."""
    from index.text.language import detect_lang

    assert detect_lang("アラスカ会談はいつ?") == "ja"
    assert detect_lang("When was the summit in 東京?") == "en" == detect_lang("When was the summit in 東京?")
    assert detect_lang("When was the summit?") == "en"


sentence_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=2500)
optional_text = st.none() | st.text(max_size=600)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(sentence_text, min_size=1, max_size=12),
    titles=st.lists(st.text(max_size=700), min_size=1, max_size=12),
    sections=st.lists(optional_text, min_size=1, max_size=12),
    urls=st.lists(st.none() | st.text(max_size=700).map(lambda s: "https://x.org/" + s), min_size=1, max_size=12),
    also=st.lists(st.text(max_size=700).map(lambda s: "https://y.org/" + s) | st.text(max_size=300), max_size=4),
)
def test_any_answer_renders_within_limits_with_citations_beside_sentences(texts, titles, sections, urls, also):
    """For arbitrary sentences and citation metadata, every message fits Discord's limits and each shown [n] has its line in that message."""
    count = len(titles)
    citations = [
        make_citation(i + 1, title=titles[i], section=sections[i % len(sections)], url=urls[i % len(urls)],
                      also=tuple(also))
        for i in range(count)
    ]
    answer = make_answer([(t, i % count + 1) for i, t in enumerate(texts)], citations)
    for reply in render.render_answer(answer):
        assert_within_limits(reply)
        for n in markers(reply.content):
            assert f"**[{n}]** " in reply.embeds[0].description


def test_a_citation_names_the_other_sites_that_published_its_passage():
    """A passage re-posted elsewhere is cited once, its line naming the other sites (linked unless the URL is long) in the reader's language."""
    citation = make_citation(1, also=("https://mirror.example/2025/expo", "/articles/expo_repost.txt", "https://third.example/x"))
    line = render.citation_line(citation, "ja")
    assert line.endswith("ほかの掲載先: [mirror.example](https://mirror.example/2025/expo), expo\\_repost.txt")
    assert "third.example" not in line
    assert "also at [mirror.example]" in render.citation_line(citation, "en")
    assert render.citation_line(make_citation(1)).endswith("2025-01-01")
    long_url = "https://mirror.example/" + "x" * 300
    assert render.citation_line(make_citation(1, also=(long_url,))).endswith("also at mirror.example")


def test_engine_problems_are_worded_for_discord_without_commands():
    """A busy, read-only or damaged index gets a plain sentence in the user's language, never CLI syntax."""
    from pathlib import Path

    from index.errors import IndexCorrupt, IndexLocked, IndexReadOnly, LoadError

    for lang in ("en", "ja"):
        for error in (IndexLocked(Path("/srv/i")), IndexReadOnly(Path("/srv/i")),
                      IndexCorrupt(Path("/srv/i/x.faiss"), "truncated", Path("/srv/i"), "rebuild")):
            worded = strings.engine_problem(lang, error)
            assert worded and "citebot" not in worded and "/srv" not in worded and "--" not in worded
    assert strings.engine_problem("en", LoadError("/a.txt", "empty file")) is None


def test_lookup_embeds_say_supports_or_related_and_bold_the_sentence():
    """A citation lookup shows each passage's verdict and its bearing sentence in bold; with no support the header says so."""
    supports = make_citation(1, passage="The Dodgers won. They beat Toronto 5-4.", role="supports",
                             quote="They beat Toronto 5-4.")
    related = make_citation(2, passage="Fans *cheered* downtown.", role="related", quote="Fans *cheered* downtown.")
    reply = render.render_citations("The Dodgers beat Toronto", [supports, related], "en")
    first, second = (e.to_dict()["description"] for e in reply.embeds)
    assert first.startswith(strings.text("en", "verdict_supports")) and "**They beat Toronto 5-4.**" in first
    assert second.startswith(strings.text("en", "verdict_related")) and "\\*cheered\\*" in second
    only_related = render.render_citations("x", [related], "ja")
    assert only_related.content.startswith(strings.text("ja", "cite_related_only", claim="x")[:10])


def test_answer_lists_related_passages_apart_from_its_sources():
    """The sources embed lists what the answer cites; the close passages it does not quote go in a "Related" field."""
    answer = make_answer([("A.", 1)], [make_citation(1, passage="A.", role="cited", quote="A."),
                                        make_citation(2, passage="B.", role="related", title="Other article")])
    (reply,) = render.render_answer(answer)
    embed = reply.embeds[0].to_dict()
    assert "Title 1" in embed["description"] and "Other article" not in embed["description"]
    (field,) = embed["fields"]
    assert field["name"] == strings.text("en", "related") and "Other article" in field["value"]
    assert_within_limits(reply)


def test_an_unsure_answer_says_so_and_a_confident_one_does_not():
    """Below the confidence model's bar the first message's footer says plainly that the bot is unsure."""
    from dataclasses import replace

    answer = make_answer([("A.", 1)], [make_citation(1, passage="A.", role="cited", quote="A.")], lang="ja")
    (unsure,) = render.render_answer(replace(answer, confidence=0.2))
    assert unsure.embeds[0].to_dict()["footer"]["text"] == strings.text("ja", "unsure")
    for sure in (replace(answer, confidence=0.9), answer):
        (reply,) = render.render_answer(sure)
        assert "footer" not in reply.embeds[0].to_dict()
