"""Speed and scale benchmark (`python -m benchmarks.scale`; see __main__ for what it measures).

corpus: the synthetic articles and questions; build: indexing them, timed against the model;
serve: answering from the index in a fresh process; __main__: the command and its report."""
from benchmarks.scale.build import SETTINGS, Factors, build_synthetic
from benchmarks.scale.corpus import Corpus, parse_sizes

__all__ = ["SETTINGS", "Corpus", "Factors", "build_synthetic", "parse_sizes"]
