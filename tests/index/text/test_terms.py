"""Lexical terms: Japanese morphemes and English words."""
from index.answer.question import asked_terms, nouns
from index.text.terms import query_terms, terms


def test_japanese_text_yields_content_morphemes_without_particles():
    """Sudachi splits Japanese into content words; particles and punctuation are dropped."""
    t = terms("米露首脳会談はアラスカで行われた。")
    assert {"米露", "首脳", "会談", "アラスカ"} <= set(t)
    assert "は" not in t and "で" not in t and "。" not in t


def test_english_words_are_lowercased_without_stopwords_or_plurals():
    """English terms are lower-case, stop words go, and a plural matches its singular."""
    assert terms("The Summits in Alaska") == ["summit", "alaska"]


def test_full_width_digits_match_half_width():
    """NFKC makes '２０２５' and '2025' the same term."""
    assert set(terms("２０２５年")) & set(terms("2025年"))


def test_question_words_are_not_search_terms():
    """'いつ' and 'when' say what is asked, not what about, so they do not match passages."""
    assert "いつ" not in query_terms("会談はいつ行われた?")
    assert "when" not in query_terms("When was the summit?")


def test_focus_terms_are_the_nouns_a_question_is_about():
    """Focus terms keep the nouns (not adverb-like nouns, verbs or question words)."""
    assert "スーパー" in nouns("最初に並べたスーパーはどこか").focus and "最初" not in nouns("最初に並べたスーパーはどこか").focus
    assert nouns("What was the attendance when the team won?").focus == ["attendance", "team"]


def test_value_qualifiers_and_prepositions_are_not_focus_terms():
    """'final', 'exact', 'among' say which value or how, not what about: an article need not use them."""
    assert nouns("What was the final tally in the runoff?").focus == ["tally", "runoff"]
    assert nouns("What was the turnout among party members?").focus == ["turnout", "party", "member"]


def test_asked_terms_name_what_the_question_asks_for():
    """The noun after どんな/what kind of/how many, or before は何/はどこ; none for who/when."""
    assert asked_terms("新たに買い手として認められたのはどんな店か。") == ["店"]
    assert asked_terms("大屋根リングの外側の直径は何メートルか。") == ["直径"]
    assert asked_terms("会談の場所はどこか") == ["場所"]
    assert asked_terms("What is the outer diameter of the ring?") == ["diameter"]
    assert asked_terms("What was the final tally in the runoff?") == ["tally"]
    assert asked_terms("How many votes did she get?") == ["vote"]
    assert asked_terms("Who hit the home run?") == [] and asked_terms("ノーベル賞を受賞したのは誰か") == []
    assert asked_terms("What is the name of the new bridge?") == [] and asked_terms("橋の名前は何か") == []


def test_a_stop_word_with_its_clitic_is_still_a_stop_word():
    """"What's", "don't", "won't": a contracted stop word is no search term; "Japan's" is japan."""
    assert terms("What's the budget? They don't know, it isn't set and won't be") == ["budget", "know", "set"]
    assert terms("Japan’s budget") == ["japan", "budget"]


def test_a_contracted_question_still_names_what_it_asks_for():
    """"What's the X" asks for X, as "What is the X" does, and 'what' is no focus noun."""
    assert asked_terms("What's the outer diameter of the ring?") == ["diameter"]
    assert nouns("What's the biggest weakness of the study?").focus == ["weakness", "study"]
