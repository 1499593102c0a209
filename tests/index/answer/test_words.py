"""The question's term weights, and the cover a text's terms hold."""
from index.answer.words import cover_of, cover_weights


def test_cover_weights_share_one_by_idf():
    """Each term's share follows its IDF and the shares sum to 1; a term no article uses weighs the mean of the others."""
    shares = cover_weights(["a", "b", "c"], {"a": 1.0, "b": 3.0})
    assert abs(sum(shares.values()) - 1.0) < 1e-12
    assert shares["b"] == 3 * shares["a"] and shares["c"] == 2 * shares["a"]


def test_cover_does_not_depend_on_the_order_the_terms_come_in():
    """A set's order follows the process's string hashing; the cover is summed exactly, so any order gives the same float (a plain sum gave 0.6000000000000001 one way and 0.6 the other)."""
    shares = {"a": 0.1, "b": 0.2, "c": 0.3}
    assert cover_of(shares, ["a", "b", "c"]) == cover_of(shares, ["c", "b", "a"]) == 0.6
