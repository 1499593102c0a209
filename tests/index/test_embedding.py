"""The cross-lingual second model: unit vectors, and a sentence nearest its translation."""
import numpy as np

from index.embedding import SecondOpinion


def test_second_opinion_matches_a_sentence_with_its_translation():
    """A Japanese sentence is closer to its English translation than to an unrelated English sentence."""
    v = SecondOpinion().embed(["従業員38人のうち21人が新しいバス事業に移る。",
                               "Of the 38 employees, 21 will move to the new bus service.",
                               "The museum reopened after three years of renovation."])
    assert v.shape == (3, SecondOpinion.dim)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1
    assert SecondOpinion().embed([]).shape == (0, SecondOpinion.dim)
