"""The joiner: which runners-up join the answer's lead; in one language, which join the margin rule's choice."""
from dataclasses import replace

import numpy as np

from index.answer.joiner import FEATURES, MODEL_PATH, OTHER_ARTICLE_GAP, RUNNERS_UP, join, joinings
from index.answer.logistic import LogisticModel, load
from index.text.terms import query_terms
from index.types import Hit, Passage, Query, Ranking, Scored, Sentence


def _scored(text: str, score: float, pid: int, lang: str, start: int = 0, doc: str | None = None) -> Scored:
    p = Passage(id=pid, doc_path=doc or f"/a{pid}.txt", text=text, start=0, end=start + len(text), title="t",
                section=None, url=None, source=None, source_url=None, published=None, lang=lang)
    s = Sentence(passage_id=pid, start=start, end=start + len(text), vector=np.zeros(4, np.float32))
    return Scored(Hit(p, score), s, text, score)


def _query(text: str, lang: str = "en") -> Query:
    return Query(text, lang, np.zeros(4, np.float32), query_terms(text))


def _ranking(scored: list[Scored]) -> Ranking:
    hits = list({c.hit.passage.id: c.hit for c in scored}.values())
    sentences = {h.passage.id: [(c.sentence, c.score) for c in scored if c.hit.passage.id == h.passage.id]
                 for h in hits}
    return Ranking(hits, sentences, {}, None, lambda lang: np.zeros((1, 4), np.float32))


def _model(join_above: float | None, intercept: float = -5.0, **weights: float) -> LogisticModel:
    """A model that reads only the named features (raw values, no scaling)."""
    coef = np.array([weights.get(f, 0.0) for f in FEATURES])
    return LogisticModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), coef, intercept,
                         join_above=join_above)


LEAD = _scored("The bridge's main towers stand 168 metres tall.", 0.20, pid=1, lang="en")
SAME = _scored("Drivers pay a toll of 800 yen each way.", 0.19, pid=1, lang="en", start=60)
OTHER = _scored("建設は花園建設を代表とする共同企業体が担った。", 0.15, pid=2, lang="ja")
QUESTION = _query("How tall are the bridge's towers, and which joint venture built it?")


def test_one_language_keeps_the_margin_rules_choice():
    """When every candidate is in one language the margin rule's choice stands, however unlikely the model finds it."""
    scored = [LEAD, SAME]
    hand = [LEAD, SAME]
    assert join(QUESTION, _ranking(scored), scored, hand, 3, _model(0.5, gap=-100.0)) == hand


def test_one_language_the_model_adds_to_the_margin_rules_choice():
    """In one language a runner-up the model favours joins after the margin rule's choice, which it may not drop."""
    third = _scored("The bridge was built by the Hanazono joint venture.", 0.12, pid=1, lang="en", start=120)
    scored = [LEAD, SAME, third]
    model = _model(0.5, intercept=5.0, hand=-20.0)  # likely unless the margin rule chose it
    assert join(QUESTION, _ranking(scored), scored, [LEAD, SAME], 3, model) == [LEAD, SAME, third]
    assert join(QUESTION, _ranking(scored), scored, [LEAD, SAME], 2, model) == [LEAD, SAME]


def test_model_without_an_operating_point_keeps_the_margin_rule():
    """A model that was never given an operating point does not decide."""
    scored = [LEAD, SAME, OTHER]
    assert join(QUESTION, _ranking(scored), scored, [LEAD, SAME], 3, _model(None, other_than_lead=10.0)) == [LEAD, SAME]


def test_runner_up_the_model_favours_joins_after_the_lead():
    """Across languages the runner-ups at or above the operating point join, most likely first, the lead kept first."""
    scored = [LEAD, SAME, OTHER]
    chosen = join(QUESTION, _ranking(scored), scored, [LEAD, SAME], 3, _model(0.5, other_than_lead=10.0))
    assert chosen == [LEAD, OTHER]


def test_another_article_far_behind_the_leads_passage_never_joins():
    """A runner-up whose article is about something else (its passage far behind the lead's) is left out, however likely."""
    far = replace(OTHER, hit=replace(OTHER.hit, score=LEAD.hit.score - OTHER_ARTICLE_GAP - 0.01))
    scored = [LEAD, SAME, far]
    assert join(QUESTION, _ranking(scored), scored, [LEAD, SAME], 3, _model(0.5, other_than_lead=10.0)) == [LEAD]


def test_another_article_joins_only_when_it_says_what_the_question_is_about():
    """Another article's close runner-up joins only when its passage says a question word other than the one
    naming what is asked: a summit's date does not answer when a bridge opened, for all its 「日」."""
    question = _query("花園大橋の開通日はいつ?", "ja")
    lead = _scored("The Hanazono Bridge opened to traffic on 3 March.", 0.20, pid=1, lang="en")
    summit = _scored("首脳会談は8月15日に行われた。", 0.18, pid=2, lang="ja")
    bridge = _scored("大橋の開通は3月3日だった。", 0.17, pid=3, lang="ja")
    scored = [lead, summit, bridge]
    model = _model(0.5, intercept=5.0)  # every runner-up is likely
    assert join(question, _ranking(scored), scored, [lead], 3, model) == [lead, bridge]


def test_answer_keeps_its_length_limit_and_drops_near_repeats():
    """No more than `most` sentences, and a runner-up that repeats a chosen one is left out."""
    repeat = _scored("The bridge's main towers stand 168 metres high.", 0.195, pid=3, lang="en")
    scored = [LEAD, repeat, SAME, OTHER]
    model = _model(0.5, intercept=5.0, gap=-10.0)  # every runner-up is likely, the closest most
    assert join(QUESTION, _ranking(scored), scored, [LEAD], 3, model) == [LEAD, SAME, OTHER]
    assert join(QUESTION, _ranking(scored), scored, [LEAD], 2, model) == [LEAD, SAME]


def test_features_read_the_other_language_through_the_glossary():
    """A Japanese runner-up says an English question's word through JMdict ("joint venture" = 共同企業体),
    which the lead does not: its gain is the share of that word; the margin rule's choice is marked."""
    scored = [LEAD, SAME, OTHER]
    rows = joinings(QUESTION, _ranking(scored), scored, [LEAD, SAME])
    same, other = rows
    assert other.other_than_lead == 1.0 and other.other_than_question == 1.0 and same.other_than_lead == 0.0
    assert other.gain > 0.0
    assert same.hand == 1.0 and other.hand == 0.0
    assert same.same_passage == 1.0 and other.same_passage == 0.0
    assert len(rows) == min(len(scored) - 1, RUNNERS_UP)


def test_committed_model_matches_the_features():
    """joiner.json was fitted on today's features and carries its operating point: a renamed feature
    would silently hand every answer back to the margin rule."""
    model = load(MODEL_PATH, FEATURES)
    assert model is not None and model.join_above is not None and 0.0 < model.join_above < 1.0


_PAIR = {
    "narusaka_ja.txt": "鳴坂大橋が開通　島と本土が陸路で結ばれる\nURL: https://news.example.jp/2026/03/21/narusaka\n"
                       "Date: 2026-03-21\n鳴坂県の緑島と本土側の東浜町を結ぶ「鳴坂大橋」が21日、開通した。\n"
                       "橋は全長2,400メートルの斜張橋で、主塔の高さは152メートル。\n総事業費は約980億円で、国と県が負担した。\n"
                       "開通式には地元の小学生ら約300人が参加し、テープカットの後、渡り初めを行った。\n"
                       "通行料金は普通車で片道700円。島に住民票がある人は、事前に登録すれば半額になる。\n",
    "narusaka_en.txt": "Narusaka Bridge opens, ending an island's long wait\n"
                       "URL: https://news.example.com/2026/03/22/narusaka-bridge\nDate: 2026-03-22\n"
                       "MIDORI ISLAND - The Narusaka Bridge opened to traffic on Saturday, linking the island to the "
                       "mainland by road for the first time.\nIslanders lined the approach road to watch the first cars "
                       "cross, many of them waving flags.\nThe bridge was built by a joint venture of three contractors "
                       "led by Kaiho Engineering.\nConstruction took seven years and employed about 1,200 workers at its "
                       "peak.\nFerry operators expect passenger numbers to fall by half within a year.\n",
}


def test_two_part_question_gets_its_other_half_from_the_other_language(tmp_path, embedder):
    """Asked for the consortium and the towers' height of a bridge a Japanese and an English article
    share, the answer holds both halves in either language, where the margin rule alone quoted the
    opening ceremony instead of the other article's half."""
    from index.answer.compose import compose
    from index.engine import Engine

    folder = tmp_path / "pair"
    folder.mkdir()
    for name, text in _PAIR.items():
        (folder / name).write_text(text, encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([folder])
    rule = _model(None)
    for question in ("鳴坂大橋を建てた共同企業体の代表はどこ?あと、主塔の高さは?",
                     "Which company led the consortium that built the Narusaka Bridge, and how tall are its towers?"):
        answer = " ".join(s.text for s in eng.ask(question).sentences)
        assert "Kaiho Engineering" in answer and "152メートル" in answer, answer
        q = eng.searcher.query(question)
        by_rule = compose(q, eng.searcher.rank(q, k=8), 5, eng.embedder.embed_queries, joiner=rule)
        assert not all(part in " ".join(s.text for s in by_rule.sentences) for part in ("Kaiho", "152メートル"))
    eng.close()


def test_the_sample_librarys_expo_question_is_answered_from_the_expo_article_alone(tmp_path, embedder):
    """「万博の閉幕日はいつ?」 over the sample library cites the Expo article only: the Alaska summit's date says nothing of the Expo."""
    from index.engine import Engine
    from tests.paths import SAMPLE_CORPUS

    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([SAMPLE_CORPUS])
    answer = eng.ask("万博の閉幕日はいつ?")
    assert "13 October 2025" in answer.sentences[0].text
    assert {answer.citations[s.n - 1].path.rsplit("/", 1)[-1] for s in answer.sentences} == {"osaka_expo_closing_en.txt"}
    eng.close()
