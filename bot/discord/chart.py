"""The /admin stats chart: questions per day, answered and declined, as a PNG. Blocking (matplotlib):
the bot renders it on a worker thread."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from .feedback import Day

CHART_FILE = "questions.png"


def questions_chart(days: Sequence[Day]) -> bytes:
    """Stacked daily bars, answered under declined. The labels are English: matplotlib's bundled font
    has no Japanese glyphs, and a chart of boxes would help no one."""
    import matplotlib

    matplotlib.use("Agg")  # no display; set before pyplot loads
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2), dpi=100)
    axes = figure.add_subplot()
    labels = [day.date[5:] for day in days]  # MM-DD
    answered = [day.answered for day in days]
    declined = [day.declined for day in days]
    axes.bar(labels, answered, color="#3B82F6", label="answered")
    axes.bar(labels, declined, bottom=answered, color="#F59E0B", label="declined")
    axes.set_title(f"Questions per day, last {len(days)} days")
    axes.set_ylabel("questions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="x", labelrotation=90, labelsize=7)
    axes.legend(loc="upper left", frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    # The plotted counts ride along as a PNG text chunk: whoever downloads the chart (or a test) can
    # read the numbers, not only the bars.
    data = json.dumps([[day.date, day.answered, day.declined] for day in days])
    figure.savefig(out, format="png", metadata={"Description": data})
    return out.getvalue()
