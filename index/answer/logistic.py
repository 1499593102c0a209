"""A logistic model fitted by a script in scripts/ and committed as JSON: only numpy runs here."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    # The operating point the fitting script chose, for a model that decides (else None): above
    # it the abstention model declines, at or above it the joiner model adds a sentence.
    decline_above: float | None = None
    join_above: float | None = None

    def probability(self, vector: list[float]) -> float:
        z = float(((np.asarray(vector) - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@lru_cache(maxsize=None)
def load(path: Path, features: tuple[str, ...]) -> LogisticModel | None:
    """The model at `path`, or None when it is missing or was fitted on other features than
    these (it would score nonsense)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != features:
        return None
    return LogisticModel(features, np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                         float(data["intercept"]), data.get("decline_above"), data.get("join_above"))


def write(path: Path, features: tuple[str, ...], mean, scale, coef, intercept: float, **about) -> None:
    """Save a fitted model with what it was fitted on and the command that refits it."""
    model = {"features": list(features), "mean": np.asarray(mean).tolist(), "scale": np.asarray(scale).tolist(),
             "coef": np.asarray(coef).tolist(), "intercept": float(intercept), **about}
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    load.cache_clear()
