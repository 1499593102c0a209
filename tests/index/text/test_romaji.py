"""Telling whether an English word names what a Japanese reading names."""
from index.text.romaji import named_in, romanize, sounds_like


def test_katakana_readings_romanize_hepburn_style():
    """シャ/ッ/ー and the small vowels of loanwords come out as an English reader would spell them."""
    assert romanize("トウキョウ") == "toukyou"
    assert romanize("シャッター") == "shatta"
    assert romanize("フィルム") == "firumu"
    assert romanize("いりしお") == "irishio"


def test_names_match_their_katakana_and_others_do_not():
    """France is フランス and Irishio is イリシオ; France is not ロシア, Tokyo is not オオサカ."""
    for word, reading in [("france", "フランス"), ("russia", "ロシア"), ("tokyo", "トウキョウ"),
                          ("irishio", "イリシオ"), ("trump", "トランプ"), ("washington", "ワシントン")]:
        assert sounds_like(word, reading), word
    for word, reading in [("france", "ロシア"), ("tokyo", "オオサカ"), ("kyoto", "トウキョウ")]:
        assert not sounds_like(word, reading), word


def test_named_in_reads_kanji_and_spells_out_japanese_in_english_text():
    """入潮 is read イリシオ for "Irishio"; a Japanese name is found in an English sentence too."""
    assert named_in("irishio", "入潮港の埋め立て地に新工場を建てる。")
    assert not named_in("france", "ロシア帝国からアラスカを買い取った。")
    assert named_in("アラスカ", "The summit was held in Anchorage, Alaska.")


def test_a_name_sudachi_splits_is_read_whole_with_its_voiced_join():
    """潮霧 (潮 shio + 霧 kiri) is "Shiogiri" and 琴ヶ浦 "Kotogaura"; a claim naming them finds the Japanese passage."""
    assert named_in("shiogiri", "潮霧町の谷村浩二町長は話した。")
    assert named_in("kotogaura", "琴ヶ浦シティマラソンが開かれた。")
    assert named_in("潮霧", "The Shiogiri Bridge opened on Saturday.")
    assert not named_in("潮霧", "The Tokyo Bridge opened on Saturday.")


def test_a_name_of_one_or_two_sounds_is_named_only_when_a_reading_spells_it():
    """Tom is トム, not the 友 (トモ) of a Japanese passage: "how old is Tom Cruise?" was taken as about it."""
    assert not named_in("tom", "友の会が集まった。")
    assert named_in("tom", "トム・クルーズが来日した。")
    assert named_in("トム", "Tom Cruise arrived on Monday.")
    assert not named_in("友", "Tom Cruise arrived on Monday.")
    assert named_in("ed", "エドが話した。")
