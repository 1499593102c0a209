"""A scored question set as the text table `citebot eval` prints."""
from __future__ import annotations

from collections.abc import Sequence

from index.evaluation.scoring import BAR, MEASURES, EvalReport, GroupScores, Measure, passes

_SHORT = {
    "hit@1": "hit@1",
    "hit@3": "hit@3",
    "hit@5": "hit@5",
    "answer_has_evidence": "ans_ev",
    "cite@1": "cite@1",
    "source_url@5": "url@5",
    "false_abstain": "f_abst",
    "unanswerable_abstained": "unans",
}


def _cell(m: Measure) -> str:
    return "-" if m.value is None else f"{m.value:.2f} {m.hits}/{m.total}"


def _truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(groups: Sequence[GroupScores]) -> list[str]:
    width = max(len(g.name) for g in groups) + 1
    cells = [[_cell(g.measures[m]) for m in MEASURES] for g in groups]
    col = [max(len(_SHORT[m]), *(len(row[i]) for row in cells)) for i, m in enumerate(MEASURES)]
    header = f"{'':<{width}}{'n':>4}  " + "  ".join(f"{_SHORT[m]:>{col[i]}}" for i, m in enumerate(MEASURES))
    lines = [header]
    for g, row in zip(groups, cells):
        lines.append(f"{g.name:<{width}}{g.questions:>4}  " + "  ".join(f"{c:>{col[i]}}" for i, c in enumerate(row)))
    return lines


def _bar_line(report: EvalReport) -> str:
    parts = []
    for m, (op, threshold) in BAR.items():
        value = report.overall.value(m)
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[passes(m, value)]
        shown = "-" if value is None else f"{value:.2f}"
        parts.append(f"{_SHORT[m]} {shown}{op}{threshold:.2f} {verdict}")
    return "bar: " + " | ".join(parts)


def format_report(report: EvalReport, question_width: int = 60) -> str:
    """A compact table: overall, by type, by lang, the bar, then each wrong question."""
    groups = [report.overall, *report.by_type.values(), *report.by_lang.values()]
    lines = _table(groups)
    lines.append(_bar_line(report))
    lines.append(f"overall: {'PASS' if report.passed else 'FAIL'}")
    wrong = report.wrong
    lines.append(f"wrong questions: {len(wrong)}/{len(report.results)}")
    for r in wrong:
        top = r.top_title or "(no citation)"
        if r.top_section:
            top += f" § {r.top_section}"
        lines.append(
            f"  {r.id} {r.type}/{r.lang}: {'; '.join(r.reasons)} | {_truncate(r.question, question_width)}"
            f" | top: {_truncate(top, 50)}"
        )
    return "\n".join(lines)
