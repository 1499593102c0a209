"""Chunking: sentence boundaries, passage sizes, and block boundaries."""
from index.ingest.chunking import MAX_CHARS, QUOTE_MAX_CHARS, chunk_block, chunk_document, split_sentences
from index.types import Block, Document


def _texts(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_japanese_sentences_end_at_full_stops_and_keep_closing_quotes():
    """。！？ end a sentence, and a closing 」 stays with the sentence it closes."""
    text = "会談は15日に行われた。「建設的だった」と述べた。本当か？はい！"
    assert _texts(text, split_sentences(text)) == ["会談は15日に行われた。", "「建設的だった」と述べた。", "本当か？", "はい！"]


def test_a_short_quotation_is_not_cut_at_its_inner_full_stops():
    """A quoted statement of two sentences, and 「…？」と聞いた, stay one sentence each."""
    text = "市長は「週休3日は福利厚生ではない。経営の判断だ」と強調した。彼は『本当か？』と聞いた。以上。"
    assert _texts(text, split_sentences(text)) == [
        "市長は「週休3日は福利厚生ではない。経営の判断だ」と強調した。", "彼は『本当か？』と聞いた。", "以上。"]


def test_an_unclosed_or_long_quotation_is_split_as_usual():
    """A quotation that never closes on its line, or runs past QUOTE_MAX_CHARS, ends at each 。."""
    assert _texts("「閉じない。次の文。", split_sentences("「閉じない。次の文。")) == ["「閉じない。", "次の文。"]
    speech = "「" + "長い話です。" * (QUOTE_MAX_CHARS // 6 + 1) + "」と述べた。"
    assert len(split_sentences(speech)) > 2


def test_an_aside_in_parentheses_is_part_of_its_sentence():
    """（…。） inside a sentence does not end it; an aside after a full stop is a sentence of its own."""
    text = "処分（公益委員がする処分を含む。）又はその不作為については、審査請求をすることができない。可決された。（詳しくは後述する。）次に進む。"
    assert _texts(text, split_sentences(text)) == [
        "処分（公益委員がする処分を含む。）又はその不作為については、審査請求をすることができない。", "可決された。",
        "（詳しくは後述する。）", "次に進む。"]


def test_a_stray_bracket_does_not_hide_a_quotation():
    """An aside left open on its line still lets a short quotation after it stay whole."""
    text = "（注 市長は「本当だ。確かだ」と言った。次。"
    assert _texts(text, split_sentences(text)) == ["（注 市長は「本当だ。確かだ」と言った。", "次。"]


def test_a_name_with_an_exclamation_mark_does_not_end_a_japanese_sentence():
    """「Yahoo!」 inside a Japanese line is a name; ! after Japanese text, at a line's end or in English still ends one."""
    text = "買収後、Yahoo! Holdingsという子会社を設立した。Yahoo!ニュースが報じた。対面!次へ。出典: Yahoo!"
    assert _texts(text, split_sentences(text)) == [
        "買収後、Yahoo! Holdingsという子会社を設立した。", "Yahoo!ニュースが報じた。", "対面!", "次へ。", "出典: Yahoo!"]
    assert _texts("He said Stop! Then he left.", split_sentences("He said Stop! Then he left.")) == [
        "He said Stop!", "Then he left."]


def test_line_breaks_end_sentences_even_without_punctuation():
    """Headings and datelines on their own line never glue onto the next sentence."""
    text = "再会の地\n公開日:2025/08/18\n本文です。"
    assert _texts(text, split_sentences(text)) == ["再会の地", "公開日:2025/08/18", "本文です。"]


def test_english_abbreviations_do_not_end_sentences():
    """'Oct. 4', 'U.S.' and 'Mr.' stay inside their sentence."""
    text = 'Tokyo, Oct. 4 -- The U.S. envoy met Mr. Smith. He said "yes." Then he left!'
    assert _texts(text, split_sentences(text)) == [
        "Tokyo, Oct. 4 -- The U.S. envoy met Mr. Smith.", 'He said "yes."', "Then he left!"]


def test_passages_hold_whole_sentences_within_the_size_limit():
    """Every passage is a run of whole sentences no longer than MAX_CHARS."""
    sentence = "これは長めの文で、検索のために十分な長さを持っている例文です。"
    text = sentence * 40
    block = Block(0, len(text))
    chunks = chunk_block(text, block)
    assert len(chunks) > 1
    sentences = {(s.start, s.end) for s in split_sentences(text)}
    for c in chunks:
        assert c.end - c.start <= MAX_CHARS
        assert all((s.start, s.end) in sentences for s in c.sentences)
    assert "".join(text[c.start:c.end] for c in chunks) == text


def test_an_over_long_sentence_is_cut_at_commas_without_losing_text():
    """A single sentence longer than a passage is split, and no character is lost."""
    text = "、".join(["とても長い節"] * 200) + "。"
    chunks = chunk_block(text, Block(0, len(text)))
    assert all(c.end - c.start <= MAX_CHARS for c in chunks)
    assert "".join(text[c.start:c.end] for c in chunks) == text


def test_passages_never_cross_blocks():
    """A source block and the commentary after it are chunked separately, keeping each block's citation."""
    quote = "✅ 首脳は会談した。\nさらに読む ⇒NHK出典/画像元: https://example.org/a"
    text = quote + "感想です。面白いですね。"
    blocks = (Block(0, len(quote), "節", "NHK", "https://example.org/a", "2025-08-18"),
              Block(len(quote), len(text), "節"))
    doc = Document(path="/x.txt", title="t", text=text, blocks=blocks)
    chunks = chunk_document(doc)
    assert [(c.start, c.end) for c in chunks] == [(0, len(quote)), (len(quote), len(text))]
    assert chunks[0].block.source == "NHK" and chunks[1].block.source is None
