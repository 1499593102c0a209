"""scripts/train_lead.py: the committed lead model is the classifier it fitted, node for node."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from train_lead import trees  # noqa: E402

from index.answer.lead import FEATURES, from_json, to_json  # noqa: E402


def test_exported_trees_give_the_classifiers_log_odds():
    """The node arrays lead.py walks with numpy give the classifier's own decision function, through JSON too."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] * x[:, 7] + rng.normal(scale=0.5, size=600)) > 0
    classifier = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, early_stopping=False,
                                                random_state=0).fit(x, y)
    model = from_json(to_json(trees(classifier)))
    probe = rng.normal(size=(50, len(FEATURES)))
    assert np.allclose(model.log_odds(probe), classifier.decision_function(probe))
