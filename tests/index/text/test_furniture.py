"""Which section headings mark a teaser for other pages."""

import pytest

from index.text.furniture import is_teaser


@pytest.mark.parametrize("heading", ["次のページを読む", "次のページを読む ⇒", "【関連記事】", "あわせて読みたい",
                                     "Read more", "Related stories:", "See also"])
def test_a_heading_that_is_only_a_teaser_label_is_a_teaser(heading):
    """The labels matome and news pages put over links to their other pages are teasers."""
    assert is_teaser(heading)


@pytest.mark.parametrize("heading", [None, "", "会談の舞台", "次の焦点", "Related research shows a rise",
                                     "関連記事で話題の店", "Read more about the budget cuts"])
def test_a_real_section_is_not_a_teaser(heading):
    """A heading that only begins like a teaser label heads content of its own."""
    assert not is_teaser(heading)
