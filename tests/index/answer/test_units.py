"""The unit a question asks its answer in, and which sentences, in either language, give a value in it."""
import numpy as np

from index.answer.answer_type import gives, types_asked
from index.answer.units import units_asked
from index.types import Query


def _gives(question: str, sentence: str, lang: str = "en") -> bool:
    return any(cue.search(sentence) for cue in units_asked(question, lang))


def test_an_english_question_asks_for_a_value_in_its_unit_in_a_japanese_sentence():
    """"how old" is answered by 「町長(62)」, "how cold" by 「氷点下2.6度」, "how much power" by 「約110万キロワット時」, not by other numbers."""
    assert _gives("How old is the mayor of Uzuki?", "森川静香町長(62)は会見で述べた。")
    assert not _gives("How old is the mayor of Uzuki?", "23日朝の時点で計186人が身を寄せた。")
    assert _gives("How cold did it get on the night of the frost?", "午前5時ごろに氷点下2.6度を記録した。")
    assert not _gives("How cold did it get on the night of the frost?", "4月8日未明に遅霜が発生した。")
    assert _gives("How much power did the plant generate?", "1か月間の発電量は約110万キロワット時だった。")
    assert _gives("How big is the site for the new factory?", "敷地面積は約48ヘクタール。")
    assert _gives("What's the seating capacity of the new ballpark?", "収容人数は3万1,500人で、旧球場の約1.5倍。")
    assert _gives("What's the name of the submersible?", "無人探査機「みずはII」が4匹を採集した。")


def test_how_long_asks_for_a_length_of_a_thing_and_a_length_of_time_otherwise():
    """"How long is the bridge" wants metres, "how long does the fix take" hours; neither takes the other."""
    assert _gives("How long is the new bridge?", "全長は1.2キロ。") and not _gives("How long is the new bridge?", "工事に3時間かかる。")
    assert _gives("How long does the fix take?", "作業は1台あたり約3時間かかる。")
    assert not _gives("How long does the fix take?", "全長は1.2キロ。")


def test_figurative_units_are_not_asked():
    """"How far has the number dropped" asks no distance, "how old was the oldest bottle" no person's age: 「鷲見氏(44)」 does not answer it."""
    assert units_asked("How far has the number of instructors dropped?", "en") == []
    assert not _gives("How old was the oldest bottle found in the audit?", "代表取締役の鷲見玲奈氏（44）は准教授を兼ねる。")


def test_a_unit_counts_as_one_more_answer_type_given():
    """A sentence with the asked unit gives one more type than one with a bare number (answer_type.gives), and a why-question asks none."""
    q = Query("How cold did it get that night?", "en", np.zeros(4, np.float32), [])
    wanted = types_asked(q)
    assert gives(wanted, "気温は氷点下2.6度まで下がった。", None) > gives(wanted, "被害は約120ヘクタールに及んだ。", None)
    assert types_asked(Query("Why did the temperature fall so far?", "en", np.zeros(4, np.float32), [])) == \
        types_asked(Query("Why did it fall so far?", "en", np.zeros(4, np.float32), []))


def test_a_japanese_question_asks_a_unit_by_its_noun_and_an_english_sentence_can_give_it():
    """「気温は何度まで」 is answered by "2.6 degrees", 「名前は?」 by a quoted name; 「全長は何メートル」 keeps count_cue's メートル alone."""
    assert _gives("霜の夜、気温は何度まで下がった?", "It fell to 2.6 degrees below zero before dawn.", "ja")
    assert _gives("新種の魚を採った探査機の名前は?", "The robot sub \u201cMizuha II\u201d collected four fish.", "ja")
    assert not _gives("霜の夜、気温は何度まで下がった?", "The frost came on 8 April.", "ja")
    q = Query("新しい橋の全長は何メートル?", "ja", np.zeros(4, np.float32), [])
    assert len(types_asked(q)) == 1
