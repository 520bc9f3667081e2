"""DataFrame → plotly Figure. No Streamlit calls, no arithmetic on the numbers: they come ready
from pipelines. Colours: the Okabe–Ito palette, readable for colour-blind people."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.i18n import Labels
from pipelines.access.publish import SUPPRESSED

# Okabe & Ito (2008), "Color Universal Design"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATE_COLOURS = {"met": "#009E73", "on_track": "#0072B2", "at_risk": "#E69F00", "missed": "#D55E00",
                 "not_started": "#999999"}
STATE_ICONS = {"met": "✔", "on_track": "↗", "at_risk": "⚠", "missed": "✖", "not_started": "…"}
# the colour names of st.badge for a target's state (the same meaning as STATE_COLOURS)
STATE_BADGE_COLOURS = {"met": "green", "on_track": "blue", "at_risk": "orange", "missed": "red",
                       "not_started": "gray"}


def _layout(fig: go.Figure, L: Labels, height: int = 380, **kw) -> go.Figure:
    settings = dict(height=height, margin=dict(l=10, r=10, t=40, b=10), colorway=PALETTE,
                    separators=",." if L.lang == "de" else ".,", legend=dict(orientation="h", y=-0.15),
                    hovermode="x unified")
    fig.update_layout(**{**settings, **kw})
    fig.update_yaxes(exponentformat="none", separatethousands=True)   # 15.000, not 15k
    return fig


def _date_axis(fig: go.Figure, L: Labels) -> None:
    fig.update_xaxes(tickformat="%m.%Y" if L.lang == "de" else "%Y-%m",
                     hoverformat="%d.%m.%Y" if L.lang == "de" else "%Y-%m-%d")


def _count(value, L: Labels) -> str:
    """A count's label; None is a count hidden for publication (the ministry role): `*`."""
    return SUPPRESSED if value is None or value != value else L.num(value)


def funnel(stages: pd.DataFrame, L: Labels) -> go.Figure:
    """stages: label, n, share (of entered); n None = hidden for publication (`*`)."""
    fig = go.Figure(go.Funnel(
        y=stages["label"], x=stages["n"], textinfo="text",   # plotly's own percent would read 35% in German too
        text=[SUPPRESSED if n is None or n != n else f"{L.num(n)}<br>{L.pct(share)}"
              for n, share in zip(stages["n"], stages["share"])],
        marker=dict(color=[PALETTE[i % len(PALETTE)] for i in range(len(stages))]),
    ))
    return _layout(fig, L, height=320, hovermode="closest")


def bars(frame: pd.DataFrame, x: str, y: str, L: Labels, title: str = "", horizontal: bool = False,
         color: str | None = None) -> go.Figure:
    # labels outside the bars, so a zero is shown as 0 rather than as nothing
    # a hidden count (None, ministry) stands as * at the foot of an empty bar
    labels = [_count(v, L) for v in frame[y]]
    values = [0 if label == SUPPRESSED else v for label, v in zip(labels, frame[y])]
    common = dict(marker_color=color or PALETTE[0], text=labels, textposition="outside", cliponaxis=False,
                  hovertext=[f"{name}: {label}" for name, label in zip(frame[x], labels)], hoverinfo="text")
    if horizontal:
        fig = go.Figure(go.Bar(y=frame[x], x=values, orientation="h", **common))
    else:
        fig = go.Figure(go.Bar(x=frame[x], y=values, **common))
    return _layout(fig, L, height=320, title=title, hovermode="closest")


def histogram(values: pd.Series, L: Labels, title: str = "", xlabel: str = "") -> go.Figure:
    fig = go.Figure(go.Histogram(x=values, marker_color=PALETTE[4], nbinsx=24))
    fig.update_xaxes(title=xlabel)
    return _layout(fig, L, height=300, title=title, hovermode="closest")


def _number(values: pd.Series) -> pd.Series:
    """A column as numbers; a value hidden for publication (`*`) or missing becomes NaN."""
    return pd.to_numeric(pd.Series(values, dtype="object").where(lambda v: ~v.isin(["*"])), errors="coerce")


def _shown(value, form) -> str:
    """`form(value)`, or the value itself when it is a mark (`*`: hidden for publication)."""
    return value if isinstance(value, str) else form(value)


def shares_with_intervals(table: pd.DataFrame, L: Labels, title: str = "") -> go.Figure:
    """table: group, share, ci_low, ci_high, small, n[, adjusted] — bars with Wilson whiskers, the
    adjusted share as a diamond; small groups hatched and labelled. Hidden values (`*`) show as `*`."""
    share_values = _number(table["share"])
    shares = share_values.fillna(0)
    high, low = _number(table["ci_high"]), _number(table["ci_low"])
    small = [s is True or s == 1 for s in table["small"]]
    fig = go.Figure(go.Bar(
        x=table["group"].astype(str), y=shares * 100, name=L("compare.share"),
        error_y=dict(type="data", symmetric=False, array=(high.fillna(0) - shares).clip(lower=0) * 100,
                     arrayminus=(shares - low.fillna(0)).clip(lower=0) * 100, color="#333333"),
        marker=dict(color=[PALETTE[i % len(PALETTE)] for i in range(len(table))],
                    pattern_shape=["/" if s else "" for s in small]),
        hovertext=[f"{_shown(s, L.pct)} (n={_shown(n, L.num)})" for s, n in zip(table["share"], table["n"])],
        hoverinfo="x+text",
    ))
    if "adjusted" in table and _number(table["adjusted"]).notna().any():
        adjusted = _number(table["adjusted"])
        fig.add_trace(go.Scatter(
            x=table["group"].astype(str), y=adjusted * 100, mode="markers", name=L("metrics.compare.adjusted"),
            marker=dict(symbol="diamond", size=12, color="#000000", line=dict(color="#ffffff", width=1)),
            hovertext=[L.pct(v, 1) for v in adjusted], hoverinfo="x+text+name"))
    # the share above the whisker, not on it; a small group says so
    tops = high.fillna(shares) * 100
    for group, top, share, n, is_small in zip(table["group"].astype(str), tops, table["share"], table["n"], small):
        label = f"{_shown(share, L.pct)} (n={_shown(n, L.num)})"
        if is_small:
            label += "<br>" + L("metrics.compare.too_small")
        fig.add_annotation(x=group, y=top, text=label, showarrow=False, yshift=16 if is_small else 12)
    fig.update_yaxes(title="%", range=[0, max(10.0, float(tops.max() if len(tops) else 0)) * 1.2])
    return _layout(fig, L, height=400, title=title, hovermode="closest")


def _fill(colour: str, alpha: float = 0.15) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def curves(curves_frame: pd.DataFrame, L: Labels, title: str = "", at_risk: pd.DataFrame | None = None,
           small: dict | None = None) -> go.Figure:
    """Kaplan–Meier step lines of cumulative share by months since entry, each with its 95 % band
    (a filled area, toggled with its line), and under the chart the numbers at risk per group.

    curves_frame: group, month, share[, band_low, band_high]; at_risk: group, month, at_risk (a hidden
    value is `*`); small: {group: True} for groups too small to compare (named so in the legend).
    """
    small = small or {}
    groups = list(dict.fromkeys([*curves_frame["group"], *([] if at_risk is None else at_risk["group"])]))
    table = at_risk is not None and not at_risk.empty
    fig = make_subplots(rows=2 if table else 1, cols=1, shared_xaxes=True, vertical_spacing=0.16,
                        row_heights=[0.72, 0.28] if table else [1.0],
                        subplot_titles=(None, L("metrics.compare.at_risk")) if table else None)
    for i, group in enumerate(groups):
        part = curves_frame[curves_frame["group"] == group]
        colour = PALETTE[i % len(PALETTE)]
        name = str(group) + (f" – {L('metrics.compare.too_small')}" if small.get(group) else "")
        if len(part) and {"band_low", "band_high"} <= set(part.columns):
            fig.add_trace(go.Scatter(x=part["month"], y=part["band_high"] * 100, mode="lines", legendgroup=name,
                                     line=dict(width=0, shape="hv"), showlegend=False, hoverinfo="skip"),
                          row=1, col=1)
            fig.add_trace(go.Scatter(x=part["month"], y=part["band_low"] * 100, mode="lines", legendgroup=name,
                                     line=dict(width=0, shape="hv"), fill="tonexty", fillcolor=_fill(colour),
                                     showlegend=False, name=f"{name} {L('metrics.compare.band')}",
                                     hoverinfo="skip"), row=1, col=1)
        if len(part):
            fig.add_trace(go.Scatter(x=part["month"], y=part["share"] * 100, mode="lines", name=name,
                                     legendgroup=name,
                                     line=dict(shape="hv", color=colour, width=2,
                                               dash=["solid", "dash", "dot", "dashdot"][i % 4])), row=1, col=1)
        if table:
            rows = at_risk[at_risk["group"] == group]
            fig.add_trace(go.Scatter(x=rows["month"], y=[str(group)] * len(rows), mode="text", showlegend=False,
                                     text=[_shown(n, L.num) for n in rows["at_risk"]], legendgroup=name,
                                     textfont=dict(color=colour), hoverinfo="skip"), row=2, col=1)
    fig.update_xaxes(dtick=3)
    fig.update_xaxes(title=L("compare.months"), row=2 if table else 1, col=1)
    fig.update_yaxes(title="%", range=[0, 100], row=1, col=1)
    if table:
        fig.update_yaxes(autorange="reversed", showgrid=False, type="category", row=2, col=1)
        fig.update_xaxes(showticklabels=True, row=1, col=1)
    return _layout(fig, L, height=380 + (60 + 24 * len(groups) if table else 0), title=title)


def progress(series: pd.DataFrame, target: dict, L: Labels) -> go.Figure:
    """Cumulative achieved vs the target line, milestones, and the forecast with its band.

    series: month_end, cumulative. target: the view of pipelines.metrics.panels.progress for one target.
    """
    fig = go.Figure()
    line = target["target_line"]
    fig.add_trace(go.Scatter(x=[p["date"] for p in line], y=[p["value"] for p in line], mode="lines",
                             name=L("progress.target_line"), line=dict(color="#777777", dash="dash")))
    fig.add_trace(go.Scatter(x=series["month_end"], y=series["cumulative"], mode="lines+markers",
                             name=L("progress.achieved"), line=dict(color=PALETTE[0], width=3)))
    band = target.get("forecast_band") or []
    if band:
        fig.add_trace(go.Scatter(x=[p["date"] for p in band], y=[p["high"] for p in band], mode="lines",
                                 line=dict(width=0), showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=[p["date"] for p in band], y=[p["low"] for p in band], mode="lines",
                                 line=dict(width=0), fill="tonexty", fillcolor="rgba(230,159,0,0.25)",
                                 name=L("progress.band")))
        fig.add_trace(go.Scatter(x=[p["date"] for p in band], y=[p["mid"] for p in band], mode="lines",
                                 name=L("progress.forecast"), line=dict(color=PALETTE[1], dash="dot", width=2)))
    milestones = target.get("milestones") or []
    if milestones:
        fig.add_trace(go.Scatter(x=[m["date"] for m in milestones], y=[m["value"] for m in milestones],
                                 mode="markers", name=L("progress.milestone"),
                                 marker=dict(symbol="diamond", size=11, color=PALETTE[3])))
    _date_axis(fig, L)
    fig.update_yaxes(rangemode="tozero")
    return _layout(fig, L, height=400, title=target["label"])


def monthly(frame: pd.DataFrame, L: Labels) -> go.Figure:
    """frame: month, series (label), count — grouped bars per month."""
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby("series", sort=False)):
        fig.add_trace(go.Bar(x=part["month"], y=part["count"], name=str(name), marker_color=PALETTE[i % len(PALETTE)]))
    _date_axis(fig, L)
    fig.update_layout(barmode="group")
    return _layout(fig, L, height=340)


def attainment_bar(attainment: float | None, state: str) -> go.Figure:
    """A small horizontal bar, 0–100 % (capped), coloured by state."""
    value = max(0.0, min(1.0, attainment or 0.0)) * 100
    fig = go.Figure(go.Bar(x=[value], y=[""], orientation="h", marker_color=STATE_COLOURS.get(state, PALETTE[0])))
    fig.add_trace(go.Bar(x=[100 - value], y=[""], orientation="h", marker_color="#e6e6e6", hoverinfo="skip"))
    fig.update_layout(barmode="stack", height=40, margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
                      xaxis=dict(visible=False, range=[0, 100]), yaxis=dict(visible=False))
    return fig


def indicator_history(frame: pd.DataFrame, L: Labels) -> go.Figure:
    """frame: year, achieved, target, revised — cumulative achievement bars and the target in force;
    a diamond marks a year whose target was revised.

    Only years with a value are on the axis (years as categories: no empty slot for a year without
    data), and the target is drawn — and named in the legend — only where there is one."""
    rows = frame[frame["achieved"].notna() | frame["target"].notna()]
    years = [str(int(y)) for y in rows["year"]]
    achieved, target = ([None if pd.isna(v) else float(v) for v in rows[c]] for c in ("achieved", "target"))
    fig = go.Figure()
    hover = "%{y:,.2~f}<extra></extra>"     # 15.191 or 25,5 (the layout's separators)
    fig.add_trace(go.Bar(x=years, y=achieved, name=L("prog.achieved"), marker_color=PALETTE[0],
                         hovertemplate=hover))
    if any(v is not None for v in target):
        fig.add_trace(go.Scatter(x=years, y=target, name=L("prog.target"), mode="lines+markers",
                                 line=dict(color=PALETTE[1], shape="hv", width=3), hovertemplate=hover,
                                 marker=dict(symbol=["diamond" if r else "circle" for r in rows["revised"]], size=10)))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return _layout(fig, L, height=360, showlegend=True)
