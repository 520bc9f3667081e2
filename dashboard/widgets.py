"""Small building blocks shared by pages (Streamlit calls, no numbers computed here)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.i18n import Labels
from pipelines.access import publish
from pipelines.report import spreadsheets


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escaped(value: object) -> str:
    """Text from data or a URL made inert inside our own markdown (st.warning, st.markdown):
    every markdown and HTML character backslash-escaped, so it shows as typed."""
    return _MARKDOWN.sub(r"\\\1", str(value))


# --------------------------------------------------------------------------- hidden values (ministry role)
# pipelines.access.publish returns a count hidden for publication as None; it is shown as `*`
# (the report's sign), with the report's legend under what shows it.
HIDDEN = publish.SUPPRESSED


def count_text(value, L: Labels, decimals: int = 0) -> str:
    """A count where None means hidden for publication: '*', else 1.234."""
    return HIDDEN if _missing(value) else L.num(value, decimals)


def starred(frame: pd.DataFrame, counts: list[str], shares: list[str] = ()) -> pd.DataFrame:
    """A table (for the screen or a CSV) with each hidden count (None in a count column) as `*`, and
    each share of a row with a hidden count as `*` too (no share is given from a hidden count)."""
    if frame.empty:
        return frame
    out = frame.copy()
    gone = pd.Series(False, index=out.index)
    for column in counts:
        hidden = out[column].map(_missing)
        gone |= hidden
        out[column] = out[column].astype("object").where(~hidden, HIDDEN)
    for column in shares:
        out[column] = out[column].astype("object").where(~gone, HIDDEN)
    return out


def star_note(L: Labels) -> None:
    """The legend of `*`, as the report writes it."""
    st.caption(escaped(L("report.star")))      # escaped: a leading * would make a list


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def download_csv(frame: pd.DataFrame, file_name: str, L: Labels, key: str) -> None:
    """A download button for a chart's or table's data, as a German/English CSV (injection-safe)."""
    st.download_button(L("download.csv"), spreadsheets.csv_bytes(frame, lang=L.lang), file_name=file_name,
                       mime="text/csv", key=f"csv-{key}", icon=":material/download:")


def chart(fig, frame: pd.DataFrame, caption: str, file_name: str, L: Labels, key: str) -> None:
    """A chart with its caption (what is counted) and a CSV download of its data."""
    st.plotly_chart(fig, width="stretch", key=f"chart-{key}", config={"displaylogo": False})
    st.caption(caption)
    download_csv(frame, file_name, L, key)


def table(frame: pd.DataFrame, L: Labels, numbers: dict[str, int | Callable[[object], str]] | None = None,
          config: dict | None = None) -> None:
    """A table with its numbers written the UI's way (15.191 / 12,9 in German), right-aligned.

    numbers: column -> decimals, or a function writing one value (L.pct); config: further
    st.column_config entries.
    """
    shown = frame.copy()
    column_config = dict(config or {})
    for column, decimals in (numbers or {}).items():
        write = decimals if callable(decimals) else (lambda v, d=decimals: L.num(v, d))
        shown[column] = [v if isinstance(v, str) and v == HIDDEN else write(v) for v in shown[column]]
        column_config[column] = st.column_config.TextColumn(alignment="right")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config)


# Printing (Hilfe explains it): without the sidebar, header and buttons, and with the programs and
# the as-of date at the top of every printed page (a fixed element repeats on each sheet).
_PRINT_CSS = """
<style>
.wm-print-head { display: none; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stDownloadButton"], [data-testid="stPopover"],
  [data-testid="stDecoration"], [data-testid="stBaseButton-secondary"] { display: none !important; }
  .wm-print-head { display: block; position: fixed; top: 0; left: 0; right: 0; font-size: 9pt;
                   border-bottom: 1px solid #999; background: white; padding: 2pt 0; }
  /* charts keep the width they had on screen: the page is shrunk so that they fit the sheet */
  [data-testid="stMain"] { margin-left: 0 !important; zoom: 0.7; }
  [data-testid="stMainBlockContainer"] { padding-top: 24pt !important; max-width: 100% !important; }
  @page { margin: 14mm 12mm; }
}
</style>
"""


def print_view(program_names: list[str], as_of: str, L: Labels) -> None:
    """Our own print stylesheet and the line every printed page carries (program names escaped)."""
    line = html.escape(L("print.head", programs=", ".join(program_names) or "–", as_of=as_of))
    st.html(f"{_PRINT_CSS}<div class='wm-print-head'>{line}</div>")
