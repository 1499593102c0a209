"""What a question asks for: a date, a count with its counter, an amount in any currency."""
import numpy as np

from index.answer.answer_type import WHEN, count_cue
from index.types import Query


def test_count_question_wants_a_number_with_its_counter():
    """何冊/何位/いくら match only a number with that counter (約3万冊, 2位, 1,000円); 何度も is no question."""
    def cue(text):
        return count_cue(Query(text, "ja", np.zeros(4, np.float32), []))

    assert cue("蔵書は何冊ですか").search("蔵書は約3万冊に達した") and not cue("蔵書は何冊ですか").search("定員は20人")
    assert cue("最終順位は何位でしたか").search("リーグ2位で終えた")
    assert cue("入場料はいくらですか").search("料金は1,000円") and not cue("入場料はいくらですか").search("1,000人")
    assert cue("何度も口にしていた言葉は") is None and cue("会談はいつ") is None


def test_a_length_of_time_is_not_asked_as_a_date():
    """「何日前」「何時間」「何年ぶり」 ask for a length of time: a dated sentence gets no date bonus for them; 「何年に」 and 「何時に」 do."""
    assert not any(WHEN.search(t) for t in ("予約は何日前から取れる?", "何時間止まっていた?", "何年ぶりの開催?"))
    assert all(WHEN.search(t) for t in ("診療所は何年に開業した?", "最終便は何時に出る?", "何月何日だった?"))


def test_amount_question_takes_any_currency_and_counts_take_english_numbers():
    """いくら is answered by 1100万スウェーデン・クローナ, not by a head count."""
    cue = count_cue(Query("ノーベル賞の賞金はいくら?", "ja", np.zeros(4, np.float32), []))
    assert cue.search("賞金は各賞1100万スウェーデン・クローナ") and not cue.search("約1,000人が集まった")


def test_count_questions_take_native_counters_and_shares():
    """何個 is answered by 7つ as well as 7個, 何キロ by 70km, 何割 by 42%; 割合はいくら by a share (3割, 45%), not by an amount of money."""
    def cue(text):
        return count_cue(Query(text, "ja", np.zeros(4, np.float32), []))

    assert cue("寓話は何個あるか").search("七つの寓話") and cue("寓話は何個あるか").search("寓話は12個")
    assert cue("東西の長さは約何キロか").search("東西約70km") and cue("何割が賛成したか").search("賛成は42%")
    share = cue("相談した人の割合はいくらか")
    assert share.search("相談した人は3割程度") and share.search("全体の45%") and not share.search("1,000円")


def test_ratio_questions_are_answered_by_the_amounts_they_are_worked_out_from():
    """何倍 and 何割 take any number (a ratio is mostly worked out from two amounts), but not a sentence without one."""
    def cue(text):
        return count_cue(Query(text, "ja", np.zeros(4, np.float32), []))

    assert cue("植樹の本数は何倍に増えたか").search("初年度の1万2000本から3年目には3万本に増えた")
    assert cue("市の負担は総事業費の何割か").search("約240億円は市が負担する")
    assert not cue("植樹の本数は何倍に増えたか").search("植樹は市民の手で続けられている")


def test_a_why_question_asks_for_a_reason_only_and_a_reason_can_be_stated_many_ways():
    """「値段が上がった理由は?」 asks a reason, not a price; 「…からです。」, 「原因」 and "caused by" state one."""
    from index.answer.answer_type import REASON, types_asked

    assert types_asked(Query("コメの値段が上がった理由は?", "ja", np.zeros(4, np.float32), [])) == [REASON]
    assert len(types_asked(Query("コメの値段はいくら?", "ja", np.zeros(4, np.float32), []))) == 2
    assert all(REASON.search(t) for t in ("港に近いからです。", "猛暑が原因とみられる。", "The delay was caused by snow."))
    assert not REASON.search("価格は2倍になりました。")


def test_a_heading_that_names_the_reason_labels_its_section_for_why_questions_only():
    """「価格が上がった理由」 and "Why it matters" head a why-question's answer; a plain heading, or another question type, gets nothing."""
    from index.answer.answer_type import headed_reason, types_asked

    def wanted(text, lang="ja"):
        return types_asked(Query(text, lang, np.zeros(4, np.float32), []))

    why = wanted("コメの値段はなぜ上がった?")
    assert headed_reason(why, "価格が上がった理由") and headed_reason(why, "導入の背景は運転手不足")
    assert headed_reason(wanted("Why does the plan matter?", "en"), "Why it matters")
    assert not headed_reason(why, "備蓄米の放出") and not headed_reason(why, None)
    assert not headed_reason(wanted("コメの値段はいくら?"), "価格が上がった理由")


def test_month_and_country_counters_take_every_spelling():
    """何か月 is answered by 約２ヶ月 or 3カ月, 何カ国 by 12か国: the counter is spelled several ways."""
    def cue(text):
        return count_cue(Query(text, "ja", np.zeros(4, np.float32), []))

    months = cue("研修の期間は約何か月")
    assert months.search("期間は約２ヶ月") and months.search("3カ月の研修") and not months.search("2週間の研修")
    assert cue("何カ国が参加した").search("12か国から選手が集まった")
    assert cue("何ヶ国が参加した").search("12カ国")


def test_what_people_is_answered_by_a_peoples_name_in_the_count_rule_only():
    """「何人の圧力」 may ask "what people": the decline rule takes セルビア人, the answer-type bonus still wants a number."""
    from index.answer.answer_type import types_asked, value_asked

    q = Query("ブルガリア帝国は何人の圧力により崩壊寸前となったか", "ja", np.zeros(4, np.float32), [])
    assert value_asked(q)["ja"].search("セルビア人の圧力により崩壊寸前となった")
    assert value_asked(q)["ja"].search("約3000人が避難した") and not value_asked(q)["ja"].search("人々が避難した")
    assert not any(cue.search("セルビア人の圧力") for cue in types_asked(q))


def test_how_big_or_how_long_asks_for_a_number_that_is_not_a_date():
    """「どれくらい」, "how far", "what share" want a quantity (約380万円, 1.2メートル, 3年間, 45%), which a dated lead (1979年から, 12月1日) does not give."""
    from index.answer.answer_type import REASON, gives, types_asked

    def wanted(text, lang="ja"):
        return types_asked(Query(text, lang, np.zeros(4, np.float32), []))

    upkeep = wanted("アーケードの維持には年にどれくらいかかっていた?")
    assert gives(upkeep, "維持費は年約380万円だった", None) and not gives(upkeep, "1979年から通りを覆ってきた", None)
    assert gives(wanted("How far upstream is the overflow?", "en"), "about 1.2 miles upstream", None)
    assert gives(wanted("時計の高さはどのくらい?"), "高さ約1.2メートル", None)
    assert not gives(wanted("What share of workers are paid less?", "en"), "On 2026/01/20 and 12月1日", None)
    assert wanted("いくつもの店を回って働くことをどう感じていますか") == []
    assert wanted("利用者がどれくらい増えた理由は?") == [REASON]


def test_the_publication_of_a_quoted_block_is_asked_in_many_words():
    """「まとめの引用ブロックは、いつ公開」, 「✅ブロック、公開日は」 and "the quoted item … published" ask for a block's date line; 「公開はいつから」 (an opening) does not."""
    from index.answer.answer_type import PUBLISHED_ASKED

    assert all(PUBLISHED_ASKED.search(q) for q in (
        "料金を紹介したまとめの引用ブロックは、いつ公開されたもの？", "隕石のことを伝えた✅ブロック、公開日はいつ?",
        "窓口が開くって話のソース、公開日いつ?", "When was the quoted item on the association's vote published?",
        "委託先の名前を伝えてた記事、公開はいつ?"))
    assert not any(PUBLISHED_ASKED.search(q) for q in (
        "「白い船渠」の公開はいつからいつまで?", "正式版はいつから配信されている？", "When was the clear wood paper published?"))


def test_a_who_question_is_answered_by_a_sentence_naming_a_person():
    """「誰」 and an asking "who" want a person named by title or honorific (森下千景教諭(41), "director Tamotsu Higure"); a relative "who" asks nothing."""
    from index.answer.answer_type import gives, types_asked

    def wanted(text, lang="ja"):
        return types_asked(Query(text, lang, np.zeros(4, np.float32), []))

    fish = wanted("カガミトミヨを最初に網で捕まえた生徒って誰？")
    assert gives(fish, "顧問の森下千景教諭(41)が写真を県水産試験場に送った", None)
    assert not gives(fish, "町立中学校科学部の2年生5人が池で水生昆虫を調べていた", None)
    hall = wanted("Who is the director of the civic hall?", "en")
    assert gives(hall, "Hall director Tamotsu Higure said the organ was ready.", None)
    assert not gives(hall, "SHINONARI, Kozueno Prefecture — For most of the last decade, the organ was silent.", None)
    assert wanted("Where do the students who estimate crowd numbers come from?", "en") == []


def test_a_count_of_people_is_answered_by_a_number_of_people():
    """"How many people…" is answered in Japanese by 「約900人」 or 「120名」, not by 「約3時間」 or 「8月15日」; 「何人」 takes 名 too."""
    from index.answer.answer_type import value_asked

    def value(text, lang):
        return value_asked(Query(text, lang, np.zeros(4, np.float32), []))

    people = value("How many people attended the summit press conference?", "en")
    assert people["ja"].search("参加者は延べ約900人にのぼった") and people["ja"].search("記者120名が詰めかけた")
    assert not people["ja"].search("会談は約3時間に及んだが、2025年8月15日に行われた")
    assert people["en"].search("Some 900 reporters came")
    assert value("How many more older volunteers signed up?", "en")["ja"].search("ボランティアは12人増えた")
    assert value("How many households got the subsidy?", "en")["ja"].search("約1,240世帯が対象")
    assert value("How many times has the fair been held?", "en")["ja"].search("今年で5回目")
    assert value("How many shops took part?", "en")["ja"].search("参加した店は約30")
    assert value("参加した記者は何人?", "ja")["ja"].search("記者120名が詰めかけた")


def test_an_age_question_wants_an_age():
    """「年齢は?」 and 「平均年齢はいくつ?」 ask what 「何歳?」 asks; 年齢 as a mere word of the question is no age question."""
    def cue(text):
        return count_cue(Query(text, "ja", np.zeros(4, np.float32), []))

    assert cue("トランプ大統領の年齢は？").search("トランプ氏は79歳") and not cue("トランプ大統領の年齢は？").search("2025年8月15日")
    assert cue("組合員の平均年齢はいくつ?").search("平均年齢は67.5歳") and cue("会長の年齢は何歳ですか。")
    assert cue("年齢を確かめずに売った店はいくつ？") is None
