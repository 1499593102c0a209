"""Property-based: chunking loses no text, never overlaps, never crosses a block and never exceeds MAX_CHARS."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest.chunking import MAX_CHARS, chunk_document, split_sentences
from index.ingest.pipeline import build_passages
from index.types import Block, Document

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Japanese and English letters, sentence ends, commas (cut points for long sentences), brackets,
# ASCII and ideographic spaces, tabs and newlines, and a few odd white-space characters.
PIECES = st.sampled_from(
    list("あいうえお漢字会談東京ABCxyz019") + list("。！？!?.、，,;：") + list("」』）\"'")
    + [" ", "　", "\t", "\n", "\n\n", "\u2028", "\x0b", "\u00a0", "Mr. ", "U.S. ", ". The ", "。「", "…"]
)
LONG_RUNS = st.sampled_from(["あ" * 700, "word " * 150, "、".join(["節"] * 300), "x" * 1200])
TEXT = st.lists(st.one_of(PIECES, st.text(alphabet="あいう漢ab ", min_size=1, max_size=30), LONG_RUNS),
                max_size=120).map("".join)


@st.composite
def documents(draw) -> Document:
    """A text cut into ordered, non-overlapping blocks (with gaps between some of them)."""
    text = draw(TEXT)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))) | {0, len(text)})
    blocks = []
    for a, b in zip(cuts, cuts[1:]):
        if b > a and draw(st.integers(0, 4)):  # about one stretch in five is left out of every block
            blocks.append(Block(a, b, section=draw(st.sampled_from([None, "節", "Section"]))))
    return Document(path="/p.txt", title="t", text=text, blocks=tuple(blocks))


def _coverage(doc: Document, chunks) -> np.ndarray:
    count = np.zeros(len(doc.text), dtype=np.int32)
    for c in chunks:
        count[c.start:c.end] += 1
    return count


@FAST
@given(documents())
def test_every_visible_character_of_a_block_is_in_exactly_one_passage(doc):
    """Chunking drops no non-white-space character of a block and puts none into two passages."""
    chunks = chunk_document(doc)
    count = _coverage(doc, chunks)
    for block in doc.blocks:
        for i in range(block.start, block.end):
            if not doc.text[i].isspace():
                assert count[i] == 1, (i, doc.text[i], block)
    assert count.max(initial=0) <= 1


@FAST
@given(documents())
def test_passages_are_ordered_bounded_and_stay_inside_their_block(doc):
    """Passages come in text order, never overlap, never cross their block and never exceed MAX_CHARS."""
    chunks = chunk_document(doc)
    previous_end = 0
    for c in chunks:
        assert c.block in doc.blocks
        assert c.block.start <= c.start < c.end <= c.block.end
        assert previous_end <= c.start
        assert c.end - c.start <= MAX_CHARS
        passage = doc.text[c.start:c.end]
        assert passage == passage.strip() and passage
        previous_end = c.end


@FAST
@given(documents())
def test_passages_are_runs_of_whole_sentences(doc):
    """A passage starts at its first sentence and ends at its last; its sentences are ordered and inside it."""
    for c in chunk_document(doc):
        assert c.sentences and c.sentences[0].start == c.start and c.sentences[-1].end == c.end
        for a, b in zip(c.sentences, c.sentences[1:]):
            assert a.end <= b.start
        for s in c.sentences:
            assert c.start <= s.start < s.end <= c.end


@FAST
@given(TEXT)
def test_sentences_never_span_a_line_break_and_lose_nothing(text):
    """split_sentences keeps every non-white-space character once and never joins two lines."""
    spans = split_sentences(text)
    count = np.zeros(len(text), dtype=np.int32)
    for s in spans:
        assert "\n" not in text[s.start:s.end]
        count[s.start:s.end] += 1
    assert all(count[i] == 1 for i, ch in enumerate(text) if not ch.isspace())
    assert count.max(initial=0) <= 1


class _ZeroEmbedder:
    name, dim = "zero", 4

    def embed_passages(self, texts):
        return np.zeros((len(texts), self.dim), dtype=np.float32)


@settings(max_examples=40, deadline=None)
@given(documents())
def test_stored_passage_offsets_map_back_to_the_source(doc):
    """What ingest stores for a passage is exactly text[start:end], with its block's citation and sentence offsets."""
    for p in build_passages(doc, _ZeroEmbedder()):
        assert p.text == doc.text[p.start:p.end]
        block = next(b for b in doc.blocks if b.start <= p.start and p.end <= b.end)
        assert (p.section, p.source, p.source_url) == (block.section, block.source, block.source_url)
        assert all(p.start <= s <= e <= p.end for s, e, _ in p.sentences)
