"""Citation lookup: which passages support a claim, which are only related, and the sentence that bears on it."""
from index.answer.lookup import _capitalised_within, _numbers, _opposite, _sides, _sides_conflict


def test_opposite_outcomes_are_told_apart_in_both_languages():
    """"lost" against "beat", 増えた against 減少: the sentence says the other side; the same side is no conflict."""
    assert _opposite("The Dodgers lost Game 7 to the Blue Jays", "Instead, they beat the Toronto Blue Jays 5-4.")
    assert _opposite("来館者は増えた", "来館者は前年より減少した。")
    assert not _opposite("The Dodgers beat the Blue Jays", "Instead, they beat the Toronto Blue Jays 5-4.")
    assert not _opposite("The museum reopened", "The museum reopened on Friday.")


def test_a_sentence_that_denies_what_the_claim_asserts_is_its_opposite():
    """"no longer toys" against "still toys", 届かない against 届く; a romanised "no" (Nagi no Asa) or "No. 14" denies nothing."""
    assert _opposite("Care robots are still basically toys", "Care robots built by students were no longer toys.")
    assert _opposite("屋根を閉めると天然芝に日光が届く", "屋根を閉めると天然芝に日光が届かない。")
    assert not _opposite("The city bought Nagi no Asa in 1989", "In 1989 the city bought Nagi no Asa.")
    assert not _opposite("Typhoon No. 14 hit Shiomi", "Typhoon No. 14 hit the harbour.")
    assert not _opposite("参加者は少ない人数だった", "少ない人数で運営された。")


def test_an_english_claims_first_word_is_a_name_only_if_capitalised_elsewhere():
    """"Newcomer Risa Takaoka…": Takaoka is a name, Newcomer is not; "Mars … Mars" is."""
    claim = "Newcomer Risa Takaoka, a former city councillor, won"
    assert _capitalised_within("takaoka", claim) and not _capitalised_within("newcomer", claim)
    assert _capitalised_within("mar", "Mars rover landed on Mars")


def test_a_claims_particulars_are_its_names_and_nouns_not_its_months_or_adverbs():
    """"Roughly 387 mm of rain fell in Uzuki in September": Uzuki is a name, rain a noun; September and roughly are neither."""
    from index.answer.lookup import _particulars

    names, others = _particulars("Roughly 387 mm of rain fell in Uzuki in September", "en")
    assert names == ["uzuki"] and "rain" in others and "roughly" not in others and "september" not in names + others


def test_who_won_and_who_lost_are_read_from_subject_and_object():
    """"A lost to B" makes B the winner; "B … dropping the last two games" makes B a loser: the two conflict."""
    claim = _sides("The Dodgers lost Game 7 to the Blue Jays")
    assert claim == {"Dodgers": False, "Blue Jays": True}
    dropped = _sides("The Blue Jays, chasing their first title, had taken a 3-2 series lead before dropping "
                     "the last two games at home.")
    assert dropped == {"Blue Jays": False}
    assert _sides_conflict(claim, dropped)
    assert not _sides_conflict(_sides("The Dodgers beat the Blue Jays in Game 7"), dropped)
    assert _sides("Instead, they beat the Toronto Blue Jays 5-4.") == {"Toronto Blue Jays": False}
    assert _sides("高岡氏が黒田氏らを破って初当選した。") == {"高岡氏": True, "黒田氏": False}
    assert _sides_conflict(_sides("黒田氏は高岡氏に敗れた"), _sides("黒田氏が高岡氏に勝った。"))
    assert _sides("The museum reopened on Friday.") == {}


def test_numbers_compare_without_thousands_separators_and_with_their_scale_words():
    """28,914 and 28914 are one number; full-width digits fold to ASCII; 2500万 is 25 million, 1億2000万 120 million, 21万4,000 214,000, 6割 60%."""
    from decimal import Decimal

    assert _numbers("片桐氏は２８,９１４票") == {(Decimal(28914), Decimal(28914))}
    assert _numbers("5-4 in 11 innings") == {(Decimal(5), Decimal(5)), (Decimal(4), Decimal(4)), (Decimal(11), Decimal(11))}
    amounts = {a for _, a in _numbers("来場者は2500万人、事業費は1億2000万円、購入額は720万ドル、利用は21万4,000回")}
    assert {a for _, a in _numbers("25 million visitors, 120 million yen, $7.2 million and 214,000 rides")} == amounts
    assert Decimal(25000000) not in {a for _, a in _numbers("25 years")}
    assert {a for _, a in _numbers("about 60%")} <= {a for _, a in _numbers("生産量の約6割")}
    assert (Decimal(21), Decimal(21)) in _numbers("公開日:2026.03.21")


def _engine(tmp_path, embedder):
    from index.engine import Engine

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "series.txt").write_text(
        "Dodgers repeat as champions after Game 7 in Toronto\nURL: https://sports.example.com/ws\nDate: 2025-11-02\n\n"
        "The Dodgers were two outs from elimination on Saturday. Instead, they beat the Toronto Blue Jays "
        "5-4 in 11 innings to win Game 7. Yamamoto pitched the final two innings. He was named the series' "
        "most valuable player after winning three games, including a complete game earlier in the week. "
        "Ohtani said afterward that he considers his teammate the best pitcher in the world.\n\n"
        "The Blue Jays had taken a 3-2 series lead before dropping the last two games at home.\n", encoding="utf-8")
    (folder / "alaska.txt").write_text(
        "アラスカの歴史\nURL: https://news.example.jp/alaska\nDate: 2025-08-14\n\n"
        "米国は1867年、ロシア帝国からアラスカを720万ドルで買い取った。今も当時の教会が残る。\n", encoding="utf-8")
    eng = Engine.open(tmp_path / "index", embedder=embedder)
    eng.ingest([folder])
    return eng


def test_cite_gives_a_verdict_and_marks_the_sentence(tmp_path, embedder):
    """A claim the article states is "supports" with that sentence as quote; a contradicted or
    wrongly named one is only "related", in either language."""
    eng = _engine(tmp_path, embedder)
    stated = eng.cite("The Dodgers beat the Blue Jays in Game 7")
    assert stated[0].role == "supports" and "they beat the Toronto Blue Jays" in stated[0].quote
    assert stated[0].quote in stated[0].passage
    lost = eng.cite("The Dodgers lost Game 7 to the Blue Jays")
    assert lost and all(c.role == "related" for c in lost)
    russia = eng.cite("アラスカはロシアから買い取られた")
    assert russia[0].role == "supports" and "ロシア帝国" in russia[0].quote
    france = eng.cite("Alaska was bought from France")
    assert france and all(c.role == "related" for c in france)
    tokyo = eng.cite("アラスカは東京から買い取られた")
    assert tokyo and all(c.role == "related" for c in tokyo)


def test_a_passage_in_the_other_language_supports_only_what_it_says_in_words(tmp_path, embedder):
    """An English claim is supported by a Japanese sentence that says its names (by reading) and nouns
    (through the glossary), not by one that only shares its year: 「米国は1867年…アラスカを…買い取った」
    does not state that rice prices doubled in 1867."""
    eng = _engine(tmp_path, embedder)
    bought = eng.cite("Alaska was bought from Russia in 1867")
    assert bought[0].role == "supports" and "ロシア帝国" in bought[0].quote
    rice = eng.cite("Rice prices doubled in 1867")
    assert rice and all(c.role == "related" for c in rice)


def test_a_claim_with_no_name_noun_or_number_is_supported_by_nothing():
    """"not" or "No." states nothing a sentence could say, so no passage supports it; a claim with a noun can be."""
    import numpy as np

    from index.answer.lookup import _supports
    from index.types import Hit, Passage, Query, Scored, Sentence

    text = "The museum reopened on Friday."
    passage = Passage(id=1, doc_path="/a.txt", text=text, start=0, end=len(text), title="Museum news", section=None,
                      url=None, source=None, source_url=None, published=None, lang="en")
    hit = Hit(passage, 0.2)
    sentence = Scored(hit, Sentence(1, 0, len(text), np.zeros(4, np.float32)), text, 0.2)

    def claim(words):
        return Query(words, "en", np.zeros(4, np.float32), [])

    assert not _supports(claim("not"), hit, sentence) and not _supports(claim("No."), hit, sentence)
    assert _supports(claim("The museum reopened"), hit, sentence)


def test_across_languages_an_english_word_is_said_in_another_form_of_its_gloss():
    """「上昇」 is glossed "rising": a sentence saying "rose" says it, and a claim saying "rose" is said by 上昇; "rosy" is not."""
    from index.answer.lookup import _said

    assert _said(["上昇"], "ja", "en", "Verdant's shares rose 6.2% in New York trading.") == {"上昇"}
    assert _said(["rose"], "en", "ja", "株価は6.2%上昇した。") == {"rose"}
    assert _said(["rosy"], "en", "ja", "株価は6.2%上昇した。") == set()
