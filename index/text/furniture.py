"""Page furniture: the parts of a page that point elsewhere instead of saying anything."""
from __future__ import annotations

import re

# A section that is only a teaser for other pages: a matome's 「次のページを読む ⇒」 followed by the
# next page's headline, 「関連記事」, "Read more", "Related stories". Its lines are headlines of
# other pages (often questions), so it neither answers nor supports a claim. The whole heading
# must be the label: "Related research" or 「関連記事で話題の…」 head real sections.
_TEASER_SECTION = re.compile(
    r"^[\W_]*(?:次のページ(?:を読む|へ)?|続きを読む|関連記事|(?:あわせて|合わせて)読みたい|こちらもおすすめ|"
    r"read more|related(?:\s+(?:articles?|stories|posts|news|links|reading|coverage))?|see also|more stories)"
    r"(?:[\W_]|一覧|はこちら)*$", re.I)


def is_teaser(section: str | None) -> bool:
    """Whether a section heading marks a teaser for other pages (see _TEASER_SECTION)."""
    return bool(section) and bool(_TEASER_SECTION.match(section.strip()))
