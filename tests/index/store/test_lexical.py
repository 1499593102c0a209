"""BM25 scoring and its files on disk."""
import numpy as np

from index.store.lexical import BM25


def test_rarer_and_repeated_terms_score_higher(tmp_path):
    """A passage matching a rare term outranks one matching only a common term."""
    bm = BM25.build([(10, ["alaska", "summit"]), (11, ["summit", "talk"]), (12, ["summit", "summit"])])
    s = bm.scores(["alaska", "summit"])
    assert int(bm.ids[np.argmax(s)]) == 10
    assert s[2] > s[1]  # tf counts


def test_unknown_terms_score_zero():
    """A query with no indexed term scores every passage zero."""
    bm = BM25.build([(1, ["a"]), (2, ["b"])])
    assert not bm.scores(["zzz"]).any()


def test_save_and_load_round_trip(tmp_path):
    """The memory-mapped copy scores exactly like the built one."""
    bm = BM25.build([(5, ["会談", "アラスカ"]), (9, ["万博", "リング"])])
    bm.save(tmp_path, "lexical-1")
    loaded = BM25.load(tmp_path, "lexical-1")
    assert list(loaded.ids) == [5, 9]
    assert np.allclose(loaded.scores(["アラスカ"]), bm.scores(["アラスカ"]))
