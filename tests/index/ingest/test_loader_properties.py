"""Property-based: generated matome posts parse into ordered blocks, and every ✅ block cites the exact URL."""
from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest.loaders.plain import load_txt
from index.types import Block

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# No 公/出/典/✅/💡 and no ASCII: generated prose never forms a marker or runs into a URL by accident.
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウカキクサシ"
KANJI = "会談首脳米露記者発表本政府大統領議題合意交渉停戦基地東京選挙経済物価"
PROSE = st.text(alphabet=KANA + KANJI + "、「」", min_size=1, max_size=40)
URL_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~%"


@st.composite
def urls(draw) -> str:
    host = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10))
    tld = draw(st.sampled_from(["com", "jp", "co.jp", "org", "example"]))
    segments = draw(st.lists(st.text(alphabet=URL_SAFE, min_size=1, max_size=12), max_size=4))
    url = f"https://{draw(st.sampled_from(['', 'www.', 'news.']))}{host}.{tld}/" + "/".join(segments)
    if draw(st.booleans()):
        url += "?" + "&".join(f"{k}={v}" for k, v in draw(st.lists(
            st.tuples(st.text(alphabet="abcxyz", min_size=1, max_size=4), st.text(alphabet=URL_SAFE, min_size=1, max_size=6)),
            min_size=1, max_size=3)))
    if draw(st.booleans()):
        url += "#" + draw(st.text(alphabet=URL_SAFE, min_size=1, max_size=6))
    return url


@dataclass
class Post:
    lines: list[str] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)  # each ✅ group: its lines, URL, outlet, date
    headings: list[str] = field(default_factory=list)


@st.composite
def matome_posts(draw) -> tuple[str, Post]:
    """Title, 💡 bullets, sections (heading + question), prose, and ✅ groups cited with a URL glued to text."""
    post = Post()
    post.lines.append(draw(PROSE) + "まとめ")
    for _ in range(draw(st.integers(0, 2))):
        post.lines.append("💡 " + draw(PROSE) + "。")
    kinds = draw(st.lists(st.sampled_from(["section", "prose", "quote", "blank"]), max_size=5))
    kinds.insert(draw(st.integers(0, len(kinds))), "quote")  # at least one ✅ group makes it a matome
    for kind in kinds:
        if kind == "section":
            heading = draw(st.text(alphabet=KANA + KANJI, min_size=1, max_size=12))
            post.headings.append(heading)
            post.lines += [heading, draw(PROSE) + draw(st.sampled_from(["?", "？"]))]
        elif kind == "prose":
            post.lines += [draw(PROSE) + "。" for _ in range(draw(st.integers(1, 3)))]
        elif kind == "blank":
            post.lines.append("")
        else:
            date = draw(st.none() | st.dates(min_value=__import__("datetime").date(2000, 1, 1),
                                             max_value=__import__("datetime").date(2030, 12, 31)))
            if date:
                post.lines += [f"公開日:{date:%Y/%m/%d}", ""]
            checks = [f"✅ {draw(PROSE)}。" for _ in range(draw(st.integers(1, 3)))]
            url = draw(urls())
            outlet = draw(st.sampled_from(["Reuters", "NHK", "朝日新聞", "", "BBC Home - Breaking News"]))
            # The next sentence runs straight into the URL, as matome pages do (or nothing follows it).
            tail = draw(st.sampled_from(["", "。", "、"]) | PROSE.map(lambda s: s + "。"))
            post.lines += checks + [f"さらに読む ⇒{outlet}出典/画像元: {url}{tail}"]
            post.quotes.append({"checks": checks, "url": url, "tail": tail,
                                "date": date.isoformat() if date else None})
    if draw(st.booleans()):
        post.lines += ["次のページを読む ⇒", draw(PROSE) + "?"]
    return "\n".join(post.lines) + "\n", post


def _ordered(text: str, blocks: tuple[Block, ...]) -> None:
    previous_end = 0
    for b in blocks:
        assert previous_end <= b.start < b.end <= len(text)
        assert text[b.start:b.end] == text[b.start:b.end].strip()
        previous_end = b.end


def _block_at(blocks: tuple[Block, ...], start: int, end: int) -> Block:
    found = [b for b in blocks if b.start <= start and end <= b.end]
    assert len(found) == 1, (start, end, blocks)
    return found[0]


@FAST
@given(matome_posts())
def test_matome_blocks_are_ordered_in_range_and_non_overlapping(generated):
    """Every generated matome post loads as 'matome' with ordered, trimmed, non-overlapping blocks in range."""
    text, _ = generated
    doc = load_txt("/m.txt", text)
    assert doc.format == "matome" and doc.text == text
    _ordered(text, doc.blocks)


@FAST
@given(matome_posts())
def test_each_checkmark_line_lies_in_a_block_citing_the_exact_url(generated):
    """Each ✅ line is inside one block whose source_url is its URL up to the first non-URL character."""
    text, post = generated
    doc = load_txt("/m.txt", text)
    cursor = 0
    for quote in post.quotes:
        blocks = set()
        for line in quote["checks"]:
            at = text.index(line, cursor)
            cursor = at + len(line)
            blocks.add(_block_at(doc.blocks, at, cursor))
        assert len(blocks) == 1  # one ✅ group is one block
        block = blocks.pop()
        assert block.source and block.source_url == quote["url"]
        assert block.published == quote["date"]
        assert text[block.start:block.end].endswith(quote["url"])


@FAST
@given(matome_posts())
def test_text_glued_after_a_url_is_page_text_without_a_source(generated):
    """Commentary run straight into a URL is kept, in a block of its own with no source."""
    text, post = generated
    doc = load_txt("/m.txt", text)
    cursor = 0
    for quote in post.quotes:
        url_end = text.index(quote["url"], cursor) + len(quote["url"])
        cursor = url_end
        tail = quote["tail"]
        if tail.strip("。、"):
            block = _block_at(doc.blocks, url_end, url_end + len(tail))
            assert block.source is None and block.source_url is None


@FAST
@given(matome_posts())
def test_only_headings_and_page_markers_fall_outside_blocks(generated):
    """No prose is lost: the only non-blank lines outside every block are section headings and the next-page marker."""
    text, post = generated
    doc = load_txt("/m.txt", text)
    outside, cursor = [], 0
    for b in doc.blocks:
        outside.append(text[cursor:b.start])
        cursor = b.end
    outside.append(text[cursor:])
    lost = [line.strip() for chunk in outside for line in chunk.split("\n") if line.strip()]
    allowed = set(post.headings) | {"次のページを読む ⇒"}
    assert set(lost) <= allowed, lost
