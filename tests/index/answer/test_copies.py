"""Copies: a passage that repeats another article's passage is left out of a ranking; related ones are not."""
from index.answer.copies import is_copy, without_copies
from index.types import Hit, Passage

STORY = ("The Osaka-Kansai Expo closed on 13 October after 184 days. Organisers counted about 25 million "
         "visitors, and the grand ring will be partly kept as a park.")


def _hit(pid, doc, text, score, lang="en"):
    return Hit(Passage(pid, doc, text, 0, len(text), "t", None, None, None, None, None, lang), score)


def test_a_reposted_paragraph_is_a_copy_and_a_paragraph_on_the_same_story_is_not():
    """The same words with a site's line added are a copy; the story retold in other words is not."""
    assert is_copy(STORY, STORY + "\nRe-posted with permission.")
    assert not is_copy(STORY, "After six months the Expo in Osaka has shut its gates; some 25 million people "
                              "came, and part of the wooden ring stays as a park.")


def test_the_better_placed_copy_is_kept_and_its_article_keeps_its_other_passages():
    """Of two articles' copies the first is kept; a second passage of the kept article stays."""
    hits = [_hit(1, "/a.txt", STORY, 0.30), _hit(2, "/b.html", STORY + " Re-posted.", 0.29),
            _hit(3, "/a.txt", STORY.upper(), 0.28), _hit(4, "/c.txt", "Rice prices rose again in May.", 0.10)]
    assert [h.passage.id for h in without_copies(hits, 8)] == [1, 3, 4]


def test_copies_far_apart_in_score_or_language_are_both_kept():
    """Passages of two languages are never compared (a translation is no copy), nor a pair scored far apart."""
    hits = [_hit(1, "/a.txt", STORY, 0.30), _hit(3, "/c.txt", STORY, 0.29, "ja"), _hit(2, "/b.txt", STORY, 0.20)]
    assert [h.passage.id for h in without_copies(hits, 8)] == [1, 3, 2]


def test_only_what_a_ranking_can_show_is_checked():
    """Past three times the shown passages, hits pass unchecked (the check costs time, not answers)."""
    texts = ["Rice prices rose again in May.", "The summit in Alaska ended without a deal.", STORY]
    hits = [_hit(i, f"/{i}.txt", text, 0.3 - i * 0.001) for i, text in enumerate(texts)]
    hits.append(_hit(9, "/copy.txt", STORY, 0.297))
    assert [h.passage.id for h in without_copies(hits, 1)] == [0, 1, 2, 9]
    assert [h.passage.id for h in without_copies(hits, 2)] == [0, 1, 2]
