"""Values that cross module lines, in pipeline order: file -> Document -> Chunk -> NewPassage ->
Passage -> Hit -> Ranking -> Scored sentence -> Answer / Citation."""
from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Block:
    """A span of a document's text that shares one section and one citation.

    A matome post's quoted `✅` block is its own Block whose `source`/`source_url`
    name the quoted outlet and whose `published` is the `公開日` date before it.
    Chunking never lets a passage cross a Block boundary.
    """

    start: int  # offset into Document.text
    end: int
    section: str | None = None
    source: str | None = None  # quoted outlet (e.g. "BBC"), None for the page's own text
    source_url: str | None = None
    published: str | None = None  # ISO date of the quoted source, None to inherit the document's


@dataclass(frozen=True)
class Document:
    """One article with its provenance. Offsets everywhere refer to `text`."""

    path: str  # where it was loaded from (absolute)
    title: str
    text: str
    blocks: tuple[Block, ...]
    url: str | None = None  # the article's own URL (URL: line, front matter, canonical link)
    published: str | None = None  # ISO date YYYY-MM-DD
    outlet: str | None = None  # the article's own publisher, when known
    lang: str = "ja"  # "ja" or "en": the main language of the text
    format: str = "txt"  # "matome", "news", "markdown", "html", "txt"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A passage before it has a row id: whole sentences of one block."""

    start: int
    end: int
    block: Block
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class SourceInfo:
    """An indexed article, for listings."""

    path: str
    title: str
    url: str | None
    published: str | None
    outlet: str | None
    lang: str
    passages: int
    library: str = "default"


@dataclass(frozen=True)
class Sentence:
    passage_id: int
    start: int
    end: int
    vector: np.ndarray
    # The cross-lingual model's vector (embedding.SecondOpinion); None in an index without it.
    second: np.ndarray | None = None


@dataclass(frozen=True)
class NewPassage:
    """A passage to write: its vectors are already computed."""

    start: int
    end: int
    text: str
    section: str | None
    source: str | None
    source_url: str | None
    published: str | None
    lang: str
    terms: list[str]
    vector: np.ndarray
    sentences: list[tuple[int, int, np.ndarray]]
    # The cross-lingual model's vector of each sentence, in the same order; empty without it.
    second: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A retrievable chunk: a run of whole sentences inside one Block."""

    id: int  # row id in the store
    doc_path: str
    text: str
    start: int  # offsets into the Document's text
    end: int
    title: str
    section: str | None
    url: str | None
    source: str | None
    source_url: str | None
    published: str | None  # the block's date, else the document's
    lang: str
    outlet: str | None = None
    library: str = "default"  # the named library whose index holds it
    # The article's first passage: its first sentence is the lead, which names the article's subject.
    first: bool = False

    @property
    def link(self) -> str | None:
        """The URL a reader should click: the quoted outlet's, else the article's."""
        return self.source_url or self.url


@dataclass(frozen=True)
class Hit:
    """A passage ranked for a query, with the score that ranked it."""

    passage: Passage
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    copies: tuple[Passage, ...] = ()  # other articles' passages that repeat this one (answer/copies.py)
    # The passage model's probability that it holds what was asked (answer/placing.py); None unscored.
    likely: float | None = None


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    vector: np.ndarray
    terms: list[str]


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]
    # passage id -> its sentences with their bias-corrected similarity to the query
    sentences: dict[int, list[tuple[Sentence, float]]]
    # query term -> IDF, for the terms that occur in the corpus
    term_weights: dict[str, float]
    # every term the corpus uses (BM25's vocabulary): a question noun outside it is never stated
    known_terms: Container[str] | None
    # lang -> unrelated reference sentences embedded as passages: what "not about it" scores
    reference: Callable[[str], np.ndarray]
    # The question's vector from the cross-lingual second model (embedding.SecondOpinion), embedded
    # on first call: only a question whose candidate sentences are in both languages needs it.
    second: Callable[[], np.ndarray | None] = lambda: None
    # The same candidates in the passage model's order (answer/placing.py), `hits`' length: the
    # source list's order. The answer itself is read off `hits`, on which its rules were fitted.
    placed: list[Hit] | None = None
    # The candidates as ranked without the lift across languages (answer/ranking.py,
    # GLOSSARY_WEIGHT), each with its passage model probability: what the refusal rules and the
    # decline model read, as they were fitted. None when the lift moved nothing.
    ruled: list[Hit] | None = None

    @property
    def sources(self) -> list[Hit]:
        return self.placed if self.placed is not None else self.hits

    @property
    def refusal_hits(self) -> list[Hit]:
        return self.ruled if self.ruled is not None else self.hits


@dataclass(frozen=True)
class InPassage:
    """A candidate sentence among its passage's sentences, by e5's similarity to the question: a
    short sentence that answers (「高校生の枠には41人が応募した。」) leans on the one before it for its
    subject."""

    before: float  # the sentence before it (its own when it is first)
    after: float  # the sentence after it (its own when it is last)
    best: float  # the passage's closest sentence
    place: int  # its place among the passage's sentences, closest first
    count: int  # how many sentences the passage has
    context: float  # how much closer to the question it is read together with the sentence before it


@dataclass(frozen=True)
class SentenceParts:
    """What a candidate sentence's score is made of (compose._score_sentence), for the lead model."""

    similarity: float  # e5: the sentence's similarity to the question (its passage's scores are on its Hit)
    cover: float  # IDF share of the question's terms it says, across languages
    names: bool  # it says a name the question asks about
    gives: int  # how many of the types asked it gives
    headed: bool  # a reason is asked and its section's heading names one
    other_language: bool  # not in the question's language
    lead: bool  # its article's lead sentence
    rank: int  # its passage's place among the ranked passages
    position: int  # its place in its passage
    second: float = 0.0  # USE-multilingual's z-score among the candidates (0 in one language)
    around: InPassage | None = None  # where it sits in its passage (None: scored without its passage's sentences)


@dataclass(frozen=True)
class Scored:
    hit: Hit
    sentence: Sentence
    text: str
    score: float
    parts: SentenceParts | None = None  # None for sentences scored outside compose


@dataclass(frozen=True)
class Reading:
    """The sentences that answer a question, best first, before they are cited (answer/compose.py)."""

    chosen: tuple[Scored, ...]
    confidence: float | None  # the confidence model's probability that they hold what was asked


@dataclass(frozen=True)
class Signals:
    """What the answer step knows about how well an answer is backed: the confidence model's input."""

    top_score: float  # the best passage's score (bias-corrected similarity)
    top_gap: float  # how far the best passage leads the second
    top_lexical: float  # the best passage's BM25 match, 0..1
    best_sentence: float  # the best sentence's score
    sentence_gap: float  # how far the best sentence leads the runner-up
    cover: float  # share of the question's terms the best sentence says (across languages through the glossary)
    asked: float  # 1 when the best sentence names what the question asks for
    unknown_terms: float  # share of the question's nouns the corpus never uses
    same_language: float  # 1 when the best sentence is in the question's language
    from_top: float  # 1 when the best sentence comes from the best passage

    def vector(self) -> list[float]:
        return [float(v) for v in self.__dict__.values()]


@dataclass(frozen=True)
class Placing:
    """A candidate passage beside the question: the passage order model's input (answer/placing.py)."""

    score: float  # the fused score that ranked it (e5 of passage and best sentence, BM25 in the question's language)
    gap: float  # how far that score trails the best candidate's
    rank: float  # log(1 + its place in the fused ranking)
    dense: float  # e5: mean of the passage's and its best sentence's similarity, bias-corrected
    passage_similarity: float  # e5: the passage's own similarity
    sentence_similarity: float  # e5: its best sentence's similarity
    lexical: float  # BM25, scaled 0..1, in the question's language only
    other_language: float  # 1 when it is not in the question's language
    cover: float  # IDF share of the question's terms it says (across languages, through the glossary)
    heading_cover: float  # the same for its article's title and section heading
    asked: float  # 1 when it names what the question asks for; 0.5 when the question names nothing
    gives: float  # 1 when a sentence of it gives the type asked (a date for "when", an amount for "how much"...)
    second: float  # USE-multilingual: its best sentence's similarity to the question
    second_z: float  # the same, z-scored among the candidates
    same_article: float  # 1 when it is a later passage of the best candidate's article

    def vector(self) -> list[float]:
        return [float(v) for v in self.__dict__.values()]


@dataclass(frozen=True)
class Joining:
    """A runner-up sentence beside the answer's lead: the joiner model's input (answer/joiner.py)."""

    gap: float  # how far its score trails the lead's
    rank: float  # log(1 + its place among the scored sentences)
    same_passage: float  # 1 when it shares the lead's passage
    adjacent: float  # 1 when it stands right before or after the lead
    same_article: float  # 1 when it shares the lead's article
    other_than_question: float  # 1 when it is not in the question's language
    other_than_lead: float  # 1 when it is not in the lead's language
    gain: float  # IDF share of the question's terms it says and the lead does not (across languages)
    cover: float  # IDF share of the question's terms it says
    gives: float  # 1 when it gives the type asked (a date for "when", an amount for "how much"...)
    lead_gives: float  # 1 when the lead does
    asked: float  # 1 when it names what the question asks for
    new_number: float  # 1 when it holds a number the lead does not
    two_part: float  # 1 when the question asks two things
    article_lead: float  # 1 when it is its article's first sentence
    same_claim: float  # 1 when it nearly repeats the lead
    passage_gap: float  # how far its passage's score trails the lead's
    passage_rank: float  # log(1 + its passage's place in the ranking)
    similarity_gap: float  # how far its similarity to the question trails the lead's (e5)
    second_gap: float  # the same by USE-multilingual, z-scored among the candidates
    second: float  # its USE-multilingual similarity, z-scored among the candidates
    hand: float  # 1 when the margin rule (compose.choose) takes it

    def vector(self) -> list[float]:
        return [float(v) for v in self.__dict__.values()]


@dataclass(frozen=True)
class Nouns:
    """A question's nouns in `terms`' normal form: what it is about, and the names it mentions."""

    focus: list[str]
    names: list[str]


@dataclass(frozen=True)
class Thresholds:
    """Where the answer step declines, all fitted by scripts/train_abstention.py (abstention.json)."""

    abstain_below: float  # a best passage scoring below this is not about the question
    covered_z: float  # a noun the library never uses, meant below this z by the best passages, is not said
    decline_above: float | None  # the abstention model's operating point; None: the model does not decide


@dataclass(frozen=True)
class Grounds:
    """What the answer step knows, before choosing sentences, about whether the library holds an
    answer at all: the abstention model's input."""

    top_score: float  # the best passage's score (bias-corrected similarity)
    top_gap: float  # how far the best passage leads the second
    top_lexical: float  # the best passage's BM25 match, 0..1
    unknown_share: float  # share of the question's nouns the library never uses
    unknown_name: float  # 1 when a name in the question (a proper noun) is one the library never uses
    unknown_meant: float  # how well the best passages mean the least-meant unknown noun (z, at most 5; 5 if none)
    other_language: float  # 1 when a passage in the other language is among the best three
    any_unknown: float  # 1 when some noun of the question is one the library never uses
    articles: float  # how many articles the best five passages come from, over five: an unheld topic scatters
    likeliest: float  # the passage model's highest probability that a candidate holds the answer (answer/placing.py)

    def vector(self) -> list[float]:
        return [float(v) for v in self.__dict__.values()]


@dataclass(frozen=True)
class Citation:
    """What an answer's `[n]` points at."""

    n: int
    passage: str
    title: str
    section: str | None
    url: str | None
    source: str | None
    source_url: str | None
    published: str | None
    path: str
    score: float
    outlet: str | None = None
    # What the passage is to the answer or claim: "cited" (an answer sentence quotes it) or
    # "related" (close, not quoted) for an answer; "supports" or "related" for citation lookup.
    role: str = ""
    # The sentence of `passage` that bears on the question or claim, verbatim; None if none does.
    quote: str | None = None
    library: str = "default"
    # The other articles the passage was published in word for word (their URLs, else paths).
    also: tuple[str, ...] = ()

    @property
    def link(self) -> str | None:
        return self.source_url or self.url

    def excerpt(self, limit: int, mark: tuple[str, str] = ("", "")) -> str:
        """The passage in at most `limit` characters, centred on `quote` (wrapped in `mark`), with
        "…" wherever it is cut: a reader sees that there is more, and the sentence that matters."""
        text = " ".join(self.passage.split())
        quote = " ".join((self.quote or "").split())
        at = text.find(quote) if quote else -1
        if at < 0:
            return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"
        room = limit - len(quote) - len(mark[0]) - len(mark[1]) - 2
        if room < 0:  # a quote longer than the limit is cut itself
            return "…" + mark[0] + quote[:max(limit - 2 - len(mark[0]) - len(mark[1]), 0)] + "…" + mark[1]
        start = max(0, min(at - room // 3, len(text) - len(quote) - room))
        end = min(len(text), at + len(quote) + (room - (at - start)))
        return (("…" if start > 0 else "") + text[start:at] + mark[0] + quote + mark[1]
                + text[at + len(quote):end] + ("…" if end < len(text) else ""))

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "passage": self.passage,
            "title": self.title,
            "section": self.section,
            "url": self.url,
            "source": self.source,
            "source_url": self.source_url,
            "published": self.published,
            "path": self.path,
            "score": round(float(self.score), 4),
            "outlet": self.outlet,
            "role": self.role,
            "quote": self.quote,
            "library": self.library,
            "also": list(self.also),
        }


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer, quoted verbatim from the passage of citation `n`."""

    text: str
    n: int


@dataclass(frozen=True)
class Answer:
    question: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    abstained: bool
    lang: str = "ja"  # the question's language: the language the reply frame is written in
    message: str = ""  # set when abstaining: "the articles don't cover this"
    # The probability that the answer holds what was asked (index/answer/confidence.py);
    # None when abstaining or when no model is installed.
    confidence: float | None = None

    @property
    def text(self) -> str:
        if self.abstained:
            return self.message
        return " ".join(f"{s.text} [{s.n}]" for s in self.sentences)

    def problem(self) -> str | None:
        """Why this answer breaks citebot's contract, or None: citations numbered 1..n, each with
        its passage; every sentence quoted verbatim from the passage its [n] cites; an abstention
        has a message and no sentences. The check any later layer (an LLM rewrite) must pass too."""
        by_n = {c.n: c for c in self.citations}
        if [c.n for c in self.citations] != list(range(1, len(self.citations) + 1)):
            return "citations not numbered 1..n"
        if not all(c.passage for c in self.citations):
            return "a citation without its passage"
        if self.abstained:
            return None if self.message and not self.sentences else "abstention without a message, or with sentences"
        if not self.sentences:
            return "answer without sentences"
        for s in self.sentences:
            if s.n not in by_n or s.text not in by_n[s.n].passage:
                return f"sentence not quoted from its citation [{s.n}]"
        return None

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass
class IngestReport:
    """What an ingest did, for the summary line."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, the indexed file with its text)
    passages: int = 0  # passages written by this ingest


@dataclass(frozen=True)
class Fetched:
    """A page or feed as a server sent it (index/web/fetch.py), decoded from gzip but not from its charset."""

    url: str  # the URL finally answered, after redirects
    status: int  # 200, or 304 when a conditional GET found nothing new (body empty)
    content_type: str = ""  # e.g. "text/html", lower case, without parameters
    charset: str | None = None  # the Content-Type header's charset, if any
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where its article is, and what the feed says about it."""

    link: str
    title: str = ""
    published: str | None = None  # ISO date, when the feed dates it


@dataclass(frozen=True)
class FeedState:
    """A followed feed as kept in INDEX_DIR/feeds.sqlite: where it goes and how its last poll went."""

    url: str
    library: str
    title: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_polled: float | None = None  # Unix time of the last poll, good or bad
    last_ok: float | None = None  # Unix time of the last good poll
    next_poll: float = 0.0  # Unix time it is due again (later after errors: back-off)
    failures: int = 0  # polls failed in a row
    error_kind: str | None = None  # the last poll's error (index.errors.FetchError data), None when it went well
    error_detail: str = ""
    error_refused: bool = False
    articles: int = 0  # articles this feed has indexed


@dataclass
class PollReport:
    """What one poll of one feed did."""

    url: str
    library: str
    not_modified: bool = False  # the server said 304: nothing was fetched
    entries: int = 0  # entries in the feed
    capped: int = 0  # entries left for a later poll past the per-poll cap (the oldest)
    new: int = 0  # entries not seen before, whose pages were fetched
    ingest: IngestReport | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry link or "entry N", reason)
    error: Exception | None = None  # an index.errors.FetchError, or what else stopped the poll
    waiting_until: float | None = None  # not polled: backing off after errors until then (Unix time)
