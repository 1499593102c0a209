"""Where the tests find the project and their fixtures, wherever a test file sits."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE_CORPUS = REPO / "index" / "sample_corpus"
