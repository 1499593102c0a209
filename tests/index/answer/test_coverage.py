"""Whether the best passages say the nouns of a question."""
from dataclasses import replace

import numpy as np

from index.answer.coverage import names_said, said_across, says_subject, unheard_names, unknown, unspelled
from index.text.terms import query_terms, terms
from index.types import Hit, Passage, Query


def _hit(text: str) -> Hit:
    p = Passage(id=1, doc_path="/a.txt", text=text, start=0, end=len(text), title="t", section=None,
                url=None, source=None, source_url=None, published=None, lang="ja")
    return Hit(p, 0.2)


def test_a_noun_whose_compound_the_passage_spells_is_not_missing():
    """開 (from 開経 in the question) is written in a passage that says 開経, though Sudachi split it otherwise there."""
    hits = [_hit("天台宗には『無量義経』を開経、『観普賢経』を結経とする見方がある。")]
    assert unspelled(["開", "経典"], "天台宗で開経とされる経典は？", hits) == ["経典"]


def test_a_single_character_alone_is_never_taken_as_spelled():
    """A one-kanji noun with no compound around it is not found by a substring match (開 is in 開発 too)."""
    assert unspelled(["開"], "何が開？", [_hit("新製品の開発が進む。")]) == ["開"]


def test_a_noun_glossed_or_spelled_in_an_other_language_passage_is_said_across():
    """An English noun counts as said by a Japanese passage through JMdict (病院 = hospital) or its reading (フランス = France)."""
    hits = [_hit("市立病院は病床を240床に減らし、フランスの例に倣う。")]
    assert said_across(["hospital", "budget"], "How many hospital beds?", "en", hits, _terms)
    assert said_across(["france"], "What does France do?", "en", hits, _terms)
    assert not said_across(["sourdough", "bread"], "A sourdough bread recipe?", "en", hits, _terms)


def test_the_words_of_one_compound_are_said_across_only_together():
    """An English passage says ワールドシリーズ only if it says both ワールド and シリーズ; a word alone is read alone."""
    expo = Hit(replace(_hit("").passage, text="The World Expo closed in October.", lang="en"), 0.2)
    series = Hit(replace(_hit("").passage, text="The World Series went to a seventh game.", lang="en"), 0.2)
    question = "ワールドシリーズで優勝したのは?"
    assert not said_across(["ワールド", "シリーズ"], question, "ja", [expo], _terms)
    assert said_across(["ワールド", "シリーズ"], question, "ja", [series], _terms)
    assert said_across(["ワールド"], "ワールドの話", "ja", [expo], _terms)


def test_a_compound_is_said_by_a_word_only_the_whole_compound_means():
    """"summit" glosses 首脳会談 and neither 首脳 nor 会談: a passage saying it says the compound."""
    summit = Hit(replace(_hit("").passage, text="The summit in Alaska ended without a deal.", lang="en"), 0.2)
    assert said_across(["首脳", "会談"], "首脳会談はどこで開かれた?", "ja", [summit], _terms)


def test_a_passage_in_the_questions_own_language_is_not_read_across():
    """Only the other language's passages are read through the glossary: the question's own language is the vocabulary's business."""
    english = Hit(replace(_hit("").passage, text="The city hospital will cut beds.", lang="en"), 0.2)
    assert not said_across(["hospital"], "Is there a hospital?", "en", [english], _terms)


def _terms(text: str) -> tuple[str, ...]:
    return tuple(terms(text))


def test_a_noun_made_from_a_verb_the_library_uses_is_known():
    """関わり, 取り組み and 考え are used by a library that says 関わる, 取り組む and 考える; 動き and 米国 are not."""
    from types import SimpleNamespace

    ranking = SimpleNamespace(known_terms={"関わる", "取り組む", "考える", "夏"})
    assert unknown(["関わり", "取り組み", "考え", "動き", "米国", "夏"], ranking) == ["動き", "米国"]


def test_a_name_the_other_languages_best_passage_writes_is_not_unheard():
    """"Bay" of "Karikita Bay" is said by a Japanese passage writing 湾; a name no passage says stays unheard."""
    from types import SimpleNamespace

    ranking = SimpleNamespace(known_terms={"karikita"})
    bay = _hit("雁来湾のアマモ場は、2010年の調査で約3ヘクタールまで減っていた。")
    question = "How much eelgrass was left in Karikita Bay when Zorblax surveyed it?"
    assert unheard_names(["karikita", "bay", "zorblax"], question, "en", ranking, [bay], _terms) == ["zorblax"]
    assert unheard_names(["bay"], question, "en", ranking, [replace(bay, passage=replace(bay.passage, lang="en"))],
                         _terms) == ["bay"]


def test_a_passage_says_the_questions_names_in_its_own_script_or_the_other():
    """"Shiomi" is said by a Japanese passage writing 潮見, its title counts, and a name it never writes is not."""
    p = replace(_hit("潮見町の漁港では、台風で23隻の漁船が転覆した。").passage, title="台風14号の被害")
    assert names_said(["shiomi", "kagura"], "en", p) == 0.5
    assert names_said(["台風"], "ja", p) == 1.0
    assert names_said(["雲井"], "ja", p) == 0.0


def test_a_hyphenated_name_is_known_and_said_where_its_parts_are():
    """"Kusunoki-yu" is indexed as kusunoki and yu: a library and a passage that write it do not lack it; "Kusunoki-cho" in one that never writes cho does."""
    from types import SimpleNamespace

    ranking = SimpleNamespace(known_terms={"kusunoki", "yu", "bathhouse"})
    assert unknown(["kusunoki-yu", "kusunoki-cho"], ranking) == ["kusunoki-cho"]
    p = replace(_hit("The wooden door of Kusunoki-yu opened again.").passage, lang="en")
    assert names_said(["kusunoki-yu", "kusunoki-cho"], "en", p) == 0.5


def _question(text: str, lang: str) -> Query:
    return Query(text, lang, np.zeros(4, np.float32), query_terms(text))


def test_a_passage_says_the_subject_only_beyond_the_noun_asked_for():
    """「日」 names what 「開通日はいつ」 asks for, so a summit's date says nothing of the bridge; 開通 does."""
    question = _question("花園大橋の開通日はいつ?", "ja")
    assert not says_subject(question, _hit("首脳会談は8月15日に行われた。").passage)
    assert says_subject(question, _hit("大橋の開通は3月3日だった。").passage)


def test_the_adjective_after_how_is_no_subject_word():
    """"How long did the summit last?" is about the summit: an article writing "Long queues" does not say its subject."""
    queues = replace(_hit("Long queues for popular pavilions became a familiar sight.").passage, lang="en")
    assert not says_subject(_question("How long did the summit last?", "en"), queues)
    assert says_subject(_question("How long were the queues?", "en"), queues)


def test_a_passage_of_the_other_language_says_the_subject_by_gloss_or_reading():
    """An English question's subject is said by a Japanese passage through JMdict (選挙 = election) or a name's reading (八潮 = Yashio)."""
    question = _question("What was the turnout in the Yashio mayoral election?", "en")
    assert says_subject(question, _hit("八潮町では新しい橋が開通した。").passage)
    assert says_subject(question, _hit("町長選挙の投票は日曜日だった。").passage)
    assert not says_subject(question, _hit("首脳会談は8月15日に行われた。").passage)


def test_a_subject_word_is_said_as_spelled_in_either_language_and_in_its_verb_forms():
    """「Eastgateの分館…」 is said by an English passage that writes "Eastgate"; "knock" by one that writes "knocked"."""
    english = replace(_hit("The Eastgate branch could reopen in September.").passage, lang="en")
    assert says_subject(_question("Eastgateの分館はいつ再開する?", "ja"), english)
    doors = replace(_hit("Staff knocked on more than 1,900 doors.").passage, lang="en")
    assert says_subject(_question("How many doors did the salesmen knock on?", "en"), doors)
    assert not says_subject(_question("How many doors did the salesmen paint?", "en"), doors)
