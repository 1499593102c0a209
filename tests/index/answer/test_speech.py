import numpy as np

from index.answer.speech import WORDS_ASKED, open_quote, with_quoted_words
from index.types import Hit, Passage, Scored, Sentence


def _scored(text: str, spans: list[tuple[int, int]], pid: int = 1, start: int = 0) -> list[Scored]:
    p = Passage(id=pid, doc_path="/pier.md", text=text, start=start, end=start + len(text), title="t", section=None,
                url=None, source=None, source_url=None, published=None, lang="en")
    hit = Hit(p, 0.5)
    return [Scored(hit, Sentence(pid, start + a, start + b, np.zeros(4, np.float32)), text[a:b], 0.5 - i * 0.1)
            for i, (a, b) in enumerate(spans)]


PIER = ('"We are not against the ferry," said the harbour committee\'s chair, Aiko Tern. '
        '"We want the pier inspected every winter, not once a decade." The ferry starts in May.')
_SECOND, _THIRD = PIER.index('"We want'), PIER.index('The ferry')
SPANS = [(0, _SECOND - 1), (_SECOND, _THIRD - 1), (_THIRD, len(PIER))]


def test_a_sentence_naming_a_speaker_brings_the_quotation_after_it():
    """"…," said the chair. is followed by her next quoted sentence, which says what she wants."""
    s = _scored(PIER, SPANS)
    assert [c.text for c in with_quoted_words([s[0]], s, 3)] == [s[0].text, s[1].text]
    assert with_quoted_words([s[2]], s, 3) == [s[2]]


def test_the_quotation_may_sit_in_the_articles_next_passage_and_the_answer_keeps_its_length():
    """The next sentence is looked for across the article's passages; the last chosen sentence gives way at the limit."""
    first, second = PIER[:_SECOND - 1], PIER[_SECOND:]
    a = _scored(first, [(0, len(first))])
    b = _scored(second, [(0, _THIRD - 1 - _SECOND), (_THIRD - _SECOND, len(second))], pid=2, start=_SECOND)
    other = _scored("The ferry seats 40.", [(0, 19)], pid=3, start=500)
    chosen = with_quoted_words([a[0], other[0]], a + b + other, 2)
    assert [c.text for c in chosen] == [a[0].text, b[0].text]


def test_a_quotation_left_open_goes_on_in_the_next_sentence_and_plain_prose_does_not():
    """A sentence that opens a quotation without closing it brings the next; a sentence naming no speaker does not."""
    text = '"People ride the ferry for the view. Nobody sails two hours for a bus." The pier opened in 1931. It was rebuilt.'
    s = _scored(text, [(0, 36), (37, 71), (72, 96), (97, len(text))])
    assert open_quote(s[0].text) and not open_quote(PIER)
    assert [c.text for c in with_quoted_words([s[0]], s, 3)] == [s[0].text, s[1].text]
    assert with_quoted_words([s[2]], s, 3) == [s[2]]
    assert open_quote("「雪は毎年違う。") and not open_quote("「雪は毎年違う」と話した。")


def test_a_question_for_someones_words_brings_the_quotation_after_a_lead_that_only_introduces_them():
    """Asked what she said, a lead naming the speaker without quoting her is followed by her quotation; asked otherwise, it is not."""
    text = ("組合の森下委員長(54)は勤続19年のレジ担当。"
            "妥結後の会見で「声を上げれば変えられると実感できた」と語った。交渉は続ける方針だ。")
    second, third = text.index("妥結後"), text.index("交渉は")
    s = _scored(text, [(0, second), (second, third), (third, len(text))])
    assert WORDS_ASKED.search("妥結のあと、委員長はどんな手応えを語った?") and WORDS_ASKED.search("What did the chair say?")
    assert [c.text for c in with_quoted_words([s[0]], s, 3, words_asked=True)] == [s[0].text, s[1].text]
    assert with_quoted_words([s[0]], s, 3) == [s[0]]
    assert not WORDS_ASKED.search("委員長は何歳?")
