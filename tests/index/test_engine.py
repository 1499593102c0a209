"""The answer engine end to end on the shipped sample corpus: cited answers, abstention, JSON contract."""

import pytest

from tests.paths import SAMPLE_CORPUS
from index.engine import Engine
from index.errors import EmptyQuestion

SAMPLE = SAMPLE_CORPUS


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder):
    eng = Engine.open(tmp_path_factory.mktemp("index"), embedder=embedder)
    report = eng.ingest([SAMPLE])
    assert report.added and not report.skipped
    yield eng
    eng.close()


def test_sample_question_gets_a_cited_answer_with_a_clickable_source(engine):
    """The README's first question is answered from the sample articles with [1] and a URL."""
    a = engine.ask("アラスカでの米ロ首脳会談はいつ行われた?")
    assert not a.abstained
    assert "[1]" in a.text and "15日" in a.text
    assert a.citations[0].link and a.citations[0].link.startswith("http")


def test_every_answer_sentence_is_quoted_from_its_cited_passage(engine):
    """Each answer sentence occurs verbatim in the passage its [n] points at."""
    for q in ("アラスカでの米ロ首脳会談はいつ行われた?", "When did the Osaka Expo close?"):
        a = engine.ask(q)
        assert a.sentences and a.problem() is None


def test_english_question_about_a_japanese_article(engine):
    """A cross-lingual question retrieves the Japanese article first."""
    a = engine.ask("When was the US-Russia summit in Alaska held?")
    assert not a.abstained
    assert "アラスカ" in a.citations[0].passage


def test_unrelated_question_abstains_in_the_questions_language(engine):
    """Questions the articles do not cover get a plain 'not covered' in the question's language."""
    en = engine.ask("What is the best recipe for sourdough bread?")
    assert en.abstained and "don't cover" in en.text
    ja = engine.ask("美味しいカレーの作り方を教えてください")
    assert ja.abstained and "見つかりませんでした" in ja.text


def test_a_compound_no_article_names_is_not_said_by_one_of_its_parts(engine):
    """「ワールドシリーズ」 is declined: the Expo article's "World Expo" says ワールド, not the World Series."""
    a = engine.ask("2025年のワールドシリーズで優勝したのは?")
    assert a.abstained and "見つかりませんでした" in a.text


def test_the_expo_closing_question_leads_with_the_closing_date(engine):
    """"When did the Expo close?" leads with the sentence that gives the date, not the September queues beside it."""
    a = engine.ask("When did the Expo close?")
    assert not a.abstained and a.sentences[0].text.startswith("OSAKA -- The 2025 World Expo in Osaka closed")


def test_a_short_japanese_question_about_the_english_article_is_answered(engine):
    """「万博のテーマは何?」 scores the English Expo article below the floor, but the article says 万博 and テーマ: it answers."""
    a = engine.ask("万博のテーマは何?")
    assert not a.abstained and "Designing Future Society" in a.sentences[0].text


def test_an_age_the_articles_never_give_is_declined(engine):
    """「年齢は?」 is held to the count rule as 「何歳?」 is: the sample articles give nobody's age."""
    from index.answer.compose import NO_COUNT

    a = engine.ask("トランプ大統領の年齢は？")
    assert a.abstained and a.message == NO_COUNT["ja"]


def test_json_contract(engine):
    """ask --json objects carry exactly the documented keys, with citations numbered from 1."""
    out = engine.ask("アラスカでの米ロ首脳会談はいつ行われた?").to_json()
    assert set(out) == {"question", "answer", "abstained", "confidence", "citations"}
    c = out["citations"][0]
    assert {"n", "passage", "title", "section", "url", "source", "source_url", "published", "path", "score",
            "role", "quote"} <= set(c)
    assert [x["n"] for x in out["citations"]] == list(range(1, len(out["citations"]) + 1))


def test_empty_question_is_refused(engine):
    """An empty or blank question raises a clear error instead of searching."""
    for q in ("", "   \n\t"):
        with pytest.raises(EmptyQuestion):
            engine.ask(q)


def test_cite_finds_the_supporting_passage(engine):
    """Citation lookup returns the passage that states the claim, first."""
    cits = engine.cite("米ロ首脳会談はアラスカ州アンカレジで開かれた")
    assert cits and "アンカレジ" in cits[0].passage


def test_sources_lists_the_sample_articles(engine):
    """Every sample article is listed with its title and passage count."""
    sources = engine.sources()
    assert len(sources) == len([p for p in SAMPLE.iterdir() if p.is_file()])
    assert all(s.title and s.passages > 0 for s in sources)


def test_the_same_story_at_another_url_is_cited_once(tmp_path, embedder):
    """A re-post of an article (its own URL, a line of its own) is indexed, but its passages never stand beside the original's: the citation names it as another place it was published."""
    original = (SAMPLE / "osaka_expo_closing_en.txt").read_text(encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "expo_repost.txt").write_text(
        original.replace("https://news.citebot.example/", "https://mirror.example/") + "\nRe-posted with permission.\n",
        encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    try:
        report = eng.ingest([SAMPLE, tmp_path / "corpus"])
        assert len(report.added) == 4 and not report.duplicates
        a = eng.ask("When did the Osaka Expo close?")
        assert not a.abstained and "13 October" in a.text
        texts = [" ".join(c.passage.split()) for c in a.citations]
        assert all(t not in u and u not in t for i, t in enumerate(texts) for u in texts[i + 1:])
        assert len({c.path for c in a.citations if "Expo" in c.passage}) == 1
        first = a.citations[0]
        assert {first.url, *first.also} == {"https://news.citebot.example/2025/10/13/osaka-expo-closes",
                                           "https://mirror.example/2025/10/13/osaka-expo-closes"}
    finally:
        eng.close()


def test_a_teaser_for_the_next_page_is_never_listed_as_a_source(engine):
    """A 次のページを読む section (the next page's headline) is neither cited nor related, even for its own headline."""
    for citations in (engine.ask("ホワイトハウスでゼレンスキー氏は何を求めた?").citations,
                      engine.cite("ゼレンスキー氏はホワイトハウスで何かを求めた")):
        assert citations
        assert all("次のページ" not in (c.section or "") for c in citations)
