"""Small building blocks shared by pages (Streamlit calls, no numbers computed here)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import Labels
from pipelines import export


def download_csv(frame: pd.DataFrame, file_name: str, L: Labels, key: str) -> None:
    """A download button for a chart's or table's data, as a German/English CSV (injection-safe)."""
    st.download_button(L("download.csv"), export.csv_bytes(frame, lang=L.lang), file_name=file_name,
                       mime="text/csv", key=f"csv-{key}", icon=":material/download:")


def chart(fig, frame: pd.DataFrame, caption: str, file_name: str, L: Labels, key: str) -> None:
    """A chart with its caption (what is counted) and a CSV download of its data."""
    st.plotly_chart(fig, width="stretch", key=f"chart-{key}", config={"displaylogo": False})
    st.caption(caption)
    download_csv(frame, file_name, L, key)
