"""Questions of several parts: how they are split, what each part is asked with, and that the
answer quotes each part's own sentence."""
from index.answer.parts import alone, split


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
