"""Choosing answer sentences: the best one, close runners-up, and the other half of a two-part question."""
from dataclasses import replace

import numpy as np

from index.answer.compose import COVER_MARGIN, SENTENCE_MARGIN, choose, on_subject, on_subject_choice
from index.text.terms import query_terms
from index.types import Hit, Passage, Query, Ranking, Scored, Sentence


def _scored(text: str, score: float, pid: int = 1, start: int = 0, lang: str = "en") -> Scored:
    p = Passage(id=pid, doc_path=f"/a{pid}.txt", text=text, start=0, end=len(text), title="t", section=None,
                url=None, source=None, source_url=None, published=None, lang=lang)
    s = Sentence(passage_id=pid, start=start, end=start + len(text), vector=np.zeros(4, np.float32))
    return Scored(Hit(p, score), s, text, score)


def _engine(tmp_path, embedder, name: str, text: str):
    """An engine over a fresh index of one article."""
    from index.engine import Engine

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([folder])
    return eng


WEIGHTS = {"pitcher": 2.0, "mvp": 3.0, "victory": 2.0, "series": 1.0}


def test_close_runner_up_joins_without_term_weights():
    """Without term weights, only sentences within SENTENCE_MARGIN of the best are added."""
    best = _scored("Yamamoto was named MVP.", 0.20)
    close = _scored("He threw a complete game.", 0.20 - SENTENCE_MARGIN / 2)
    far = _scored("Fans celebrated downtown.", 0.20 - SENTENCE_MARGIN * 2)
    assert [c.text for c in choose([best, close, far])] == [best.text, close.text]


def test_sentence_covering_the_second_part_of_the_question_joins():
    """A lower sentence that holds question terms the best one lacks joins within COVER_MARGIN."""
    best = _scored("The pitcher Yamamoto was named MVP.", 0.20)
    second = _scored("He collected three victory wins.", 0.20 - (SENTENCE_MARGIN + COVER_MARGIN) / 2, pid=2)
    assert second in choose([best, second], WEIGHTS)


def test_sentence_adding_no_new_question_terms_stays_out():
    """A lower sentence that only repeats terms already covered is not added."""
    best = _scored("The pitcher Yamamoto was named MVP.", 0.20)
    repeat = _scored("MVP voting favored the pitcher again.", 0.20 - (SENTENCE_MARGIN + COVER_MARGIN) / 2, pid=2)
    assert choose([best, repeat], WEIGHTS) == [best]


def test_sentence_beyond_the_cover_margin_stays_out():
    """However much it covers, a sentence further than COVER_MARGIN behind the best is not added."""
    best = _scored("The pitcher Yamamoto was named MVP.", 0.20)
    far = _scored("He collected three victory wins.", 0.20 - COVER_MARGIN * 1.5, pid=2)
    assert choose([best, far], WEIGHTS) == [best]


def test_why_question_prefers_a_sentence_that_states_a_reason():
    """For a "why" question, a sentence giving a reason outscores an equally similar one that doesn't."""
    from index.answer.compose import score_sentences
    from index.types import Query, Ranking

    q = Query("Why did he resign?", "en", np.zeros(4, np.float32), ["resign"])
    plain = _scored("He resigned on Sunday evening.", 0.1)
    reason = _scored("He resigned because talks had ended.", 0.1, pid=2)
    ranking = Ranking([plain.hit, reason.hit], {1: [(plain.sentence, 0.1)], 2: [(reason.sentence, 0.1)]}, {},
                      None, lambda lang: np.zeros((1, 4), np.float32))
    assert [s.text for s in score_sentences(q, ranking, ranking.hits)] == [reason.text, plain.text]


def _ranked_pair(q, first: Scored, second: Scored):
    from index.answer.compose import score_sentences
    from index.types import Ranking

    ranking = Ranking([first.hit, second.hit], {first.hit.passage.id: [(first.sentence, 0.1)],
                                                 second.hit.passage.id: [(second.sentence, 0.1)]},
                      {}, None, lambda lang: np.zeros((1, 4), np.float32))
    return [s.text for s in score_sentences(q, ranking, ranking.hits)]


def test_how_much_question_prefers_a_sentence_in_either_language_giving_an_amount():
    """"What would it have cost?": a Japanese sentence giving 約58億円 outscores an equally similar Japanese one without an amount."""
    q = Query("What would rebuilding the line as a railway have cost?", "en", np.zeros(4, np.float32), [])
    story = _scored("協議会は鉄道での復旧を断念した。", 0.1, lang="ja")
    amount = _scored("鉄道での復旧には約58億円がかかる。", 0.1, pid=2, lang="ja")
    assert _ranked_pair(q, story, amount) == [amount.text, story.text]


def test_how_many_question_prefers_a_sentence_in_either_language_giving_a_number():
    """「何人?」 about an English article: "486 people had bought in" outscores a sentence with no number."""
    q = Query("出資に応じたのは何人?", "ja", np.zeros(4, np.float32), [])
    story = _scored("The village decided to buy the pub itself.", 0.1)
    count = _scored("By the deadline, 486 people had bought in.", 0.1, pid=2)
    assert _ranked_pair(q, story, count) == [count.text, story.text]


def test_a_question_asking_a_unit_prefers_the_sentence_giving_a_value_in_it_over_other_numbers():
    """"How cold did it get?": 「氷点下2.6度」 outscores an equally similar sentence with a date and a count."""
    q = Query("How cold did it get on the night of the frost?", "en", np.zeros(4, np.float32), [])
    story = _scored("4月8日未明の遅霜で、茶畑約120か所の新芽が傷んだ。", 0.1, lang="ja")
    cold = _scored("町の観測地点では氷点下2.6度を記録した。", 0.1, pid=2, lang="ja")
    assert _ranked_pair(q, story, cold) == [cold.text, story.text]


def test_a_question_asking_no_amount_or_number_gives_numbers_no_bonus():
    """"Who leads the group?": a sentence with a number gets no edge over one without."""
    q = Query("Who leads the supporters' group?", "en", np.zeros(4, np.float32), [])
    named = _scored("The group is led by Kenji Mori.", 0.1)
    number = _scored("The group has 410 members and 8,200 signatures.", 0.1, pid=2)
    assert _ranked_pair(q, named, number) == [named.text, number.text]


def test_sentence_naming_what_is_asked_for_outscores_one_repeating_the_premise():
    """"What kind of stores…?": the sentence naming stores beats a more similar one that only restates the premise."""
    from index.answer.compose import ASKED_BONUS, _score_sentence, cover_weights
    from index.answer.ranking import Query
    from index.answer.question import asked_terms
    from index.text.terms import query_terms

    question = "What kind of stores can buy the released rice?"
    q = Query(question, "en", np.zeros(4, np.float32), query_terms(question))
    premise = _scored("The government released more rice on Tuesday.", 0.1)
    answer = _scored("Small stores with milling machines can now buy it too.", 0.1, pid=2)
    asked = set(asked_terms(question))
    a = _score_sentence(q, cover_weights(q.terms, {}), asked, [], premise.hit, premise.sentence, 0.1 + ASKED_BONUS / 2)
    b = _score_sentence(q, cover_weights(q.terms, {}), asked, [], answer.hit, answer.sentence, 0.1)
    assert asked == {"store"} and b.score > a.score


def test_the_sentence_holding_the_questions_rare_word_outscores_one_holding_its_subject():
    """Cover is weighed by IDF: a sentence with the question's rare word beats one with only the article's common subject."""
    from index.answer.compose import _score_sentence, cover_weights

    q = Query("What is the nickname of Harbor City?", "en", np.zeros(4, np.float32), ["nickname", "harbor", "city"])
    weights = cover_weights(q.terms, {"nickname": 4.0, "harbor": 0.5, "city": 0.5})
    subject = _scored("Harbor City lies on the bay.", 0.1)
    nickname = _scored("Its nickname is the Gate of the North.", 0.1, pid=2)
    a = _score_sentence(q, weights, set(), [], subject.hit, subject.sentence, 0.1)
    b = _score_sentence(q, weights, set(), [], nickname.hit, nickname.sentence, 0.1)
    assert b.score > a.score


def test_a_question_term_no_article_uses_weighs_the_mean_of_the_others():
    """A term outside the corpus's vocabulary (said only through the glossary) weighs the mean IDF of the known ones."""
    from index.answer.compose import cover_weights

    assert cover_weights(["港", "nickname", "city"], {"nickname": 3.0, "city": 1.0}) == {"港": 2 / 6, "nickname": 3 / 6, "city": 1 / 6}
    assert cover_weights(["港"], {}) == {"港": 1.0}


def test_a_sentence_of_any_ranked_passage_can_be_the_answer():
    """The sentence that answers wins from the 8th-ranked passage too, not only from the best five."""
    from index.answer import abstention
    from index.answer.compose import compose
    from index.types import Ranking

    q = Query("Where will the new ferry terminal be built?", "en", np.zeros(4, np.float32), [])
    others = [_scored(f"The ferry company reported its results for year {i}.", 0.20 - 0.01 * i, pid=i) for i in range(1, 8)]
    answer = _scored("The terminal will be built on the old pier at Minato.", 0.13, pid=8)
    hits = [c.hit for c in [*others, answer]]
    sentences = {c.hit.passage.id: [(c.sentence, 0.02)] for c in others} | {8: [(answer.sentence, 0.40)]}
    ranking = Ranking(hits, sentences, {}, None, lambda lang: np.zeros((1, 4), np.float32))
    got = compose(q, ranking, 5, lambda words: np.zeros((len(words), 4), np.float32), thresholds=abstention.NO_RULES)
    assert not got.abstained and got.sentences[0].text == answer.text


def test_a_sentence_in_the_other_language_makes_up_for_its_lower_similarity():
    """An English question: a Japanese sentence as similar as an English one outscores it by CROSS_LANGUAGE_BONUS."""
    from index.answer.compose import CROSS_LANGUAGE_BONUS, _score_sentence

    q = Query("How many water stations were there?", "en", np.zeros(4, np.float32), [])
    english = _scored("The course ran along the bay.", 0.1)
    japanese = _scored("給水所が18カ所設けられた。", 0.1, pid=2, lang="ja")
    a = _score_sentence(q, {}, set(), [], english.hit, english.sentence, 0.1)
    b = _score_sentence(q, {}, set(), [], japanese.hit, japanese.sentence, 0.1)
    assert abs(b.score - a.score - CROSS_LANGUAGE_BONUS) < 1e-9


def test_question_about_something_the_articles_never_mention_abstains(tmp_path, embedder):
    """An on-topic question whose key noun no article uses or means is refused, naming the noun."""
    eng = _engine(tmp_path, embedder, "match.txt", "Harbor City wins the cup final\nURL: https://sports.example.com/final\nDate: 2025-05-01\n\n"
        "Harbor City beat Lakeside 3-1 in the cup final on Saturday. Their captain scored twice in the "
        "second half. The coach said the team had trained for this game all season.\n")
    answered = eng.ask("Which team won the cup final?")
    assert not answered.abstained and "Harbor City" in answered.text
    refused = eng.ask("What was the ticket price for the cup final?")
    assert refused.abstained and "ticket" in refused.text


_CUP_FINAL = ("Harbor City wins the cup final\nURL: https://sports.example.com/final\nDate: 2025-05-01\n\n"
              "Harbor City beat Lakeside 3-1 in the cup final on Saturday. Their captain scored twice in the second half.\n")


def test_the_answer_step_declines_where_the_thresholds_it_is_handed_say(tmp_path, embedder):
    """compose draws its lines at the thresholds given (a fit tries many), else at the fitted ones."""
    from index.answer import abstention
    from index.answer.compose import compose
    from index.types import Thresholds

    eng = _engine(tmp_path, embedder, "match.txt", _CUP_FINAL)
    q = eng.searcher.query("What was the ticket price for the cup final?")
    ranking = eng.searcher.rank(q, k=8)
    embed = eng.embedder.embed_queries
    assert compose(q, ranking, 5, embed).abstained  # "ticket" is not meant at the fitted covered_z
    assert not compose(q, ranking, 5, embed, thresholds=abstention.NO_RULES).abstained
    above_best = Thresholds(abstain_below=ranking.hits[0].score + 0.01, covered_z=float("-inf"), decline_above=None)
    assert compose(q, ranking, 5, embed, thresholds=above_best).abstained


def test_the_refusal_rules_read_the_order_before_the_lift_across_languages(tmp_path, embedder):
    """A best passage over the floor only by the glossary's lift is still under it for the refusal rules (Ranking.ruled)."""
    from index.answer.compose import compose
    from index.types import Thresholds

    eng = _engine(tmp_path, embedder, "match.txt", _CUP_FINAL)
    q = eng.searcher.query("Which team won the cup final?")
    ranking = eng.searcher.rank(q, k=8)
    best = ranking.hits[0]
    lifted = replace(ranking, hits=[replace(best, score=best.score + 0.01), *ranking.hits[1:]], ruled=ranking.hits)
    floor = Thresholds(abstain_below=best.score + 0.005, covered_z=float("-inf"), decline_above=None)
    assert compose(q, lifted, 5, eng.embedder.embed_queries, thresholds=floor).abstained
    assert not compose(q, replace(lifted, ruled=None), 5, eng.embedder.embed_queries, thresholds=floor).abstained


def test_count_question_without_that_count_in_the_articles_abstains(tmp_path, embedder):
    """A Japanese 何人/何発 question is answered only when a nearby sentence gives that count."""
    from index.answer.compose import NO_COUNT
    eng = _engine(tmp_path, embedder, "festival.txt", "港町の夏祭り\nURL: https://news.example.jp/matsuri\nDate: 2025-08-02\n\n"
        "港町で1日、夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられ、海上の台船から"
        "港全体を照らした。実行委員会は来年も同じ時期に開く予定だという。\n")
    answered = eng.ask("港町の夏祭りには何人が訪れましたか？")
    assert not answered.abstained and "約3万人" in answered.text
    refused = eng.ask("港町の夏祭りで花火は何発打ち上げられましたか？")
    assert refused.abstained and refused.message == NO_COUNT["ja"]


def test_an_english_question_for_an_amount_the_articles_never_give_abstains(tmp_path, embedder):
    """"How much did tickets cost" is declined like 「いくら」 when no nearby sentence gives an amount; "how many" is answered."""
    from index.answer.compose import NO_COUNT
    eng = _engine(tmp_path, embedder, "festival.txt", "Harbour town summer festival draws crowds\n"
        "URL: https://news.example.com/festival\nDate: 2025-08-02\n\n"
        "The harbour town's summer festival opened on Friday, and about 30,000 people came over the weekend. "
        "Fireworks were launched from a barge at 8 p.m. and lit up the whole harbour. "
        "Tickets were sold at the gate, and local shops shared the cost of the fireworks. The organising committee plans to hold the festival at the same time next year.\n")
    answered = eng.ask("How many people came to the harbour festival?")
    assert not answered.abstained and "30,000" in answered.text
    refused = eng.ask("How much did tickets for the harbour festival cost?")
    assert refused.abstained and refused.message == NO_COUNT["en"]


def test_a_question_heading_is_never_an_answer_sentence():
    """A sentence that is itself a question (a matome sub-heading like 「なぜ退任したの？」) is not scored as an answer."""
    from index.answer.compose import _score_sentence, cover_weights
    from index.answer.ranking import Query

    q = Query("Why did the coach resign?", "en", np.zeros(4, np.float32), ["coach", "resign"])
    heading = _scored("Why did the coach resign?", 0.2)
    reply = _scored("He resigned to have back surgery.", 0.1, pid=2)
    assert _score_sentence(q, cover_weights(q.terms, {}), set(), [], heading.hit, heading.sentence, 0.2) is None
    assert _score_sentence(q, cover_weights(q.terms, {}), set(), [], reply.hit, reply.sentence, 0.1) is not None


def test_page_furniture_is_never_an_answer_sentence():
    """A matome citation line (さらに読む ⇒OUTLET出典/画像元) or a 次のページを読む teaser is never quoted."""
    from index.answer.compose import _score_sentence, cover_weights
    from index.answer.ranking import Query

    q = Query("What did Putin say after the summit?", "en", np.zeros(4, np.float32), ["putin", "summit"])
    for line in ("さらに読む ⇒Reuters出典/画像元: https://example.com/x", "次のページを読む ⇒会談の舞台"):
        furniture = _scored(line, 0.3)
        assert _score_sentence(q, cover_weights(q.terms, {}), set(), [], furniture.hit, furniture.sentence, 0.3) is None


def test_the_answer_leads_with_its_best_sentence():
    """The best-scored sentence comes first even when a runner-up stands earlier in the same passage."""
    from index.answer.compose import cited_answer
    from index.answer.ranking import Query

    text = "Fans gathered downtown. Yamamoto was named MVP."
    early = _scored(text, 0.1, start=0)
    best = Scored(early.hit, Sentence(1, 24, len(text), np.zeros(4, np.float32)), "Yamamoto was named MVP.", 0.3)
    runner = Scored(early.hit, Sentence(1, 0, 23, np.zeros(4, np.float32)), "Fans gathered downtown.", 0.28)
    q = Query("Who was named MVP?", "en", np.zeros(4, np.float32), ["mvp"])
    answer = cited_answer(q, [best, runner], [early.hit], 5)
    assert [s.text for s in answer.sentences] == [best.text, runner.text]


def _passage(text: str, title: str = "t", section: str | None = None, lang: str = "ja") -> Passage:
    return Passage(id=1, doc_path="/a.txt", text=text, start=0, end=len(text), title=title, section=section,
                   url=None, source=None, source_url=None, published=None, lang=lang)


def test_titles_teasers_and_the_writers_impressions_are_never_quoted():
    """The title (or its first clause), a 次のページを読む section, 「…ですね。」 commentary and 「…を紹介します。」「…をまとめました。」 announcements are not answers; news is."""
    from index.answer.compose import quotable

    title = "深海で光る新種「ヒカリダルマ」発見!どこで?なぜ光る?"
    assert not quotable("深海で光る新種「ヒカリダルマ」発見!", _passage(f"{title}\n本文。", title=title))
    assert quotable("水族館の新館では深海魚が展示される。", _passage("水族館の新館では深海魚が展示される。",
                                                          title="水族館の新館では深海魚が展示される。"))
    assert not quotable("来年の大会はどうなる、その噂とは。", _passage("x", section="次のページを読む"))
    assert not quotable("2413人もの支援者がいたというのは、期待の大きさを物語っていますね。", _passage("x"))
    assert not quotable("影に光を重ねて姿を消すという発想は、非常に興味深いです。", _passage("x"))
    assert not quotable("跡地の売却先と再開発計画、従業員の今後を紹介します。", _passage("x"))
    assert not quotable("見つかった場所と、その姿の特徴を解説。", _passage("x"))
    assert not quotable("決定の背景と住民の声を、各メディアの報道からまとめました。", _passage("x"))
    assert quotable("監督は「最後まで粘れた」と大会を振り返りました。", _passage("x", title=title))
    assert quotable("杉森は「地元で恩返しができたと思います」と語った。", _passage("x", title=title))
    assert quotable("市の試算では経済効果は約14億円にのぼりました。", _passage("x", title=title))


def test_the_writers_surprise_feelings_and_guesses_are_never_quoted_but_hearsay_is():
    """「…驚きました。」「…と感じました。」「…になりそう。」「(笑)」 are the matome writer's; 「…待っていたそうです。」 reports a fact."""
    from index.answer.compose import quotable

    for voice in ("3割もいた、という数字にはちょっと驚きました。", "なかなか真面目な会社だなと感じました。",
                  "今後の調査結果が気になります。", "町にとって、毎年の賃料は大きな収入になりそう。",
                  "寮でサーモンが出るというのがうらやましい(笑)。", "ここまで長いとは。", "見学ツアーもぜひ期待したいところです。"):
        assert not quotable(voice, _passage("x")), voice
    assert quotable("初日は、傘を差したお年寄りが何人も待っていたそうです。", _passage("x"))
    assert quotable("直接雇用だけで約1,500人が見込まれています。", _passage("x"))
    # ...as does a polite form of a fact: "is now doing", "has just opened".
    assert quotable("県は現在、運行の詳細を詰めているところです。", _passage("x"))
    assert quotable("駅前の新しい図書館は先月開館したばかりです。", _passage("x"))


def test_a_matome_reply_to_its_sub_headings_question_is_never_quoted():
    """A Japanese "A. …" or "→ …" line under a sub-heading's question is the writer's summary, as a 💡 bullet is; "A. Smith said…" is news."""
    from index.answer.compose import quotable

    assert not quotable("A. 2026年度に大幅な拡大が予定されています。", _passage("x"))
    assert not quotable("Ａ．町の観測点で記録的な暴風が吹きました。", _passage("x"))
    assert not quotable("→ 傷んだパイプを作り直し、送風機を静かなものに替えました。", _passage("x"))
    assert quotable("A. Smith, the harbour master, said the ferry would sail at noon.", _passage("x", lang="en"))


def test_a_matome_summary_bullet_is_never_quoted():
    """💡 restates a ✅ block without its source: the ✅ sentence is the one to quote."""
    from index.answer.compose import quotable

    assert not quotable("💡 シニアの部では78歳の女性が優勝", _passage("x"))
    assert quotable("✅ シニアの部では78歳の女性が優勝した。", _passage("x"))


def test_a_question_without_its_question_mark_is_never_quoted():
    """A matome's rhetorical 「…なぜ光るのか。」 asks, it does not answer; a sentence reporting a question does."""
    from index.answer.compose import quotable

    assert not quotable("この小さな魚は、なぜ深い海の底で光るのか。", _passage("x"))
    assert not quotable("二つの研究は私たちの暮らしにどうつながるのだろうか。", _passage("x"))
    assert quotable("研究チームは、魚がなぜ光るのかを調べている。", _passage("x"))


def test_a_citation_line_answers_only_which_outlet_reported_it():
    """さらに読む ⇒OUTLET出典/画像元 is quotable for a "which outlet" question and for no other."""
    from index.answer.compose import quotable

    line = "さらに読む ⇒海と科学ニュース出典/画像元"
    assert quotable(line, _passage(line), source_asked=True)
    assert not quotable(line, _passage(line), source_asked=False)
    assert not quotable("次のページを読む ⇒会談の舞台", _passage("x"), source_asked=True)



def test_a_date_line_answers_only_when_publication_is_asked():
    """公開日:2025/08/16 is quotable for "when was it published" and for no other question: it dates the page, not the event."""
    from index.answer.compose import quotable

    for line in ("公開日:2025/08/16", "Published: 16 August 2025"):
        assert quotable(line, _passage(line), published_asked=True)
        assert not quotable(line, _passage(line))
    assert quotable("会談は2025年8月15日に行われた。", _passage("x"))


MATOME = """深海魚の新種まとめ
新種の魚が見つかった話題をまとめました。
新種はどこで見つかったの?
公開日:2025/11/12

✅ 海鳴大学の研究チームは12日、水深約1140メートルで採集した魚が新種だったと発表した。
✅ 新種の体長は6.8センチほどで、丸い体形からヒカリダルマと名付けられた。
さらに読む ⇒海と科学ニュース出典/画像元: https://umi-kagaku.example.jp/news/2025/11/12/new-species
水深1000メートル超から見つけ出すというのは、本当にすごいことですね。
"""


def test_which_outlet_answer_quotes_the_claim_then_its_citation_line(tmp_path, embedder):
    """"Which outlet reported X" is answered with the sentence stating X and its block's citation line."""
    eng = _engine(tmp_path, embedder, "matome.txt", MATOME)
    answer = eng.ask("新種の体長が6.8センチだと報じたのはどこのメディア？")
    assert not answer.abstained and answer.problem() is None
    assert "6.8センチ" in answer.sentences[0].text and "海と科学ニュース" in answer.text
    for asked in ("新種の体長が6.8センチだと報じたのはどこ？", "新種の体長が6.8センチっていうのは、どこの情報？",
                  "新種の体長が6.8センチっていう記事、出どころはどこ？"):
        assert "海と科学ニュース" in eng.ask(asked).text, asked
    plain = eng.ask("新種の体長は何センチ？")
    assert "海と科学ニュース" not in plain.text and "すごいこと" not in plain.text


def test_the_answer_quotes_the_sourced_block_not_the_summary_bullet(tmp_path, embedder):
    """Asked what a 💡 bullet and a ✅ block both say, the answer quotes the ✅ sentence, cited to its outlet."""
    summary = MATOME.replace("新種の魚が見つかった話題をまとめました。\n", "新種の魚が見つかった話題をまとめました。\n💡 新種の体長は6.8センチ\n")
    answer = _engine(tmp_path, embedder, "matome.txt", summary).ask("新種の体長は何センチ？")
    assert [s.text for s in answer.sentences if "6.8センチ" in s.text] == ["新種の体長は6.8センチほどで、丸い体形からヒカリダルマと名付けられた。"]
    cited = next(c for c in answer.citations if c.n == answer.sentences[0].n)
    assert cited.source_url == "https://umi-kagaku.example.jp/news/2025/11/12/new-species"


def test_when_an_article_was_published_is_answered_with_its_date_line(tmp_path, embedder):
    """"When was the article reporting X published" quotes the sentence stating X, then its block's 公開日 line."""
    eng = _engine(tmp_path, embedder, "matome.txt", MATOME)
    answer = eng.ask("新種の体長が6.8センチだと伝えた記事は、いつ公開されたもの？")
    assert not answer.abstained and answer.problem() is None
    assert "6.8センチ" in answer.sentences[0].text and "公開日:2025/11/12" in answer.text
    assert "公開日" not in eng.ask("新種の体長は何センチ？").text


def test_a_noun_the_corpus_spells_in_the_other_language_does_not_refuse(tmp_path, embedder):
    """An English question naming a Japanese article's town in romaji is answered, not refused over that word."""
    eng = _engine(tmp_path, embedder, "hospital.txt", "白砂市立病院の建て替え計画\nURL: https://news.example.jp/shirasuna\nDate: 2026-04-20\n\n"
        "白砂市の前市長は、市立病院の病床を320床から240床に減らす計画を進めていた。"
        "新市長はこの計画を見直す方針だ。\n")
    answer = eng.ask("How many beds did the Shirasuna city hospital plan cut to?")
    assert not answer.abstained and "240床" in answer.text


def test_a_best_sentence_restating_the_question_brings_the_next_one():
    """When the best sentence only echoes the question, the sentence after it (which says what was asked) joins it."""
    from index.answer.compose import _with_next_after_echo
    from index.text.terms import terms

    text = "Money serves as a measure of feelings. Damages for an accident are one example. Banks hold money."
    hit = Hit(_passage(text, lang="en"), 0.2)
    spans = [(0, 38), (39, 81), (82, len(text))]
    scored = [Scored(hit, Sentence(1, a, b, np.zeros(4, np.float32)), text[a:b], 0.3 - i * 0.1)
              for i, (a, b) in enumerate(spans)]
    echo = "Money serves as a measure of feelings: for example in which case?"
    q = Query(echo, "en", np.zeros(4, np.float32), terms(echo))
    assert [c.text for c in _with_next_after_echo(q, scored[:1], scored)] == [scored[0].text, scored[1].text]
    other = Query("What do banks hold?", "en", np.zeros(4, np.float32), terms("What do banks hold?"))
    assert _with_next_after_echo(other, scored[:1], scored) == scored[:1]


def test_a_lead_that_points_back_is_read_after_the_sentence_it_points_to():
    """「これは…ためである」 as the lead brings the sentence before it first; a lead that points nowhere stands alone."""
    from index.answer.compose import _with_antecedent

    text = "原子炉は鉛を組み込んだ隔壁で仕切られている。これは放射線を遮るためである。艦は1954年に竣工した。"
    hit = Hit(_passage(text), 0.2)
    second, third = text.index("これは"), text.index("艦は")
    spans = [(0, second), (second, third), (third, len(text))]
    scored = [Scored(hit, Sentence(1, a, b, np.zeros(4, np.float32)), text[a:b], 0.3 - i * 0.1)
              for i, (a, b) in enumerate(spans)]
    assert [c.text for c in _with_antecedent([scored[1], scored[2]], scored)] == [s.text for s in scored]
    assert _with_antecedent([scored[2]], scored) == [scored[2]]


def test_a_question_and_a_sentence_in_different_languages_share_words_through_the_glossary():
    """"How many employees…" finds more of itself in 従業員38人のうち21人… than in 1日8往復; and the reverse direction."""
    from index.answer.compose import _score_sentence, cover_weights
    from index.text.terms import terms

    text = "How many employees will move to the shuttle bus?"
    q = Query(text, "en", np.zeros(4, np.float32), terms(text))
    staff = _scored("従業員38人のうち21人がシャトルバスに移る。", 0.1, lang="ja")
    trips = _scored("現在は1日8往復にとどまる。", 0.1, pid=2, lang="ja")
    args = (q, cover_weights(q.terms, {}), set(), [])
    assert _score_sentence(*args, staff.hit, staff.sentence, 0.1).score > \
        _score_sentence(*args, trips.hit, trips.sentence, 0.1).score
    ja = "従業員は何人移るか"
    qj = Query(ja, "ja", np.zeros(4, np.float32), terms(ja))
    moved = _scored("Of the company's 38 employees, 21 will move.", 0.1)
    other = _scored("The bridge opened on Saturday.", 0.1, pid=2)
    argj = (qj, cover_weights(qj.terms, {}), set(), [])
    assert _score_sentence(*argj, moved.hit, moved.sentence, 0.1).score > \
        _score_sentence(*argj, other.hit, other.sentence, 0.1).score


def _with_second(text: str, score: float, second: list[float] | None, pid: int, lang: str) -> Scored:
    c = _scored(text, score, pid=pid, lang=lang)
    vec = None if second is None else np.asarray(second, np.float32)
    return Scored(c.hit, Sentence(pid, 0, len(text), np.zeros(4, np.float32), vec), text, score)


def test_second_opinion_reorders_candidates_in_both_languages():
    """Among candidates in both languages, the sentence the cross-lingual model finds closer to the question rises."""
    from index.answer.compose import SECOND_OPINION_WEIGHT, _with_second_opinion

    lead = _with_second("The ferry route closes in March.", 0.100, [0.0, 1.0], 1, "en")
    answer = _with_second("従業員38人のうち21人がバス事業に移る。", 0.100 - SECOND_OPINION_WEIGHT / 2, [1.0, 0.0], 2, "ja")
    lifted = sorted(_with_second_opinion([lead, answer], lambda: np.array([1.0, 0.0])), key=lambda c: -c.score)
    assert lifted[0].text == answer.text


def test_second_opinion_leaves_one_language_and_older_indexes_alone():
    """Candidates all in one language, or any without the second vector (an older index), keep e5's
    scores, and the question is then never embedded by the second model."""
    from index.answer.compose import _with_second_opinion

    def question():
        raise AssertionError("embedded a question the second model had no say on")

    same = [_with_second("一つ目の文。", 0.1, [0.0, 1.0], 1, "ja"), _with_second("二つ目の文。", 0.09, [1.0, 0.0], 2, "ja")]
    assert _with_second_opinion(same, question) == same
    older = [_with_second("An English one.", 0.1, None, 1, "en"), _with_second("日本語の文。", 0.09, [1.0, 0.0], 2, "ja")]
    assert _with_second_opinion(older, question) == older


def test_a_question_none_of_whose_nouns_the_library_knows_is_declined(tmp_path, embedder):
    """Two or more nouns, none used by the articles nor said by an other-language best passage: declined without any threshold."""
    from index.answer.abstention import NO_RULES
    from index.answer.compose import compose

    eng = _engine(tmp_path, embedder, "hospital.txt", "白砂市立病院の建て替え計画\nURL: https://news.example.jp/shirasuna\n"
                  "Date: 2026-04-20\n\n白砂市の前市長は、市立病院の病床を320床から240床に減らす計画を進めていた。"
                  "新市長はこの計画を見直す方針だ。\n")
    embed = eng.embedder.embed_queries

    def declined(text: str) -> bool:
        q = eng.searcher.query(text)
        return compose(q, eng.searcher.rank(q, k=8), 5, embed, thresholds=NO_RULES).abstained

    assert declined("What is the best recipe for sourdough bread?")
    assert declined("ゴルフのスイングを上達させる練習方法は？")
    assert not declined("How many beds will the city hospital have?")  # 病院, 病床 say "hospital", "bed"


def test_a_why_question_prefers_a_sentence_under_a_reason_heading_to_the_price_it_names():
    """For 「…値段が上がった理由は?」 a sentence under a 「…の理由」 heading outscores an equally similar one giving a price."""
    from index.answer.compose import score_sentences
    from index.types import Ranking

    price = _scored("平均価格は前の年の2倍、5キロ4000円になりました。", 0.1, lang="ja")
    cause = Scored(Hit(replace(_passage("猛暑で収穫が減りました。", section="値上がりの理由"), id=2), 0.1),
                   Sentence(2, 0, 12, np.zeros(4, np.float32)), "猛暑で収穫が減りました。", 0.1)
    ranking = Ranking([price.hit, cause.hit], {1: [(price.sentence, 0.1)], 2: [(cause.sentence, 0.1)]}, {},
                      None, lambda lang: np.zeros((1, 4), np.float32))
    why = Query("コメの値段が上がった理由は?", "ja", np.zeros(4, np.float32), ["コメ", "値段"])
    assert [c.text for c in score_sentences(why, ranking, ranking.hits)] == [cause.text, price.text]
    how_much = Query("コメの値段はいくら?", "ja", np.zeros(4, np.float32), ["コメ", "値段"])
    assert [c.text for c in score_sentences(how_much, ranking, ranking.hits)] == [price.text, cause.text]


def test_why_questions_about_the_sample_articles_are_answered_with_their_reasons(tmp_path, embedder):
    """Over the sample library, "why" is answered leading with the sentence giving the reason, in either language."""
    from index.engine import Engine
    from tests.paths import SAMPLE_CORPUS

    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([SAMPLE_CORPUS])
    assert eng.ask("なぜアラスカが選ばれた?").sentences[0].text.startswith("ロシアに近く")
    for asked in ("コメの値段が上がった理由は？", "Why did rice prices rise?"):
        assert "猛暑" in eng.ask(asked).sentences[0].text, asked


def test_an_articles_lead_yields_to_an_equally_close_sentence_that_says_what_was_asked():
    """The lead names the article's subject, so it is discounted: a later sentence as close to the question leads the answer, and the lead still answers when nothing else is as close."""
    q = Query("How big is the site for the new factory?", "en", np.zeros(4, np.float32), [])
    lead = _scored("Verdant Semiconductor will build a power-chip plant in Shiomi.", 0.1)
    lead = replace(lead, hit=replace(lead.hit, passage=replace(lead.hit.passage, first=True)))
    size = _scored("The site covers about 48 hectares.", 0.1, pid=2)
    assert _ranked_pair(q, lead, size) == [size.text, lead.text]
    far = _scored("The site covers about 48 hectares.", 0.1 - 0.2, pid=2)
    assert _ranked_pair(q, lead, far)[0] == lead.text


def test_the_answer_reads_only_passages_that_say_what_the_question_is_about_when_any_does():
    """「大阪万博の会場はどこ?」: the summit's 「会場は…」 says only the noun asked for, the Expo passage its subject."""
    q = Query("大阪万博の会場はどこ?", "ja", np.zeros(4, np.float32), query_terms("大阪万博の会場はどこ?"))
    summit = _scored("会場は米軍基地だった。", 0.5, pid=1, lang="ja")
    expo = _scored("The Osaka Expo ran on Yumeshima.", 0.4, pid=2)
    assert on_subject(q, [summit, expo]) == [expo]
    assert on_subject(q, [summit]) == [summit]


def test_the_sample_librarys_expo_venue_question_leads_with_the_expo(tmp_path, embedder):
    """「大阪万博の会場はどこ?」 over the sample library leads with the Expo on Yumeshima, not the Alaska summit's venue."""
    from index.engine import Engine
    from tests.paths import SAMPLE_CORPUS

    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([SAMPLE_CORPUS])
    answer = eng.ask("大阪万博の会場はどこ?")
    assert "Yumeshima" in answer.sentences[0].text, answer.text
    eng.close()


def test_another_articles_close_sentence_joins_the_margin_rules_choice_only_if_it_says_the_subject():
    """on_subject_choice (what compose and the joiner's training read) drops another article's sentence that does not say what the question is about."""
    q = Query("When did the Expo close?", "en", np.zeros(4, np.float32), query_terms("When did the Expo close?"))
    lead = _scored("The Expo closed on 13 October after six months.", 0.30, pid=1)
    summit = _scored("The summit was held on 15 August in Anchorage.", 0.299, pid=2)
    expo = _scored("Expo visitors topped 25 million before it closed.", 0.298, pid=3)
    scored = [lead, summit, expo]
    ranking = Ranking([c.hit for c in scored], {c.hit.passage.id: [(c.sentence, c.score)] for c in scored}, {}, None,
                      lambda lang: np.zeros((1, 4), np.float32))
    assert summit in choose(scored, ranking.term_weights)
    assert on_subject_choice(q, ranking, scored) == [lead, expo]
