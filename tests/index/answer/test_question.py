"""Reading a question: the names it mentions, in the normal form the library's vocabulary uses."""
from index.answer.question import nouns


def test_japanese_question_names_are_its_proper_nouns_and_latin_words():
    """A Japanese question's names are its proper nouns and Latin-letter words, not its common nouns."""
    found = nouns("Debianの日本人の開発者は何人?").names
    assert "debian" in found and "開発" not in found and "人" not in found


def test_a_noun_naming_the_kind_of_answer_is_not_what_a_japanese_question_is_about():
    """「…何年に起こった出来事か」「採用された年月は?」: 出来事 and 年月 name the answer's kind, so a library without them still answers."""
    assert nouns("アンカラの戦いは何年に起こった出来事か。").focus == ["アンカラ", "戦い"]
    assert "年月" not in nouns("グロック22が採用された年月は?").focus
    assert "観客" in nouns("試合の観客数は?").focus


def test_english_question_names_are_its_capitalised_content_words():
    """An English question's names are its capitalised words, not its question word or common nouns."""
    assert nouns("How many passengers did Aizawa's self-driving bus carry?").names == ["aizawa"]
    assert nouns("What did Putin say after the summit in Alaska?").names == ["putin", "alaska"]


def test_pronouns_and_pointing_adverbs_are_not_what_an_english_question_is_about():
    """"…raise itself?", "anything else", "ever": words that point are no focus noun a library must use."""
    assert nouns("How much is left for Ambleholt to raise itself?").focus == ["ambleholt", "raise"]
    assert nouns("Did anyone else ever see the comet?").focus == ["comet"]


def test_a_verb_after_expected_to_is_not_what_an_english_question_is_about():
    """"…is expected to matter" asks about no "matter"; after other words "to" still leads to a noun ("related to tourism")."""
    assert "matter" not in nouns("When are the elections where the row is expected to matter?").focus
    assert "tourism" in nouns("How much money is related to tourism in Kyoto?").focus


def test_a_term_is_named_as_the_question_spells_it():
    """A reply naming a word the articles lack quotes the user's word ("Mars", 引越し), not its normal form (mar, 引っ越し)."""
    from index.answer.question import as_written

    assert as_written("mar", "What is the price of gold on Mars?") == "Mars"
    assert as_written("company", "How many companies' staff moved?") == "companies"
    assert as_written("引っ越し", "引越しの費用はいくら？") == "引越し"
    assert as_written("absent", "What is this?") == "absent"


def test_a_contracted_question_word_is_not_a_name():
    """"What's" opens a question capitalised, but no library must use 'what' to answer it."""
    assert nouns("What's the biggest weakness Kestle's researchers admit?").names == ["kestle"]
