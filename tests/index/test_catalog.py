"""Several named libraries answered from together: a server's own library plus the shared one, never a third."""
import numpy as np

from index.answer.ranking import merge
from index.catalog import Catalog
from tests.index.answer.test_parts import BRIDGE
from index.types import Hit, Passage, Ranking, Sentence

FESTIVAL = "港町の祭り\nURL: https://news.example.com/festival\nDate: 2025-09-01\n\n港町で夏祭りが開かれ、約3万人が訪れた。花火は午後8時から打ち上げられた。\n"
LIBRARY = ("City library reopens\nURL: https://news.example.com/library\nDate: 2025-10-01\n\n"
           "The city library reopened on Monday with 40,000 books. The mayor cut the ribbon at nine.\n")
FERRY = ("Ferry adds a late sailing\nURL: https://news.example.com/ferry\nDate: 2025-11-01\n\n"
         "The island ferry adds a late sailing at 22:00 from December. It runs daily.\n")


def _catalog(tmp_path, embedder) -> Catalog:
    catalog = Catalog(tmp_path / "index", embedder=embedder)
    for library, name, text in (("shared", "festival.txt", FESTIVAL), ("guild-1", "library.txt", LIBRARY),
                                ("guild-2", "ferry.txt", FERRY)):
        folder = tmp_path / library
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        catalog.engine(library, create=True).ingest([folder])
    return catalog


def test_a_question_sees_its_libraries_and_never_a_third(tmp_path, embedder):
    """Asked in (guild-1, shared), an answer cites either library as needed, verbatim, and never guild-2's article."""
    catalog = _catalog(tmp_path, embedder)
    mine = ("guild-1", "shared")
    festival = catalog.ask("港町の夏祭りには何人が訪れましたか？", libraries=mine)
    assert not festival.abstained and "約3万人" in festival.text and festival.problem() is None
    assert festival.citations[0].library == "shared"
    library = catalog.ask("How many books did the city library reopen with?", libraries=mine)
    assert not library.abstained and "40,000" in library.text and library.citations[0].library == "guild-1"
    ferry = catalog.ask("When is the island ferry's late sailing?", libraries=mine)
    assert all(c.library in mine and "ferry" not in c.passage for c in ferry.citations)
    assert all(c.library in mine for c in catalog.cite("The ferry runs daily at 22:00", libraries=mine))
    assert {s.library for s in catalog.sources(mine)} == set(mine)
    assert [s.library for s in catalog.sources(("guild-2",))] == ["guild-2"]


def test_a_question_of_two_parts_is_answered_from_each_library_it_needs(tmp_path, embedder):
    """Across a server's library and the shared one, "How many books…, and how tall are the bridge's
    towers?" quotes the library's sentence and the bridge's, each citing its own library: asked
    whole, it quoted the library article alone."""
    catalog = Catalog(tmp_path / "index", embedder=embedder)
    for library, name, text in (("shared", "bridge.txt", BRIDGE), ("guild-1", "library.txt", LIBRARY)):
        folder = tmp_path / library
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        catalog.engine(library, create=True).ingest([folder])
    answer = catalog.ask("How many books did the city library reopen with, and how tall are the bridge's towers?",
                         libraries=("guild-1", "shared"))
    assert answer.problem() is None and "40,000" in answer.text and "168メートル" in answer.text
    cited = {c.n: c.library for c in answer.citations}
    assert {cited[s.n] for s in answer.sentences} == {"guild-1", "shared"}


def test_a_library_with_no_index_is_left_out(tmp_path, embedder):
    """A server nobody has uploaded to yet answers from the shared library alone; with no library at all, nothing covers a question."""
    catalog = _catalog(tmp_path, embedder)
    answer = catalog.ask("港町の夏祭りには何人が訪れましたか？", libraries=("guild-9", "shared"))
    assert not answer.abstained and answer.citations[0].library == "shared"
    assert not (tmp_path / "index" / "libraries" / "guild-9").exists()
    empty = catalog.ask("港町の夏祭りには何人が訪れましたか？", libraries=("guild-9",))
    assert empty.abstained and empty.message and not empty.citations and empty.problem() is None
    assert catalog.cite("夏祭りには約3万人が訪れた", libraries=("guild-9",)) == []


def test_merged_rankings_keep_each_librarys_passages_apart():
    """Two indexes' passage 1 stay two passages, each with its own sentences."""
    def ranking(text: str, score: float) -> Ranking:
        p = Passage(id=1, doc_path=f"/{text}.txt", text=text, start=0, end=len(text), title="t", section=None,
                    url=None, source=None, source_url=None, published=None, lang="en")
        s = Sentence(1, 0, len(text), np.zeros(4, np.float32))
        return Ranking([Hit(p, score)], {1: [(s, score)]}, {"x": 1.0}, {"x"}, lambda lang: np.zeros((1, 4)))

    merged = merge([ranking("first", 0.1), ranking("second", 0.2)], k=5)
    assert [h.passage.text for h in merged.hits] == ["second", "first"]
    ids = [h.passage.id for h in merged.hits]
    assert len(set(ids)) == 2 and all(merged.sentences[i][0][0].passage_id == i for i in ids)
    assert "x" in merged.known_terms and "y" not in merged.known_terms
