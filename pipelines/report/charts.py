"""The progress chart of the report as PNG (matplotlib, Agg, no global state)."""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from typing import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from pipelines import text
from pipelines.report.model import Chart, Report

PANELS_PER_IMAGE = 6


def chart_png(report: Report, charts: Sequence[Chart] | None = None, dpi: int = 150) -> bytes | None:
    """The progress chart as PNG bytes (matplotlib, Agg, no global state), or None if no series.

    One panel per target: the achieved values (publication: the published half-year points
    only; internal: every month), the target line through the milestones and, where the
    achieved value is shown, the forecast band (10th–90th percentile). The PNG carries no
    software/date metadata, so the same report gives the same bytes.
    """
    charts = list(report.charts if charts is None else charts)
    if not charts:
        return None
    lang = report.lang
    columns = 1 if len(charts) == 1 else 2
    rows = math.ceil(len(charts) / columns)
    figure = Figure(figsize=(7.2, 0.6 + 2.5 * rows) if columns == 2 else (7.2, 3.0), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False)
    many = len(report.programs) > 1
    blue, grey, light = "#1f5fa8", "#7a7a7a", "#c9dcf2"
    for ax, chart in zip(axes.flat, charts):
        if chart.forecast:
            days = [f[0] for f in chart.forecast]
            ax.fill_between(days, [f[2] for f in chart.forecast], [f[3] for f in chart.forecast],
                            color=light, linewidth=0, zorder=1)
            ax.plot(days, [f[1] for f in chart.forecast], color=blue, linestyle=":", linewidth=1.2, zorder=2)
        ax.plot([p[0] for p in chart.target_line], [p[1] for p in chart.target_line], color=grey,
                linestyle="--", linewidth=1.0, zorder=2)
        if chart.milestones:
            ax.plot([m[0] for m in chart.milestones], [m[1] for m in chart.milestones], linestyle="none",
                    marker="D", markersize=4, color=grey, zorder=3)
        if chart.points:
            xs, ys = [p[0] for p in chart.points], [p[1] for p in chart.points]
            if report.publication:
                ax.plot(xs, ys, color=blue, marker="o", markersize=3.5, linewidth=1.6, zorder=4)
            else:
                ax.step(xs, ys, where="post", color=blue, linewidth=1.6, zorder=4)
        title = chart.label if not many else f"{_program_label(report, chart.program)}: {chart.label}"
        ax.set_title(_wrap(title, 48 if columns == 2 else 100), fontsize=8, loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        # ticks set by hand (1 January, minor on 1 July): the date locators are slow
        days = [p[0] for p in chart.target_line] + [p[0] for p in chart.points]
        years = range(min(days).year, max(days).year + 2)
        ax.set_xticks([dt.date(y, 1, 1) for y in years], [str(y) for y in years])
        ax.set_xticks([dt.date(y, 7, 1) for y in years], minor=True)
        ax.set_xlim(min(days) - dt.timedelta(days=20), max(days) + dt.timedelta(days=20))
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", color="#e4e4e4", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(charts):]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=blue, marker="o" if report.publication else None, linewidth=1.6),
               Line2D([], [], color=grey, linestyle="--", linewidth=1.0),
               Line2D([], [], color=grey, marker="D", linestyle="none", markersize=4),
               Patch(color=light)]
    labels = [text.say(f"report.chart.{k}", lang) for k in ("achieved", "line", "milestone", "forecast")]
    figure.legend(handles, labels, loc="lower center", ncol=4, fontsize=7, frameon=False)
    height = figure.get_figheight()
    figure.subplots_adjust(left=0.07, right=0.98, wspace=0.22, top=1 - 0.5 / height,
                           bottom=0.55 / height, hspace=0.75 / (2.5 - 0.75) if rows > 1 else 0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _wrap(title: str, width: int) -> str:
    return "\n".join(textwrap.wrap(title, width)) or title


def _program_label(report: Report, program_id: str) -> str:
    names = dict(zip(report.programs, report.cover_value("programs").split("; "))) if len(report.programs) > 1 else {}
    return names.get(program_id, program_id)
