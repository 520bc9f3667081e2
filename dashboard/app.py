"""Wirkungsmonitor dashboard: navigation, language and the sidebar filters shared by all pages.

Run with `make run` (or `streamlit run dashboard/app.py`); the store is $OUTCOMES_DB or
data/outcomes.duckdb.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from a fresh checkout
    sys.path.insert(0, str(ROOT))

from dashboard import data, state  # noqa: E402
from dashboard.widgets import escaped  # noqa: E402
from pipelines import access, text  # noqa: E402
from pipelines.store import db  # noqa: E402
from dashboard.i18n import Labels  # noqa: E402

st.set_page_config(page_title="Wirkungsmonitor", page_icon="📈", layout="wide")

lang = state.language()
L = Labels(lang)

PAGES = [
    ("start", "page.start", "start", ":material/checklist:"),
    ("overview", "page.overview", "uebersicht", ":material/dashboard:"),
    ("progress", "page.progress", "verlauf", ":material/show_chart:"),
    ("compare", "page.compare", "vergleich", ":material/compare_arrows:"),
    ("funnel", "page.funnel", "verlaeufe", ":material/filter_alt:"),
    ("targets", "page.targets", "ziele", ":material/flag:"),
    ("report", "page.report", "bericht", ":material/description:"),
    ("programmes", "page.programmes", "programme", ":material/account_balance:"),
    ("data", "page.data", "daten", ":material/upload_file:"),
    ("help", "page.help", "hilfe", ":material/help:"),
]
# only for admins (as the store says now): accounts, grants and the audit log
ADMIN_PAGE = ("admin", "access.admin.title", "verwaltung", ":material/admin_panel_settings:")
# --- people and access (pipelines/access): nothing but the login page before a login -----------
# Every page's URL shows the login form until she has logged in, so a bookmarked link (path and
# ?program=…&as_of=…) opens the bookmarked view right after the login.
if not data.logged_in():
    login = text.say("access.login.title", lang)
    try:
        data.ensure_store()
        st.navigation([st.Page("app_pages/login.py", title=login, url_path="anmelden", default=True),
                       *(st.Page("app_pages/login.py", title=login, url_path=slug, visibility="hidden")
                         for _, _, slug, _ in [*PAGES, ADMIN_PAGE])], position="hidden").run()
    except Exception as exc:  # a sentence, never a traceback
        st.error(L("app.error", detail=escaped(str(exc) or type(exc).__name__)))
    st.stop()
with st.sidebar:
    person = data.person()
    # st.text: a name (an e-mail address from the identity provider) is never rendered as markdown or a link
    st.text(text.say("access.logged_in_as", lang, name=person.name, role=text.say(f"access.role.{person.role}", lang)))
    if access.publication_only(person):
        st.caption(escaped(text.say("access.publication_note_all", lang)))
    if st.button(text.say("access.logout", lang), key="logout"):
        data.log_out()
        st.rerun()

pages = [st.Page(f"app_pages/{name}.py", title=L(label), url_path=slug, icon=icon)
         for name, label, slug, icon in [*PAGES, *([ADMIN_PAGE] if data.is_admin() else [])]]


def start() -> None:
    """The root URL: whoever sees several programs lands on the programs at a glance (/start),
    whoever sees one — or follows a link naming one — on that program's overview (/uebersicht);
    ?program=…&as_of=… are kept (the default page of st.navigation lives at / only)."""
    names = [name for name, *_ in PAGES]
    one = len(data.programs(state.marker())) == 1 or len(st.query_params.get_all("program")) == 1
    st.switch_page(pages[names.index("overview" if one else "start")],
                   query_params={k: st.query_params.get_all(k) for k in st.query_params})


page = st.navigation([st.Page(start, title=L("page.start"), url_path="anfang", default=True,
                              visibility="hidden"), *pages])

try:
    data.ensure_store()
    state.sidebar(L)
    page.run()
except db.StoreBusy as exc:  # another load kept the store longer than a page waits: nothing was saved
    st.warning(text.say("store.busy_gave_up", lang, seconds=f"{exc.waited_s:.0f}"))
except access.AccessError as exc:  # a refusal in the catalog's words (values from people escaped)
    st.error(text.say(exc.code, lang, **{k: escaped(v) for k, v in exc.params.items()}))
except Exception as exc:  # a sentence, never a traceback (st.rerun/st.stop are BaseExceptions)
    st.error(L("app.error", detail=escaped(str(exc) or type(exc).__name__)))
