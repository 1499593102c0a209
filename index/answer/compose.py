"""Ranked passages -> an answer made of the articles' own sentences, each cited, or an honest abstention."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from index.answer import abstention
from index.answer.answer_type import (CITATION_LINE, DATE_LINE, PUBLISHED_ASKED, WHEN, WHICH_SOURCE, gives, headed_reason,
                                      types_asked, value_asked)
from index.answer.citations import cited_answer, to_citation
from index.answer.confidence import probability, signals
from index.answer.coverage import COVER_PASSAGES, meant, said_across, says_subject, unheard_names, unknown, unspelled
from index.answer.joiner import join
from index.answer.lead import first as lead_first, in_passage
from index.answer.logistic import LogisticModel
from index.answer.question import as_written, asked_terms, nouns
from index.answer.speech import WORDS_ASKED, with_quoted_words
from index.answer.words import cover_of, cover_weights, same_claim, second_opinion, terms
from index.text.glossary import said
from index.types import (Answer, Grounds, Hit, InPassage, Passage, Query, Ranking, Reading, Scored, Sentence,
                         SentenceParts, Signals, Thresholds)

# Passages whose sentences compete to be the answer: the eight the engine ranks. For a multi-hop
# or cross-lingual question the sentence that answers often sits in the 6th to 8th passage, and
# letting those compete gained more answers than it lost (fit sets: 7 more of 412 held their
# evidence, none fewer; NOTES.md, session 17).
ANSWER_PASSAGES = 8
MAX_SENTENCES = 3
# A further sentence joins the answer when it scores within this of the best one...
SENTENCE_MARGIN = 0.03
# ...or, within this wider margin, when it covers at least COVER_GAIN of the question's
# term weight (IDF) that the sentences already chosen leave uncovered: the other half of a
# two-part question ("A と B", "X and Y", "また…") scores lower but answers something new.
COVER_MARGIN = 0.10
COVER_GAIN = 0.10
# e5 scores a sentence in the other language than the question lower than an equally relevant
# one in the same language, even after the per-language offsets (they level unrelated pairs,
# not related ones): an English question about a Japanese article was answered with the
# English article's lead. Chosen on the fit sets (news_a, news_b, dev: 0.02 lifts news answers
# and moves no dev answer; 0.03 and above lose dev and heldout answers), see NOTES.md, session 6.
CROSS_LANGUAGE_BONUS = 0.02
# When a question's candidate sentences are in both languages, USE-multilingual's similarity
# (embedding.SecondOpinion), z-scored among them, adds this much per standard deviation: it tells
# which sentence of the other language answers better than e5-small does. Chosen on the fit sets
# (news_a, news_b, dev: 0.01 gained hit@1 there; 0.02 lost dev answers); within one language e5
# alone is better (JSQuAD lost answers with it), so a one-language candidate set is left alone.
SECOND_OPINION_WEIGHT = 0.01

NOT_COVERED = {
    "ja": "記事にはこの質問に答える記述が見つかりませんでした。近い内容の箇所を参考として示します。",
    "en": "The articles don't cover this. The closest passages are listed for reference.",
}
NOT_MENTIONED = {
    "ja": "記事には「{term}」についての記述が見つかりませんでした。近い内容の箇所を参考として示します。",
    "en": "The articles don't say anything about \u201c{term}\u201d. The closest passages are listed for reference.",
}
_URL_TAIL = re.compile(r"[:：]?\s*https?://\S+$")
_BULLET = re.compile(r"^[✅💡・•\-*>\s]+")
# A matome writer's reply to its own 「…は?」 sub-heading, written "A. …" or "→ …"
_WRITERS_REPLY = re.compile(r"^\s*(?:[AＡ]\s*[.．:：]|→)")
# Page furniture, never an answer: a matome's "さらに読む ⇒OUTLET出典/画像元" citation line (its
# outlet and link are the citation's own fields; it answers only "which outlet") and
# "次のページを読む" teasers, as a line (a whole teaser section never reaches the answer: ranking drops it).
_FURNITURE = re.compile(r"^(?:さらに読む|次のページを読む|続きを読む|Read more\b)", re.I)
_SOURCE_LINE = re.compile(r"^さらに読む\s*⇒?.*出典", re.I)
# The matome writer's own voice ("…非常に興味深いです。", "…ですね。", "…と思います。"): an
# impression, not a reported fact. Quoted speech ends in its verb of saying, so it is kept.
_COMMENTARY = re.compile(r"(?:ですね|ますね|でしょう|でしょうか|と思います|と思いました|気がします|ですよね|"
                         r"楽しみです|興味深いです|注目です|ものです|かもしれません|努めます|みてください|"
                         r"ましょう|たいです|たいと思います|"
                         # ...and its announcements of what the page holds ("…の行方を紹介します。")
                         r"紹介します|整理します|お伝えします|解説します|まとめます|見ていきます|迫ります|"
                         r"振り返ります|おさらいします|"
                         # ...also once done ("…各メディアの報道をまとめました。"); a source's own 「…と振り返りました」 stays
                         r"まとめました|整理しました|"
                         # ...also as a heading-like noun stop ("…その姿の特徴を解説。")
                         r"を(?:解説|紹介|整理|おさらい|深掘り)|"
                         # ...its impressions and guesses ("…という数字にはちょっと驚きました。", "…大きな収入に
                         # なりそう。"); hearsay ("…待っていたそうです。") reports a fact and stays quotable
                         r"驚きました|感じました|感じます|気になります|印象に残りました|意外でした|予想以上でした|"
                         r"思っていませんでした|わかります|伝わってきます|目が離せません|(?:たい|ほしい)ところです|"
                         r"はずです|限りです|(?<!た)ばかりです|のですが|もんね|なあ|とは|(?:面白|うれし|嬉し|可愛らし|かわい|寂し|"
                         r"すご)いです|(?<![ただるうい])そう(?:です)?|…)[。！!]?$|\(笑\)|（笑）")
# A question without its question mark: 「…なぜ光り、どのように暮らしているのか。」
_QUESTION_END = re.compile(r"(?:のか|だろうか|のだろう)[。]?$")
# A sentence of the type asked (answer_type.gives) scores this much more per type.
ANSWER_TYPE_BONUS = 0.02
# ...and, for a why-question, this much more under a heading that names the reason (answer_type.
# headed_reason): the heading is the writer's label, where a ため inside a sentence is as often a
# purpose. "Why did rice prices rise?" over the sample library led with the sentence on the stockpile
# sale, which says "rice" and "price", before 「価格が上がった理由」's own sentence (0.117 against 0.110).
# Such headings are rare in the question sets: no fit answer moved (0.01 or 0.03), one unseen one
# gained its first source (NOTES.md, session 35).
HEADED_REASON_BONUS = 0.03
# Sentences (best first) of which one must give that number, or citebot declines.
COUNT_SENTENCES = 5
# The nouns a question needs before "the library uses none of them" declines it.
NOTHING_KNOWN_NOUNS = 2
# ...and the passages read for a noun the other language says. The best three declined two unseen
# English questions whose Japanese passages ranked fourth or fifth ("How much of the hanging
# persimmons were lost to mould…"); eight also answered one of news_t's unanswerables on a freshly
# built index, five none (NOTES.md, session 35).
NOTHING_SAID_PASSAGES = 5
NO_COUNT = {
    "ja": "記事にはこの数や金額を示す記述が見つかりませんでした。近い内容の箇所を参考として示します。",
    "en": "The articles give no such number or amount. The closest passages are listed for reference.",
}
# For a sentence that names what the question asks for (question.asked_terms).
ASKED_BONUS = 0.04
# An article's lead (the first sentence of its first passage) names the article's subject, so e5
# finds it close to every question about the article, and it took the answer from the sentence that
# says what was asked ("How big is the site…" led with "Verdant Semiconductor, the Oregon-based
# maker…"). It scores this much less as a candidate; it still answers what only it says. Chosen on
# the fit sets (news and dev answers with evidence 403 -> 413 at 0.05, and fewer from 0.07 up;
# JSQuAD fit 349 -> 348), see NOTES.md, session 33.
LEAD_DISCOUNT = 0.05
# A best sentence whose words are nearly all the question's own restates it ("お金が「心」を数値化
# する尺度として用いられることがある" for "…用いられることがあるが、例えばどんな場合か"): what the
# question lacks is most often in the sentence after it, which joins the answer. Below this share
# of words the question does not use (jsquad-fit: under 0.2 the answer sat in a neighbour for 3 of
# 19 such questions, and never above it).
ECHO_NOVELTY = 0.2


def compose(q: Query, ranking: Ranking, k: int, embed_queries: Callable[[list[str]], np.ndarray],
            observe: Callable[[Grounds | Signals], None] | None = None,
            thresholds: Thresholds | None = None, joiner: LogisticModel | None = None) -> Answer:
    """The cited answer to `q` from its ranking: the sentences that answer, with the confidence
    model's probability that they hold what was asked, or an abstention listing the closest
    passages. `embed_queries` embeds a question's nouns, to ask whether the best passages mean a
    noun the corpus never uses. `observe` receives the abstention model's Grounds and the
    confidence model's Signals of a question that gets that far (for fitting the models);
    `thresholds`, where it declines, and `joiner`, which runners-up join the lead, are the fitted
    ones unless a fit tries others."""
    reading = read(q, ranking, k, embed_queries, observe, thresholds, joiner)
    if isinstance(reading, Answer):
        return reading
    return cited(q, ranking, reading.chosen, k, reading.confidence)


def cited(q: Query, ranking: Ranking, chosen: Sequence[Scored], k: int, confidence: float | None) -> Answer:
    """The chosen sentences as the answer, citing their passages, then the source list's others."""
    return replace(cited_answer(q, list(chosen), ranking.sources, k, ranking.hits[:k]), confidence=confidence)


def read(q: Query, ranking: Ranking, k: int, embed_queries: Callable[[list[str]], np.ndarray],
         observe: Callable[[Grounds | Signals], None] | None = None,
         thresholds: Thresholds | None = None, joiner: LogisticModel | None = None) -> Answer | Reading:
    """The sentences that answer `q`, best first, with the confidence model's probability; or
    the abstention (compose's arguments)."""
    t = thresholds or abstention.thresholds()
    hits = ranking.hits
    # The refusal rules and the decline model read the order they were fitted on, without the
    # ranking's lift across languages; the answer is read from the lifted one.
    ruled = ranking.refusal_hits
    # What a refusal lists: the source list's best k.
    listed = ranking.sources[:k]
    if not hits:
        return abstain(q, listed)
    # Sudachi reads the question once for the floor, the abstention rules, the abstention model and
    # the confidence signals.
    question = nouns(q.text)
    focus = question.focus
    # A short question scores the other language's articles low ("万博のテーマは何?" and the English Expo
    # article: -0.01 over the sample library, under the floor of 0). When the best passage is in the
    # other language and the best few of that language say a noun of the question (by its gloss or
    # reading), the floor does not decline it. On the fit sets the floor never met such a question.
    below = ruled[0].score < t.abstain_below
    across = below and ruled[0].passage.lang != q.lang \
        and said_across(focus, q.text, q.lang, ruled[:NOTHING_SAID_PASSAGES], terms)
    if below and not across:
        return abstain(q, listed)
    # The checks below read the question's words: they cannot judge an answer that may sit in a
    # passage of the other language ("Shirasuna" is 白砂 there, "11人" is "11 people") that is
    # itself about the question.
    other_language = across or any(h.passage.lang != q.lang and h.score >= t.abstain_below
                                   for h in ruled[:COVER_PASSAGES])
    missing = unspelled(unknown(focus, ranking), q.text, ruled[:COVER_PASSAGES])
    zs = meant(missing, ranking, ruled[:COVER_PASSAGES], embed_queries)
    unmeant = next((w for w, z in zip(missing, zs) if z < t.covered_z), None)
    if unmeant and not other_language:
        return abstain(q, listed, NOT_MENTIONED[q.lang].format(term=as_written(unmeant, q.text)))
    # A question none of whose nouns any article uses or spells, nor one of the best NOTHING_SAID_PASSAGES
    # passages of the other language says, is about something else however close its best passage
    # ("sourdough bread", "カレーの作り方"): a question about an article the library holds shares a noun
    # with it. One noun alone can be a paraphrase.
    if len(focus) >= NOTHING_KNOWN_NOUNS and len(missing) == len(focus) \
            and not said_across(missing, q.text, q.lang, ruled[:NOTHING_SAID_PASSAGES], terms):
        return abstain(q, listed, NOT_COVERED[q.lang])
    scored = on_subject(q, score_sentences(q, ranking, hits[:ANSWER_PASSAGES]))
    if not scored:
        return abstain(q, listed)
    value = value_asked(q)
    # The Japanese rule stays off when a best passage is in the other language, as it was fitted;
    # the English one holds either way (on the fit sets it declines no answerable question).
    if value is not None and (q.lang == "en" or not other_language):
        counted = scored if ranking.ruled is None else on_subject(q, score_sentences(q, ranking, ruled[:ANSWER_PASSAGES]))
        if not any(value[c.hit.passage.lang].search(c.text) for c in counted[:COUNT_SENTENCES]):
            return abstain(q, listed, NO_COUNT[q.lang])
    # Read across languages too: a decline for a name the answer's article writes in its own script
    # ("Karikita Bay" for 雁来湾) told the user the library knows nothing of it.
    unknown_names = unheard_names(question.names, q.text, q.lang, ranking, ruled[:COVER_PASSAGES], terms)
    # Without a passage model every candidate is as likely: the abstention model was fitted with one.
    likeliest = max((h.likely for h in (ruled if ranking.ruled is not None else ranking.sources) if h.likely is not None),
                    default=0.5)
    grounds = abstention.grounds(ruled, focus, missing, zs, unknown_names, other_language, likeliest)
    if observe is not None:
        observe(grounds)
    if abstention.declines(grounds, t.decline_above):
        message = (NOT_MENTIONED[q.lang].format(term=as_written(unknown_names[0], q.text)) if unknown_names
                   else NOT_COVERED[q.lang])
        return abstain(q, listed, message)
    # The lead model chooses which of the close candidates leads (answer/lead.py).
    scored = lead_first(scored)
    chosen = _with_next_after_echo(q, join(q, ranking, scored, on_subject_choice(q, ranking, scored), MAX_SENTENCES,
                                           joiner), scored)
    chosen = _with_antecedent(chosen, scored)
    chosen = with_quoted_words(chosen, scored, MAX_SENTENCES, bool(WORDS_ASKED.search(q.text)))
    if WHICH_SOURCE.search(q.text):
        chosen = _with_line(chosen, scored, _SOURCE_LINE)
    elif PUBLISHED_ASKED.search(q.text) and WHEN.search(q.text):
        chosen = _with_line(chosen, scored, DATE_LINE)
    backing = signals(q, ranking, hits, scored, focus, set(asked_terms(q.text)))
    if observe is not None:
        observe(backing)
    return Reading(tuple(chosen), probability(backing))


def on_subject(q: Query, scored: list[Scored]) -> list[Scored]:
    """The candidates whose passage says what the question is about (coverage.says_subject), when
    any does; all of them otherwise. Over the sample library 「大阪万博の会場はどこ?」 led with the
    Alaska summit's 「会場は…」: the noun asked for was all the two shared."""
    passages = {c.hit.passage.id: c.hit.passage for c in scored}
    about = {i for i, p in passages.items() if says_subject(q, p)}
    return [c for c in scored if c.hit.passage.id in about] or scored


def on_subject_choice(q: Query, ranking: Ranking, scored: list[Scored]) -> list[Scored]:
    """The margin rule's choice (choose) among `scored`, in the lead model's order, kept to the lead's
    article and to sentences whose passage says what the question is about (coverage.says_subject):
    a close score alone added the Alaska summit's date to 「万博の閉幕日はいつ?」. compose.read and
    scripts/train_joiner.py both hand the joiner this."""
    return [c for c in choose(scored, ranking.term_weights)
            if c.hit.passage.doc_path == scored[0].hit.passage.doc_path or says_subject(q, c.hit.passage)]


def _with_line(chosen: list[Scored], scored: list[Scored], line: re.Pattern) -> list[Scored]:
    """"Which outlet reported X", "when was it published": the sentence that states X, then its
    block's own citation line ("さらに読む ⇒OUTLET出典/画像元") or date line ("公開日:2026/02/20"),
    which answers in the article's words."""
    lead = chosen[0]
    lines = [c for c in scored if c.hit.passage.id == lead.hit.passage.id and line.search(c.text)]
    if line.search(lead.text):
        claims = [c for c in scored if c.hit.passage.id == lead.hit.passage.id and not line.search(c.text)]
        return claims[:1] + [lead] if claims else [lead]
    return [lead] + lines[:1] + [c for c in chosen[1:] if c not in lines][:MAX_SENTENCES - 2]


def _with_next_after_echo(q: Query, chosen: list[Scored], scored: list[Scored]) -> list[Scored]:
    """When the best sentence only restates the question, the quotable sentence after it (before
    it, at a passage's end) follows it."""
    lead = chosen[0]
    words = set(terms(lead.text)) if lead.hit.passage.lang == q.lang else set()
    if not words or len(words - set(q.terms)) / len(words) >= ECHO_NOVELTY:
        return chosen
    same = sorted((c for c in scored if c.hit.passage.id == lead.hit.passage.id), key=lambda c: c.sentence.start)
    at = same.index(lead)
    neighbour = same[at + 1] if at + 1 < len(same) else same[at - 1] if at else None
    if neighbour is None or neighbour in chosen:
        return chosen
    return [lead, neighbour, *chosen[1:]][:MAX_SENTENCES]


# A sentence that opens by pointing back (「これは…ためである」, "This is why…") is read with the
# sentence it points back to.
_POINTS_BACK = re.compile(r"^\s*(?:✅\s*)?(?:これ|それ|この|その|こうし|そうし)|^\s*(?:This|That|These|Those)\b")


def _with_antecedent(chosen: list[Scored], scored: list[Scored]) -> list[Scored]:
    """A lead that points back is preceded by the sentence before it in its passage: alone,
    「これは人体に有害な放射線を遮蔽するためである。」 does not say what "これ" is."""
    lead = chosen[0]
    if not _POINTS_BACK.match(lead.text):
        return chosen
    before = [c for c in scored if c.hit.passage.id == lead.hit.passage.id and 0 <= lead.sentence.start - c.sentence.end < 3]
    if not before or before[0] in chosen:
        return chosen
    return [before[0], lead, *chosen[1:]][:MAX_SENTENCES]


def score_sentences(q: Query, ranking: Ranking, hits: list[Hit]) -> list[Scored]:
    """Every sentence of the given hits, best first, scored with its passage's score as context."""
    shares = cover_weights(q.terms, ranking.term_weights)
    wanted = types_asked(q)
    published = bool(PUBLISHED_ASKED.search(q.text))
    asked = set(asked_terms(q.text))
    out = []
    for rank, hit in enumerate(hits):
        lead = hit.passage.first
        sentences = ranking.sentences.get(hit.passage.id, ())
        for position, ((s, sim), around) in enumerate(zip(sentences, in_passage(sentences, q.vector))):
            scored = _score_sentence(q, shares, asked, wanted, hit, s, sim, published=published,
                                     rank=rank, position=position, lead=lead, around=around)
            if scored is not None:
                out.append(replace(scored, score=scored.score - LEAD_DISCOUNT) if lead else scored)
                lead = False
    return sorted(_with_second_opinion(out, ranking.second), key=lambda x: -x.score)


def _with_second_opinion(scored: list[Scored], question: Callable[[], np.ndarray | None]) -> list[Scored]:
    """`question` gives the question's second-model vector; it is asked only when needed."""
    if len({c.hit.passage.lang for c in scored}) < 2:
        return scored
    z = second_opinion(scored, question)
    if z is None:
        return scored
    return [replace(c, score=c.score + SECOND_OPINION_WEIGHT * float(zi),
                    parts=c.parts and replace(c.parts, second=float(zi))) for c, zi in zip(scored, z)]


def _score_sentence(q: Query, shares: dict[str, float], asked: set[str], wanted: list[re.Pattern], hit: Hit,
                    s: Sentence, sim: float, published: bool = False, rank: int = 0, position: int = 0,
                    lead: bool = False, around: InPassage | None = None) -> Scored | None:
    p = hit.passage
    raw = p.text[s.start - p.start:s.end - p.start]
    if not quotable(raw, p, source_asked=CITATION_LINE in wanted, published_asked=published):
        return None
    text = _clean(raw)
    # The question's words said by the sentence, in its language or through the glossary, by weight.
    words = terms(text)
    cover = cover_of(shares, said(q.terms, q.lang, p.lang, words))
    names_asked = bool(said(list(asked), q.lang, p.lang, words))
    given, headed = gives(wanted, text, p.section), headed_reason(wanted, p.section)
    score = 0.5 * sim + 0.5 * hit.score + 0.05 * cover + ASKED_BONUS * names_asked
    score += ANSWER_TYPE_BONUS * given
    score += HEADED_REASON_BONUS * headed
    score += CROSS_LANGUAGE_BONUS * (p.lang != q.lang)
    parts = SentenceParts(sim, cover, names_asked, given, headed, p.lang != q.lang, lead, rank, position, around=around)
    return Scored(hit, s, text, score, parts)


def _clean(sentence: str) -> str:
    """The sentence as quoted: no bullet; a citation line's URL is the citation's link already,
    in the sentence it is only noise."""
    text = _BULLET.sub("", sentence).strip()
    return _URL_TAIL.sub("", text) or text


def quotable(sentence: str, p: Passage, source_asked: bool = False, published_asked: bool = False) -> bool:
    """Whether a sentence of `p` may be quoted as an answer: not a question (a matome's
    "…はなぜ？" sub-heading), not the title or a heading, not a teaser line (a teaser section never
    gets here: ranking drops it), not the writer's own
    impression, 💡 summary or "A." reply to a sub-heading's question; a citation line only when the
    question asks which outlet reported something, a date line (「公開日:…」) only when it asks when
    something was published: the line dates the page, not the event ("When did the Expo close?" was
    answered with the Alaska matome's 「公開日:2025/08/16」 as its second sentence)."""
    # A matome's 💡 bullet, like its "Q. …" sub-heading's "A. …" reply, is the writer's summary of a
    # quoted block that states the fact with its source; quoted first, it pushed that block's
    # sentence out as its near-duplicate.
    if sentence.lstrip().startswith("💡") or (p.lang == "ja" and _WRITERS_REPLY.match(sentence)):
        return False
    text = _clean(sentence)
    if len(text) < 4 or text.rstrip("」』)）").endswith(("?", "？")) or _QUESTION_END.search(text):
        return False
    if _FURNITURE.search(text):
        return source_asked and bool(_SOURCE_LINE.search(text))
    if DATE_LINE.search(text):
        return published_asked
    # The title line (or its first clause) heads the passage; a title that a loader took from
    # the body's first sentence is that sentence, and stays quotable.
    if (text in (p.title or "") and f"{p.title}\n" in p.text) or text == p.section:
        return False
    return not (p.lang == "ja" and _COMMENTARY.search(text))


def choose(scored: list[Scored], term_weights: dict[str, float] | None = None) -> list[Scored]:
    """The best sentence, plus runners-up close behind it: one sentence is often only half
    the answer (the other half sits next to it, or in another article for a two-part question).
    A runner-up further behind still joins when it covers question terms the others don't.
    This margin rule decides among sentences of one language, where the joiner model
    (answer/joiner.py) may add to its choice; across two, the joiner decides, reading this rule's
    choice as one of its features."""
    weights = term_weights or {}
    total = sum(weights.values())
    best = scored[0]
    chosen = [best]
    covered = set(terms(best.text))
    for cand in scored[1:]:
        if len(chosen) >= MAX_SENTENCES or cand.score < best.score - max(SENTENCE_MARGIN, COVER_MARGIN):
            break
        if any(same_claim(cand.text, c.text) for c in chosen):
            continue
        cand_terms = set(terms(cand.text))
        gain = sum(w for t, w in weights.items() if t in cand_terms and t not in covered) / total if total else 0.0
        if cand.score >= best.score - SENTENCE_MARGIN or gain >= COVER_GAIN:
            chosen.append(cand)
            covered |= cand_terms
    return chosen


def abstain(q: Query, hits: list[Hit], message: str | None = None) -> Answer:
    citations = tuple(to_citation(i + 1, h) for i, h in enumerate(hits))
    return Answer(q.text, (), citations, abstained=True, lang=q.lang, message=message or NOT_COVERED[q.lang])
