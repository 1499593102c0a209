"""JMdict's English words for Japanese terms, from the committed glossary."""
from index.text.glossary import english, translated
from index.text.terms import terms


def test_the_committed_glossary_gives_english_words_for_japanese_terms():
    """従業員 is an employee, 住宅 housing, 最高経営責任者 a CEO; the words are stemmed as `terms` stems English."""
    assert "employee" in english("従業員")
    assert "housing" in english("住宅")
    assert "ceo" in english("最高経営責任者")
    assert english("取水") >= set(terms("water intake"))


def test_a_word_the_glossary_lacks_has_no_english():
    """An invented name or a hiragana particle is not glossed: nothing matches it by chance."""
    assert english("潮霧") == frozenset() and english("を") == frozenset()
    assert translated(["従業員", "潮霧"]) == english("従業員")
    assert english("従業員") <= translated(terms("従業員が移る")), "a compound Sudachi splits is looked up joined"


def test_said_finds_a_questions_terms_in_either_language():
    """Same language: the shared terms; English question, Japanese text: through the text's glosses; and the reverse."""
    from index.text.glossary import said

    assert said(["bridge", "toll"], "en", "en", ["toll", "car"]) == {"toll"}
    assert said(["employee", "bus"], "en", "ja", terms("従業員がバスに移る")) == {"employee", "bus"}
    assert said(terms("従業員と潮霧"), "ja", "en", terms("Of the 38 employees, 21 will move.")) == {"従業", "員"}


def test_said_across_languages_reads_an_english_word_in_any_of_its_forms():
    """開け閉め is glossed "opening", 上昇 "rising": "open", "opened" and "rose" say them, either way round; a same-language match stays exact."""
    from index.text.glossary import said

    assert said(["open", "roof"], "en", "ja", terms("屋根は全面を約18分で開け閉めできる")) == {"open", "roof"}
    assert said(["rose"], "en", "ja", terms("価格が上昇した")) == {"rose"}
    assert said(terms("開け閉め"), "ja", "en", terms("The roof opened in 18 minutes.")) == {"開け閉め"}
    assert said(["open"], "en", "en", ["opening"]) == set()


def test_said_asks_of_a_kept_text_afresh_for_each_question():
    """The text side is kept between calls: a second question of the same text gets its own terms, and a list or tuple of the text's terms alike."""
    from index.text.glossary import said

    text = terms("従業員がバスに移る")
    assert said(["employee"], "en", "ja", text) == {"employee"}
    assert said(["bus", "ferry"], "en", "ja", list(text)) == {"bus"}
    english_text = terms("Of the 38 employees, 21 will move.")
    assert said(terms("従業員"), "ja", "en", english_text) == {"従業", "員"}
    assert said(terms("潮霧"), "ja", "en", list(english_text)) == set()
