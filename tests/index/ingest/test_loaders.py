"""Article files -> Documents: formats, provenance, block layout, bad files and folder walking."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import FIXTURES, SAMPLE_CORPUS
from index.errors import LoadError
from index.ingest.files import iter_article_files
from index.ingest.loaders import load_document
from index.ingest.loaders.common import iso_date, short_outlet
from index.types import Block, Document

ARTICLES = FIXTURES / "articles"
SENTINEL = "ZEBRA-PLUM-7731"  # appears in the HTML fixture only inside script/style/nav/aside/footer


def load(name: str) -> Document:
    return load_document(ARTICLES / name)


def block_text(doc: Document, block: Block) -> str:
    return doc.text[block.start:block.end]


def block_containing(doc: Document, phrase: str) -> Block:
    found = [b for b in doc.blocks if phrase in block_text(doc, b)]
    assert len(found) == 1, f"{phrase!r} in {len(found)} blocks"
    return found[0]


def uncovered_lines(doc: Document) -> list[str]:
    """Non-blank lines of text that lie outside every block."""
    outside, cursor = [], 0
    for block in doc.blocks:
        outside.append(doc.text[cursor:block.start])
        cursor = block.end
    outside.append(doc.text[cursor:])
    return [line.strip() for chunk in outside for line in chunk.split("\n") if line.strip()]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


ALL_FIXTURES = sorted(p for p in ARTICLES.iterdir() if p.is_file()) + sorted(SAMPLE_CORPUS.iterdir())


# --- invariants over every fixture -------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_blocks_ordered_in_range_and_trimmed(path: Path) -> None:
    """Blocks are non-empty, in order, non-overlapping, inside text and trimmed of whitespace."""
    doc = load_document(path)
    assert doc.blocks
    previous_end = 0
    for block in doc.blocks:
        assert previous_end <= block.start < block.end <= len(doc.text)
        text = block_text(doc, block)
        assert text == text.strip()
        previous_end = block.end


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_document_path_is_absolute(path: Path) -> None:
    """Document.path is the file's resolved absolute path as a str, the key ingest uses."""
    doc = load_document(Path(os.path.relpath(path)))
    assert isinstance(doc.path, str) and os.path.isabs(doc.path)
    assert doc.path == str(path.resolve())


# --- matome ---------------------------------------------------------------------------------------

HARVEST_URL = "https://harvest-times.example/ja/%E6%96%B0%E7%B1%B3-2025/report-0920.html"


def test_matome_title_and_no_page_provenance() -> None:
    """A matome's title is line 1; the page itself has no URL, date or outlet."""
    doc = load("matome_sample.txt")
    assert doc.format == "matome"
    assert doc.title == "秋の新米、今年は豊作?値段は下がる?農家と店の声をまとめてみた"
    assert (doc.url, doc.published, doc.outlet) == (None, None, None)
    assert doc.lang == "ja"


def test_matome_source_block_cites_outlet_url_and_date() -> None:
    """The ✅ block carries the named outlet, its URL and the 公開日 date before it."""
    doc = load("matome_sample.txt")
    block = block_containing(doc, "作況が全国平均で平年並み以上")
    assert block.source == "Harvest Times"  # the site tagline after " - " is dropped
    assert block.source_url == HARVEST_URL
    assert block.published == "2025-09-20"
    text = block_text(doc, block)
    assert text.startswith("公開日:2025/09/20")
    assert text.endswith(HARVEST_URL)


def test_matome_url_ends_at_first_non_url_character() -> None:
    """A URL glued to Japanese text (and one with a query string) stops before the first Japanese character."""
    doc = load("matome_sample.txt")
    second = block_containing(doc, "新米5キロの販売価格")
    assert second.source == "まちの経済ニュース"
    assert second.source_url == "https://machi-keizai.example/rice?id=42&lang=ja"
    assert second.published == "2025-10-01"


def test_matome_commentary_after_url_is_page_text() -> None:
    """Commentary right after the URL is a separate block without a source."""
    doc = load("matome_sample.txt")
    commentary = block_containing(doc, "やっぱり天気が一番大事なんですね。")
    assert commentary.source is None and commentary.source_url is None and commentary.published is None
    assert block_text(doc, commentary).startswith("やっぱり")
    assert commentary.section == "産地の手応え"


def test_matome_sections_from_heading_and_question() -> None:
    """A short line followed by a question line names the section; question and answer stay searchable text."""
    doc = load("matome_sample.txt")
    assert block_containing(doc, "夏の天候に恵まれ").section == "産地の手応え"
    question = block_containing(doc, "新米の出来はどう?")
    assert "多くの産地で「やや良」の見込みです。" in block_text(doc, question)
    assert block_containing(doc, "卸売の値段がまだ高い").section == "店頭の値段"
    assert block_containing(doc, "新米5キロの販売価格").section == "店頭の値段"
    assert uncovered_lines(doc) == ["産地の手応え", "店頭の値段", "次のページを読む ⇒"]


def test_matome_opening_and_teaser_sections() -> None:
    """Title, summary and 💡 bullets open the page with no section; the trailing teaser has its own."""
    doc = load("matome_sample.txt")
    opening = doc.blocks[0]
    assert opening.section is None and opening.source is None
    assert "💡 店頭価格の見通しを整理します。" in block_text(doc, opening)
    teaser = doc.blocks[-1]
    assert teaser.section == "次のページを読む"
    assert block_text(doc, teaser) == "古米と新米、味の違いはどのくらい?食べ比べてみた結果は?"


def test_matome_checkmarks_without_citation_line(tmp_path: Path) -> None:
    """✅ lines with a 公開日 but no 出典 line still form their own dated block, unattributed."""
    path = write(tmp_path, "m.txt", "見出しのないまとめ\n本文の一行目です。\n公開日:2025/01/02\n✅ 要点その一。\n✅ 要点その二。\nあとがきです。\n")
    doc = load_document(path)
    quoted = block_containing(doc, "要点その一")
    assert (quoted.source, quoted.source_url, quoted.published) == (None, None, "2025-01-02")
    assert block_containing(doc, "あとがきです。").published is None


def test_matome_citation_without_outlet_uses_host(tmp_path: Path) -> None:
    """A 出典 line naming no outlet falls back to the URL's host as the source."""
    path = write(tmp_path, "m.txt", "タイトル\n✅ 要点です。\n出典/画像元: https://www.example.org/a/b次の文章。\n")
    block = block_containing(load_document(path), "要点です。")
    assert block.source == "example.org"
    assert block.source_url == "https://www.example.org/a/b"


# --- news and plain .txt ---------------------------------------------------------------------------


def test_news_header_fields() -> None:
    """Line 1 is the title; URL:, Date: and Source: lines give url, ISO date and outlet."""
    doc = load("news_ja.txt")
    assert doc.format == "news"
    assert doc.title == "市立図書館、夜10時まで開館へ\u3000来月から平日の利用時間を延長"
    assert doc.url == "https://city-news.example/2025/11/01/library-hours"
    assert doc.published == "2025-11-01"
    assert doc.outlet == "シティニュース"


def test_news_body_is_one_block_with_bracket_lead() -> None:
    """The body, 【…】 lead included, is one section-less block; header lines are not in the text."""
    doc = load("news_ja.txt")
    assert len(doc.blocks) == 1
    body = block_text(doc, doc.blocks[0])
    assert body.startswith("【みどり市】みどり市は1日")
    assert body.endswith("貸し出しカウンターのみを開ける。")
    assert doc.blocks[0].section is None
    assert "URL:" not in doc.text and "Date:" not in doc.text


def test_news_header_in_japanese_and_in_any_order(tmp_path: Path) -> None:
    """A 媒体: line before URL: and an author line among them still give url, date and outlet."""
    path = write(tmp_path, "n.txt", "駅前に新しい駐輪場\n媒体: 港町日報\n記者: 山田花子\nURL: https://minato.example/a/1\n"
                                    "日付: 2025年11月3日\n\n市は3日、駅前に500台分の駐輪場を開いた。注: 無料です。\n")
    doc = load_document(path)
    assert (doc.format, doc.url, doc.published, doc.outlet) == ("news", "https://minato.example/a/1", "2025-11-03", "港町日報")
    assert "山田花子" not in doc.text and doc.text.rstrip().endswith("注: 無料です。")
    english = write(tmp_path, "e.txt", "Bike park opens\nPublisher: Harbour Daily\nURL: https://harbour.example/1\n\nIt opened.\n")
    assert load_document(english).outlet == "Harbour Daily"  # a name longer than the Japanese ones


def test_news_header_must_follow_title(tmp_path: Path) -> None:
    """A 'Date:' line deep in the body does not make a plain text a news file."""
    path = write(tmp_path, "p.txt", "A title\n\nFirst paragraph.\n\nSecond paragraph.\nDate: 2025-01-01\n")
    doc = load_document(path)
    assert doc.format == "txt" and doc.published is None


def test_plain_text_title_and_body() -> None:
    """Plain text: the first line is the title and the rest is one block."""
    doc = load("plain_note.txt")
    assert doc.format == "txt" and doc.lang == "en"
    assert doc.title == "Notes on the harbour festival"
    assert len(doc.blocks) == 1
    assert block_text(doc, doc.blocks[0]).startswith("The harbour festival returns")


def test_plain_text_single_sentence_is_indexed(tmp_path: Path) -> None:
    """A one-line text file is both the title and the indexed text."""
    doc = load_document(write(tmp_path, "one.txt", "花火大会は土曜日の午後8時から始まる。\n"))
    assert block_text(doc, doc.blocks[0]) == "花火大会は土曜日の午後8時から始まる。"


# --- markdown --------------------------------------------------------------------------------------


def test_markdown_front_matter() -> None:
    """Front matter gives title, url, ISO date and outlet; it is not part of the text."""
    doc = load("markdown_sample.md")
    assert doc.format == "markdown"
    assert doc.title == "Hill town opens a cable car to its old castle"
    assert doc.url == "https://hill-town-gazette.example/2025/08/17/cable-car"
    assert doc.published == "2025-08-17"
    assert doc.outlet == "Hill Town Gazette"
    assert "---" not in doc.text and "source:" not in doc.text


def test_markdown_sections_exclude_heading_lines() -> None:
    """## headings name the sections of the paragraphs under them and belong to no block."""
    doc = load("markdown_sample.md")
    assert [b.section for b in doc.blocks] == [None, "Tickets and hours", "What residents say"]
    tickets = block_text(doc, doc.blocks[1])
    assert tickets.startswith("A return ticket") and tickets.endswith("Children under six ride free.")
    assert uncovered_lines(doc) == [
        "# Hill town opens a cable car to its old castle", "## Tickets and hours", "## What residents say"]


def test_markdown_broken_front_matter_still_loads() -> None:
    """Unparseable YAML is ignored: the body loads and the title comes from the first # heading."""
    doc = load("markdown_broken_front_matter.md")
    assert doc.title == "Lantern repairs finished at the riverside shrine"
    assert doc.url is None and doc.published is None
    assert "unclosed quote" not in doc.text
    assert "forty stone lanterns" in block_text(doc, doc.blocks[0])


def test_markdown_setext_headings_and_code_fences(tmp_path: Path) -> None:
    """Setext headings are sections; '#' lines inside a code fence are not headings."""
    md = "Title here\n==========\n\nLead text.\n\nPart two\n--------\n\n```\n# not a heading\n```\nAfter code.\n"
    doc = load_document(write(tmp_path, "s.md", md))
    assert doc.title == "Title here"
    assert [b.section for b in doc.blocks] == [None, "Part two"]
    assert "# not a heading" in block_text(doc, doc.blocks[1])


def test_markdown_datetime_front_matter(tmp_path: Path) -> None:
    """A YAML datetime date becomes an ISO date."""
    md = "---\ntitle: T\ndate: 2025-08-17 09:30:00\n---\nBody text.\n"
    assert load_document(write(tmp_path, "d.md", md)).published == "2025-08-17"


def test_markdown_front_matter_only_is_rejected(tmp_path: Path) -> None:
    """Front matter with no body has nothing to index."""
    with pytest.raises(LoadError, match="no article text"):
        load_document(write(tmp_path, "f.md", "---\ntitle: Only metadata\n---\n\n"))


# --- HTML ------------------------------------------------------------------------------------------


def test_html_metadata() -> None:
    """Title without the site suffix, outlet from the suffix, canonical URL and meta date."""
    doc = load("article_sample.html")
    assert doc.format == "html" and doc.lang == "en"
    assert doc.title == "Night trains return to the coast line"
    assert doc.outlet == "Coastal Post"
    assert doc.url == "https://coastal-post.example/2025/07/02/night-trains"
    assert doc.published == "2025-07-02"


def test_html_scripts_nav_footer_never_indexed() -> None:
    """Text inside script, style, nav, aside and footer is absent from Document.text."""
    doc = load("article_sample.html")
    assert SENTINEL not in doc.text
    assert "A summary in the head" not in doc.text


def test_html_dateline_and_sections_kept() -> None:
    """A short dateline paragraph stays in the lead block; <h2>s become sections; <br> keeps its line break."""
    doc = load("article_sample.html")
    lead = block_containing(doc, "SEASIDE, Jul 2, 2025")
    assert lead.section is None
    sleeper = block_containing(doc, "four sleeper cars")
    assert sleeper.section == "Sleeper cars"
    assert block_text(doc, sleeper) == "Each train will carry four sleeper cars and one lounge car.\nTickets go on sale in August."
    assert block_containing(doc, "six stations").section == "Stations"


def test_html_without_article_element() -> None:
    """A page without <article> still yields its main text and og metadata, minus navigation and footer."""
    doc = load("no_article.html")
    assert doc.title == "Volunteers clean the river banks"
    assert doc.outlet == "Riverside Weekly"
    assert doc.url == "https://riverside-weekly.example/river-clean-up"
    assert "three hundred bags" in doc.text
    assert "About us" not in doc.text and "all rights reserved" not in doc.text


def test_html_body_fallback_when_trafilatura_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """If trafilatura raises, a page without <article> still loads from its body minus nav and footer."""
    import trafilatura

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("extractor failure")

    monkeypatch.setattr(trafilatura, "extract", broken)
    doc = load("no_article.html")
    assert "three hundred bags" in doc.text
    assert "About us" not in doc.text and "all rights reserved" not in doc.text


def test_html_keeps_original_characters(tmp_path: Path) -> None:
    """Ideographic spaces and full-width brackets survive extraction, so quoted phrases match verbatim."""
    html = "<html><body><article><p>技法である「貫（ぬき）」を応用し、\u3000柱を組む。</p></article></body></html>"
    doc = load_document(write(tmp_path, "ja.html", html))
    assert "技法である「貫（ぬき）」を応用し、\u3000柱を組む。" in block_text(doc, doc.blocks[0])
    assert doc.lang == "ja"


def test_html_script_only_page_rejected(tmp_path: Path) -> None:
    """A page whose only text is in scripts gives LoadError('no article text found')."""
    html = "<html><head><script>var fact = 'hidden';</script></head><body><script>x()</script></body></html>"
    with pytest.raises(LoadError) as err:
        load_document(write(tmp_path, "s.html", html))
    assert err.value.reason == "no article text found"


def test_html_pathological_markup_loads_quickly(tmp_path: Path) -> None:
    """Deeply nested, unclosed markup and an XML declaration load (or LoadError) without hanging."""
    deep = "<html><body><article>" + "<div>" * 5000 + "<p>Deep text survives.</p>" + "</div>" * 5000
    unclosed = '<?xml version="1.0" encoding="utf-8"?><html><body><article><p>Open para <b>bold <i>italic'
    for name, html in (("deep.html", deep), ("unclosed.html", unclosed), ("tags.html", "<div><span>" * 20000)):
        started = time.perf_counter()
        try:
            load_document(write(tmp_path, name, html))
        except LoadError:
            pass
        assert time.perf_counter() - started < 5
    assert "Open para bold italic" in load_document(tmp_path / "unclosed.html").text


# --- language, dates, outlets ---------------------------------------------------------------------


def test_language_detection(tmp_path: Path) -> None:
    """Document.lang follows index.language: kana marks Japanese, a stray kanji name in English does not."""
    english = load_document(write(tmp_path, "en.txt", "Title\n" + "Plain English words here. " * 10 + "東京"))
    japanese = load_document(write(tmp_path, "ja.txt", "Title\nAlaska summit: アラスカで会談が開かれた。"))
    assert (english.lang, japanese.lang) == ("en", "ja")


@pytest.mark.parametrize(("raw", "iso"), [
    ("2025-08-17", "2025-08-17"), ("2025/8/7", "2025-08-07"), ("2025年8月15日", "2025-08-15"),
    ("2025-07-02T06:30:00+09:00", "2025-07-02"), ("Aug 18, 2025", "2025-08-18"),
    ("18 August 2025", "2025-08-18"), ("2025-02-30", None), ("soon", None), (None, None),
])
def test_iso_date(raw: str | None, iso: str | None) -> None:
    """Dates in common notations become YYYY-MM-DD; impossible or missing dates become None."""
    assert iso_date(raw) == iso


def test_short_outlet_drops_tagline() -> None:
    """A long site tagline is cut to the outlet's own name."""
    assert short_outlet("BBC Home - Breaking News, World News, US News, Sports") == "BBC Home"
    assert short_outlet("THE VOICE OF VIETNAM") == "THE VOICE OF VIETNAM"
    assert short_outlet("A Very Long Outlet Name Without Dashes, And A Tagline") == "A Very Long Outlet Name Without Dashes"


# --- bad files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", "\u200b\ufeff\n".encode()])
def test_empty_file_rejected(tmp_path: Path, content: bytes) -> None:
    """Empty, whitespace-only or invisible-only files give LoadError('empty file')."""
    with pytest.raises(LoadError) as err:
        load_document(write(tmp_path, "e.txt", content))
    assert err.value.reason == "empty file"


def test_png_renamed_to_txt_rejected(tmp_path: Path) -> None:
    """An image renamed to .txt is reported as binary, not loaded."""
    path = write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(LoadError, match="PNG"):
        load_document(path)


def test_unsupported_extension_rejected(tmp_path: Path) -> None:
    """Files with other extensions are refused with the extension named."""
    with pytest.raises(LoadError) as err:
        load_document(write(tmp_path, "data.csv", "a,b\n"))
    assert err.value.reason == "unsupported file type .csv"


def test_missing_file_and_folder_rejected(tmp_path: Path) -> None:
    """A missing path or a folder named like an article give LoadError, not OSError."""
    with pytest.raises(LoadError, match="no such file"):
        load_document(tmp_path / "missing.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(LoadError, match="folder"):
        load_document(tmp_path / "dir.txt")


@pytest.mark.parametrize(("codec", "name"), [("cp932", "sjis.txt"), ("euc_jp", "euc.md"), ("utf-16", "u16.txt")])
def test_encoded_files_load(tmp_path: Path, codec: str, name: str) -> None:
    """Shift_JIS, EUC-JP and UTF-16-with-BOM article files load with the right text."""
    text = "新しい橋が完成した\n\n駅前の図書館で本を借りた。橋の開通式は日曜日に開かれる。\n"
    doc = load_document(write(tmp_path, name, text.encode(codec)))
    assert doc.title == "新しい橋が完成した"
    assert "橋の開通式は日曜日に開かれる。" in block_text(doc, doc.blocks[-1])


FUZZ_TOKENS = list("あ漢A 。?？\n✅💡:/#-") + [
    "https://x.jp/a", "公開日:2025/01/02", "出典/画像元: ", "さらに読む ⇒", "次のページを読む ⇒", "URL: ", "Date: ",
    "---\n", "title: t\n", "<p>", "</p>", "<article>", "<h2>", "</h2>", "<script>", "</script>", "<br>",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FUZZ_TOKENS), max_size=80).map("".join), st.sampled_from(["x.txt", "x.md", "x.html"]))
def test_any_text_loads_or_raises_load_error(tmp_path_factory: pytest.TempPathFactory, text: str, name: str) -> None:
    """Arbitrary text in any supported format loads with valid blocks or raises LoadError."""
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_text(text, encoding="utf-8")
    try:
        doc = load_document(path)
    except LoadError:
        return
    previous_end = 0
    for block in doc.blocks:
        assert previous_end <= block.start < block.end <= len(doc.text)
        previous_end = block.end


# --- folder walking --------------------------------------------------------------------------------


def test_iter_article_files_sorted_and_filtered(tmp_path: Path) -> None:
    """Folders are walked in name order; hidden entries are passed over, files of other types reported as unsupported."""
    for rel in ["b.txt", "a.md", "sub/c.html", "sub/d.HTM", "notes.csv", ".hidden.txt", ".git/e.txt", "sub/.cache/f.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = list(iter_article_files([tmp_path]))
    assert [(p.relative_to(tmp_path).as_posix(), reason) for p, reason in found] == [
        ("a.md", None), ("b.txt", None), ("notes.csv", "unsupported file type .csv"), ("sub/c.html", None),
        ("sub/d.HTM", None)]


def test_iter_article_files_accepts_a_bare_path(tmp_path: Path) -> None:
    """A single path (not a list) is walked as one path, not iterated character by character."""
    story = write(tmp_path, "story.txt", "x")
    assert list(iter_article_files(tmp_path)) == [(story, None)]


def test_iter_article_files_reports_named_problems(tmp_path: Path) -> None:
    """A missing path and a directly named unsupported file are reported with reasons."""
    csv = write(tmp_path, "table.csv", "a,b")
    found = dict(iter_article_files([tmp_path / "nope", csv]))
    assert found == {tmp_path / "nope": "no such file or folder", csv: "unsupported file type .csv"}


def test_iter_article_files_survives_symlink_loop(tmp_path: Path) -> None:
    """A symlink loop ends, and a file reachable twice is yielded once."""
    (tmp_path / "a").mkdir()
    write(tmp_path / "a", "story.txt", "x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "alias.txt").symlink_to(tmp_path / "a" / "story.txt")
    (tmp_path / "a" / "dangling.md").symlink_to(tmp_path / "missing.md")
    found = list(iter_article_files([tmp_path, tmp_path / "a"]))
    assert found == [(tmp_path / "a" / "alias.txt", None), (tmp_path / "a" / "dangling.md", "broken symbolic link")]


# --- shipped sample corpus -------------------------------------------------------------------------


def test_sample_corpus_formats() -> None:
    """The shipped samples load as matome, news and markdown, each 8-20 lines long."""
    docs = {p.name: load_document(p) for p in SAMPLE_CORPUS.iterdir()}
    assert {name: doc.format for name, doc in docs.items()} == {
        "alaska_summit_matome.txt": "matome", "osaka_expo_closing_en.txt": "news", "rice_prices_2025_ja.md": "markdown"}
    for path in SAMPLE_CORPUS.iterdir():
        assert 8 <= len(path.read_text(encoding="utf-8").splitlines()) <= 20


def test_sample_matome_answers_summit_date() -> None:
    """The Alaska sample states the summit date inside a Reuters-cited ✅ block, so the answer has a link."""
    doc = load_document(SAMPLE_CORPUS / "alaska_summit_matome.txt")
    dated = block_containing(doc, "米ロ首脳会談は2025年8月15日、アラスカ州アンカレジの米軍基地で行われた。")
    assert "エルメンドルフ・リチャードソン統合基地" in block_text(doc, dated)
    assert dated.source == "Reuters" and dated.published == "2025-08-16"
    assert dated.source_url is not None and dated.source_url.startswith("https://www.reuters.com/")
    assert dated.section == "会談の舞台"


def test_loading_is_fast() -> None:
    """Loading every fixture (after imports) takes well under a second."""
    for path in ALL_FIXTURES:
        load_document(path)  # warm the lazy imports
    started = time.perf_counter()
    for path in ALL_FIXTURES:
        load_document(path)
    assert time.perf_counter() - started < 1.0
