"""One library of many articles: the news sets nobody fitted on, indexed together, each set's
questions asked of all of them.

A news set holds 4 to 12 articles on two to four topics, so its questions choose among few
articles; a user's library holds many on every theme (another town's hospital, another port's
typhoon damage). Here the unseen sets' articles are one library (34 sets since session 45: 272
articles, 2,720 questions) and their questions are asked of it, scored as any set is. Each set's
corpus keeps its own folder, so two sets' files of the same name stay apart.
"""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The news sets the answer models are fitted on (scripts/fit_sets.py): never part of this library.
FITTED_NEWS = ("news_a", "news_b", "news_e", "news_f", "news_i", "news_j", "news_m", "news_n")
# Blind sets written as training data in session 46, never measured on: the lead model
# (scripts/train_lead.py) fits on them with the sets above.
TRAINING_NEWS = ("news_aq", "news_ar", "news_as", "news_at", "news_au", "news_av", "news_aw", "news_ax", "news_ay",
                 "news_az", "news_ba", "news_bb", "news_bc", "news_bd")


def unseen_news() -> list[Path]:
    """The news sets no model or setting was fitted on."""
    return [p for p in sorted((REPO / "benchmarks").glob("news_*")) if p.name not in (*FITTED_NEWS, *TRAINING_NEWS)]


def build(out: Path, sets: list[Path] | None = None) -> tuple[int, int]:
    """Write `out`/corpus/<set>/… and `out`/questions.jsonl from `sets` (the unseen news sets by
    default); returns (articles, questions)."""
    sets = unseen_news() if sets is None else sets
    corpus = out / "corpus"
    lines: list[str] = []
    articles = 0
    for s in sets:
        shutil.copytree(s / "corpus", corpus / s.name)
        articles += sum(1 for p in (corpus / s.name).rglob("*") if p.is_file())
        lines += [line for line in (s / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    (out / "questions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return articles, len(lines)
