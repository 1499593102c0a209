"""Questions of several parts: how they are split, what each part is asked with, and that the
answer quotes each part's own sentence."""
from index.answer.parts import alone, bridged, split


def test_japanese_question_splits_at_an_inner_question_mark_and_drops_the_opener():
    """「…はどこ?あと、…は何メートル?」 is two questions; 「あと、」 only joins them."""
    assert split("潮見大橋を造った共同企業体の代表はどこ?あと、主塔の高さは何メートル?", "ja") == \
        ["潮見大橋を造った共同企業体の代表はどこ?", "主塔の高さは何メートル?"]


def test_english_question_splits_at_a_joined_second_question():
    """", and how heavy was it?" is a second question; the first keeps its question mark."""
    assert split("Who found the meteorite fragment, and how heavy was it?", "en") == \
        ["Who found the meteorite fragment?", "how heavy was it?"]


def test_a_statement_before_the_question_is_a_part():
    """"X did Y. What is Z?": the statement names what the question's "that" points at."""
    assert split("The plant sends power to a gondola station. How tall is that line's tallest tower?", "en") == \
        ["The plant sends power to a gondola station.", "How tall is that line's tallest tower?"]


def test_one_question_stays_whole():
    """Abbreviations, a quoted question and "and" inside a noun phrase do not split a question."""
    for text, lang in (("When will the No. 3 unit be rebuilt?", "en"),
                       ("Who did Mr. Ito meet in Osaka?", "en"),
                       ("What did the mayor and the council agree?", "en"),
                       ("「何が起きた?」と聞かれた市長は何と答えた?", "ja"),
                       ("瑠璃ヶ丘と柚ノ木、家賃相場はどれくらい違う?", "ja")):
        assert split(text, lang) == [text], text


def test_a_description_then_a_question_about_it_is_two_parts():
    """「…配られた日本酒、その酒蔵は…」, 「…した市長って、…」 and "The sake handed out…: how many…"
    describe a thing, then ask about it: the description is a part of its own."""
    assert split("初便で配られた日本酒、その酒蔵はどこの国に輸出している?", "ja") == \
        ["初便で配られた日本酒、", "その酒蔵はどこの国に輸出している?"]
    assert split("再開式でテープカットした市長って、市長選で何票取ったの?", "ja") == \
        ["再開式でテープカットした市長って、", "市長選で何票取ったの?"]
    assert split("The sake handed out on the first flight: how many bottles will the brewery ship?", "en") == \
        ["The sake handed out on the first flight:", "how many bottles will the brewery ship?"]
    assert split("The mayor who opened the museum — how many votes did he win?", "en") == \
        ["The mayor who opened the museum —", "how many votes did he win?"]


def test_a_named_topic_is_not_a_description():
    """「汐見工場って、…」 names what it asks about, and "2:30" is a time: one question each."""
    for text, lang in (("汐見工場って、月に何枚のウエハーを処理できるの?", "ja"),
                       ("What happens at 2:30 on the opening day?", "en")):
        assert split(text, lang) == [text], text


def test_a_description_s_sentence_names_what_the_next_part_asks_about():
    """The sentence answering "The sake handed out on the first flight" names the brewery, which
    the question never does: that name, whole, goes with the next part."""
    sentence = "Every passenger was handed a bottle of sake from Tsukiyo Shuzo, a brewery in Hanamori."
    assert bridged(sentence, "en", "The sake handed out on the first flight: how many bottles will that brewery ship?") == \
        ["Tsukiyo Shuzo", "Hanamori"]
    assert bridged("式典では三宅隆市長がテープカットを行った。", "ja", "テープカットした市長って、何票取ったの?") == ["三宅隆市長"]


def test_a_short_tail_stays_with_its_question():
    """「…って本当? 何時?」: a part of a few characters asks nothing alone."""
    assert split("閉園の日は予定より早く開門したって本当?何時?", "ja") == ["閉園の日は予定より早く開門したって本当?何時?"]


def test_a_later_part_carries_the_earlier_parts_nouns():
    """「いくらかかった?」 alone is about nothing: it is asked with the nouns the first part names,
    written as the text writes them (潮見大橋, not 潮・見・大橋)."""
    first, second = alone(["潮見大橋を造ったのはどこ?", "いくらかかった?"], "ja")
    assert first == "潮見大橋を造ったのはどこ?"
    assert second.startswith("いくらかかった?") and "潮見大橋" in second
    assert alone(["Who found the meteorite?", "how heavy was it?"], "en")[1] == "how heavy was it? (meteorite)"


BRIDGE = ("潮見大橋が開通 島と本土が車で5分に\nURL: https://news.example.jp/shiomi-bridge\nDate: 2026-03-21\n\n"
          "潮見島と本土を結ぶ潮見大橋が21日、開通した。午前10時から島側で開通式が開かれ、約800人が集まった。"
          "式では島の小学生が太鼓を披露した。\n\n"
          "橋は全長2,860メートルの斜張橋で、主塔の高さは168メートル。総事業費は約420億円だった。"
          "設計は東和設計、施工は花園建設を代表とする共同企業体が担った。\n\n"
          "これまで島民はフェリーで本土に渡っていた。フェリーは1日6便で、最終便は午後7時だった。"
          "島の人口は約2,400人で、65歳以上が4割を占める。\n")


def test_each_part_of_a_two_part_question_is_answered_with_its_own_cited_sentence(tmp_path, embedder):
    """Asked whole, "…ceremony, and how tall are the towers?" quotes only the ceremony's sentence;
    asked in parts, the answer also quotes the towers' height, each sentence citing its passage."""
    from index.engine import Engine

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    try:
        eng.ingest([folder])
        answer = eng.ask("How many people came to the opening ceremony, and how tall are the towers?")
    finally:
        eng.close()
    assert answer.problem() is None
    texts = [s.text for s in answer.sentences]
    assert any("約800人" in t for t in texts) and any("168メートル" in t for t in texts)


FIRM = ("花園建設、新社長に森田氏\nURL: https://news.example.jp/hanazono-president\nDate: 2026-04-02\n\n"
        "花園建設は1日、森田康介専務(56)が社長に昇格する人事を発表した。"
        "同社は1952年創業の中堅ゼネコンで、従業員は約2,300人。昨年度の売上高は約1,800億円だった。\n\n"
        "森田氏は土木部門の出身で、県内の橋やトンネルの工事を多く手がけてきた。\n")


def test_the_part_after_a_description_is_asked_about_what_it_names(tmp_path, embedder):
    """「…共同企業体の代表、その会社の新しい社長は誰?」: the sentence answering the description names
    花園建設, which the question never does; the next part is asked with that name, and the answer
    quotes both the naming sentence and the new president's."""
    from index.answer import parts
    from index.engine import Engine

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    (folder / "firm.txt").write_text(FIRM, encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    asked = []

    def query(text):
        asked.append(text)
        return eng.searcher.query(text)

    try:
        eng.ingest([folder])
        answer = parts.answer("潮見大橋を施工した共同企業体の代表、その会社の新しい社長は誰?", query,
                              lambda q: eng.searcher.rank(q, k=8), 5, embedder.embed_queries)
    finally:
        eng.close()
    assert any(a.startswith("その会社の新しい社長は誰?") and "花園建設" in a for a in asked), asked
    texts = [s.text for s in answer.sentences]
    assert any("花園建設を代表とする" in t for t in texts) and any("森田康介" in t for t in texts), texts
