"""The dashboard's only door to the store: short-lived connections and cached results.

Connections are opened per cache miss and closed at once, so `outcomes ingest` in a terminal
can write while the dashboard runs. Results are cached with `st.cache_data`, keyed on the
store's load marker: a new load (upload, CLI, target edit) invalidates them at once. Numbers
are cached without the language: the pages put them into words.

Every read runs for the person logged in (`pipelines.access`): `reading()` shows her programs
only, and the marker — the key of every cached result — names her, so nobody is served another
person's results. Nobody logged in sees nothing.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from pipelines import access, indicators, metrics, report, text
from pipelines.access import publication as ministry_publication, publish
from pipelines.ingest import programs as program_files
from pipelines.metrics import panels
from pipelines.store import catalog, db


def store_path() -> Path:
    """The store ($OUTCOMES_DB): a DuckDB file, or a DuckLake connection string (db.is_lake)."""
    return db.resolve_path()


PERSON_KEY, LOGIN_AT_KEY, LAST_SEEN_KEY, EXPIRED_KEY = "access_person", "access_login_at", "access_last_seen", \
    "access_expired"
VIA_KEY, IDP_LOGOUT_KEY = "access_via", "access_idp_logout"   # "oidc": logged in through the identity provider
NOBODY = access.Person("-", "lead")      # no account: sees no program
LANG_KEY = "lang"                         # the UI language in the session (state.language decides it)
PAGE_WRITE_WAIT_S = 120.0                 # a page waits at most this long for another load (less if configured)


def person() -> access.Person:
    """Who is logged in in this session (NOBODY before a login)."""
    return st.session_state.get(PERSON_KEY) or NOBODY


def store_accounts() -> tuple[bool, bool]:
    """(the store has accounts, it is the demo store with its demo accounts)."""
    with db.reading(store_path()) as con:
        return access.has_accounts(con), access.is_demo_store(con)


def log_in(name: str, password: str) -> access.Person | None:
    """Check a name and a password (a write: failure counts, audit entry); the person, or None.

    Raises:
        access.LoginThrottled: too many failures for this name; try again later.
    """
    with db.writing(store_path()) as con:
        found = access.authenticate(con, name, password)
    if found is not None:
        now = dt.datetime.now()
        st.session_state.update({PERSON_KEY: found, LOGIN_AT_KEY: now, LAST_SEEN_KEY: now})
        st.session_state.pop(EXPIRED_KEY, None)
    return found


def log_out(expired: bool = False) -> None:
    """End the session (an identity provider's login too: the login page then calls st.logout)."""
    if st.session_state.pop(VIA_KEY, None) == "oidc":
        st.session_state[IDP_LOGOUT_KEY] = True
    for k in (PERSON_KEY, LOGIN_AT_KEY, LAST_SEEN_KEY):
        st.session_state.pop(k, None)
    if expired:
        st.session_state[EXPIRED_KEY] = True


def oidc_configured() -> bool:
    """Is an office's identity provider configured ([auth] in .streamlit/secrets.toml, see README "Login")?"""
    try:
        section = st.secrets.get("auth")
    except StreamlitSecretNotFoundError:   # no secrets.toml (or an unreadable one): local accounts only
        return False
    return bool(section) and all(section.get(k) for k in ("redirect_uri", "cookie_secret")) and (
        bool(section.get("server_metadata_url")) or any(isinstance(v, dict) for v in section.values()))


def identity() -> dict | None:
    """The identity the provider vouched for in this browser (st.user), or None."""
    if not oidc_configured() or not st.user.get("is_logged_in"):
        return None
    return st.user.to_dict()


def log_in_identity(claims: dict) -> access.Person:
    """Log in the account named by the provider's verified e-mail address (a write: the audit entry).

    Raises:
        access.AccessError: access.oidc_no_email, access.oidc_expired, access.oidc_unknown.
    """
    with db.writing(store_path()) as con:
        found, issued = access.identity_person(con, claims)
    st.session_state.update({PERSON_KEY: found, LOGIN_AT_KEY: issued, LAST_SEEN_KEY: dt.datetime.now(),
                             VIA_KEY: "oidc"})
    st.session_state.pop(EXPIRED_KEY, None)
    st.session_state.pop(IDP_LOGOUT_KEY, None)
    return found


def logged_in() -> bool:
    """Is someone logged in whose session has not timed out? (Each call counts as a request.)"""
    if PERSON_KEY not in st.session_state:
        return False
    now = dt.datetime.now()
    if access.session_expired(st.session_state[LOGIN_AT_KEY], st.session_state[LAST_SEEN_KEY], now):
        log_out(expired=True)
        return False
    st.session_state[LAST_SEEN_KEY] = now
    return True


@contextmanager
def reading():
    """A read-only connection for one question, showing the person logged in her programs only."""
    with access.reading_for(store_path(), person()) as con:
        yield con


@contextmanager
def writing():
    """A read-write connection for one change (upload, target edit) by the person logged in.

    Only admins and program leads change data, and a lead only her programs: every load the change
    logged (files, target edits) is checked afterwards, and one naming a program she may not change
    throws the whole change away (`db.writing` swaps its copy in only on success); each is audited.

    While another load writes the store, the page says so and waits (at most PAGE_WRITE_WAIT_S).

    Raises:
        access.AccessError("access.forbidden"): she may not change (one of) the programs.
        db.StoreBusy: the other load did not finish in time (app.py says so in a sentence).
    """
    lang = st.session_state.get(LANG_KEY, "de")
    notice = st.empty()
    with db.writing(store_path(), wait_s=min(db.write_wait_limit(), PAGE_WRITE_WAIT_S),
                    on_wait=lambda: notice.info(text.say("store.busy", lang))) as con:
        notice.empty()
        who = access.connection.current(con, person()) if PERSON_KEY in st.session_state else None
        if who is None or who.role not in ("admin", "lead"):
            raise access.AccessError("access.read_only", {"name": person().name})
        before = con.execute("select coalesce(max(load_id), 0) from load").fetchone()[0]
        yield con
        for load_id, program, kind, file, outcome, rows_loaded in con.execute(
                "select load_id, program_id, kind, file_name, outcome, rows_loaded from load "
                "where load_id > ? order by load_id", [before]).fetchall():
            touched = [program] if program is not None else [r[0] for r in con.execute(
                "select distinct program_id from participant where load_id = ? union "
                "select distinct program_id from episode where load_id = ?", [load_id, load_id]).fetchall()]
            for one in touched:
                access.ensure_may_change(who, one)
            access.record(con, who, "target_edit" if kind == "target_edit" else "load", program, file=file,
                          kind=kind, outcome=outcome, rows_loaded=rows_loaded)


def ensure_store() -> bool:
    """Create and migrate the store if needed; False when it cannot be opened."""
    path = store_path()
    if path.exists():
        return True
    with db.writing(path):      # creating the store changes no data: no person needed
        return True


def marker() -> str:
    """Changes whenever the store's data changes: the cache key of every result.

    It names the store and the person with her role and programs too, so results of one store or
    one person are never served for another; on a lake the snapshot id changes with every commit,
    whoever made it.
    """
    path = store_path()
    if not db.is_lake(path):
        # an embedded store changes only by a whole new file (db.writing's atomic swap) or in place by a
        # write: its inode, time and size name its state — no connection needed on every rerun. What the
        # person sees follows from that state and her name (grants live in the store).
        try:
            status = Path(path).stat()
        except OSError:
            status = None
        if status is not None:
            who = person()
            return (f"{db.describe(path)}#{who.name}:{who.role}#"
                    f"{status.st_ino}:{status.st_mtime_ns}:{status.st_size}")
    with db.reading(path) as con:
        now = access.shadow(con, person())
        who = f"{now.name}:{now.role}:{','.join(now.programs)}" if now is not None else "-"
        snapshot = db.lake_snapshot(con)
        version = db.last_load_marker(con) if snapshot is None else snapshot
        return f"{db.describe(path)}#{who}#{version}"


@st.cache_data(show_spinner=False)
def programs(key: str):
    """The programs in the store (catalog.programs)."""
    with reading() as con:
        return catalog.programs(con)


@st.cache_data(show_spinner=False)
def vocabulary(key: str, program_ids: tuple[str, ...]):
    """status -> (label_de, label_en, category)."""
    with reading() as con:
        frame = catalog.statuses(con, list(program_ids))
    return {r.status: (r.label_de, r.label_en, r.category) for r in frame.itertuples()}


@st.cache_data(show_spinner=False)
def data_date(key: str, program_ids: tuple[str, ...]) -> dt.date | None:
    with reading() as con:
        return catalog.data_date(con, list(program_ids))


@st.cache_data(show_spinner=False, max_entries=32)
def _publication(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    with reading() as con:
        return ministry_publication.build(con, program_ids, as_of)


def publication(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    """For the ministry: the one publication of these programs on `as_of` (every figure of every page,
    the downloads and the report, suppressed together: `pipelines.access.publication`), cached per
    programs, date and store state; None for anyone else (she sees the figures as they are)."""
    if not access.publication_only(person()):
        return None
    return _publication(key, tuple(sorted(program_ids)), as_of)


@st.cache_data(show_spinner=False)
def _overview(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    """panels.overview as computed (every figure)."""
    with reading() as con:
        return panels.overview(con, list(program_ids), as_of)


@st.cache_data(show_spinner=False)
def overview(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    """panels.overview; for the ministry as the publication shows it (publish.overview): hidden counts None (*)."""
    return publish.overview(person(), _overview(key, program_ids, as_of), publication(key, program_ids, as_of))


@st.cache_data(show_spinner=False)
def progress(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    """panels.progress; for the ministry as the publication shows it (publish.progress)."""
    cards = _overview(key, program_ids, as_of)["targets"]   # cached: the overview asked the same
    with reading() as con:
        result = panels.progress(con, list(program_ids), as_of, cards=cards)
    return publish.progress(person(), result, publication(key, program_ids, as_of))


@st.cache_data(show_spinner=False)
def comparison(key: str, program_ids: tuple[str, ...], status: str, as_of: dt.date, by: str | None,
               groups: tuple[str, ...]):
    """panels.comparison; raises ProblemError for a typed group with problems. For the ministry as the
    publication shows it (publish.comparison: groups by one attribute only, no curves)."""
    with reading() as con:
        result = panels.comparison(con, list(program_ids), status, as_of, by, list(groups))
    return publish.comparison(person(), result, by, status, publication(key, program_ids, as_of))


def ministry() -> bool:
    """Does the person logged in see publication-safe figures only (the ministry role)?"""
    return access.publication_only(person())


def ministry_holds(key: str, program_ids: tuple[str, ...], as_of: dt.date, by: str | None, status: str) -> bool:
    """May the page show this comparison (anyone but the ministry: always; the ministry: by one
    attribute, for a status its publication holds)?"""
    held = publication(key, program_ids, as_of)
    return held is None or (by is not None and held.holds(by, status))


@st.cache_data(show_spinner=False)
def group_values(key: str, program_ids: tuple[str, ...]):
    with reading() as con:
        return panels.filter_values(con, list(program_ids))


@st.cache_data(show_spinner=False)
def funnel(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    """metrics.funnel; for the ministry as the publication shows it (publish.funnel)."""
    with reading() as con:
        result = metrics.funnel(con, metrics.Scope(program_ids), as_of)
    return publish.funnel(person(), result, publication(key, program_ids, as_of))


@st.cache_data(show_spinner=False)
def targets_of(key: str, program_id: str):
    with reading() as con:
        return panels.target_rows(con, program_id)


@st.cache_data(show_spinner=False)
def program_toml(key: str, program_id: str) -> str:
    with reading() as con:
        return program_files.program_to_toml(con, program_id)


@st.cache_data(show_spinner=False)
def load_history(key: str):
    """The loads with their file names: for admins and the programs' leads only (empty for others)."""
    with reading() as con:
        return publish.rows(person(), catalog.load_history(con))


@st.cache_data(show_spinner=False)
def quality(key: str, program_ids: tuple[str, ...], as_of: dt.date):
    """Missing attributes (counts: for the ministry as the publication of `as_of` shows them), staleness,
    and the episode problems naming participants (for admins and the programs' leads only)."""
    who = person()
    with reading() as con:
        missing = publish.quality(who, catalog.missing_attributes(con, list(program_ids)),
                                  publication(key, program_ids, as_of))
        problems = publish.rows(who, catalog.episode_order_problems(con, list(program_ids)))
        return missing, catalog.staleness(con), problems


# --------------------------------------------------------------------------- aggregate indicators

@st.cache_data(show_spinner=False)
def indicator_overview(key: str, year: int | None, fund: str | None = None, indicator_type: str | None = None,
                       indicator: str | None = None):
    with reading() as con:
        return indicators.programme_overview(con, year, fund=fund, indicator_type=indicator_type, indicator=indicator)


@st.cache_data(show_spinner=False)
def indicator_years(key: str) -> list[int]:
    with reading() as con:
        return indicators.indicator_years(con)


@st.cache_data(show_spinner=False)
def indicator_rows(key: str, programme: str, indicator: str, indicator_type: str, fund: str, level: str,
                   until_year: int | None = None):
    with reading() as con:
        return indicators.indicator_table(con, programme=programme, indicator=indicator, indicator_type=indicator_type,
                                          fund=fund, level=level, until_year=until_year)


@st.cache_data(show_spinner=False)
def indicator_history(key: str, programme: str, fund: str, indicator_type: str, indicator: str):
    with reading() as con:
        try:
            return indicators.target_history(con, programme, fund, indicator_type, indicator)
        except ValueError:   # not summable to programme level: the page shows breakdowns instead
            return None


@st.cache_data(show_spinner=False)
def implausible(key: str):
    with reading() as con:
        return indicators.implausible_targets(con)


@st.cache_data(show_spinner=False, max_entries=16)
def report_file(key: str, program_ids: tuple[str, ...], period_start: dt.date, period_end: dt.date, as_of: dt.date,
                fmt: str, lang: str, threshold: int, publication_flag: bool) -> tuple[bytes, str]:
    """A report's bytes and file name (the same file `outcomes report` writes); the ministry always
    gets the publication (suppressed) version, hiding at least what her pages hide on that date."""
    held = publication(key, program_ids, as_of)
    if held is not None:
        publication_, threshold = True, max(threshold, publish.THRESHOLD)
    else:
        publication_ = publication_flag
    with reading() as con:
        data_bytes = report.report_bytes(con, list(program_ids), period_start, period_end, as_of, fmt, lang,
                                         threshold, publication_, force=sorted(held.hidden, key=repr) if held else ())
    return data_bytes, report.file_name(program_ids, as_of, fmt, lang, publication_)


def record_report_download(program_ids: tuple[str, ...], fmt: str, publication: bool, as_of: dt.date) -> None:
    """Audit a report download by the person logged in (action report_download: programs, format,
    publication or internal, as-of date); the download button's on_click."""
    who = person()
    with db.writing(store_path()) as con:
        access.record(con, who, "report_download", program_ids[0] if len(program_ids) == 1 else None,
                      programs=list(program_ids), format=fmt, publication=bool(publication or
                                                                               access.publication_only(who)),
                      as_of=as_of)


@st.cache_data(show_spinner=False)
def period_default(key: str, program_ids: tuple[str, ...]) -> dt.date | None:
    """The earliest start of the chosen programs (the report period's default start)."""
    frame = programs(key)
    starts = frame[frame["program_id"].isin(program_ids)]["start_date"].dropna()
    return min(starts) if len(starts) else None


# --------------------------------------------------------------------------- accounts and the audit log (admins)

def may_change_data() -> bool:
    """May the person logged in load data or edit targets at all (an admin or a program lead, as the
    store says now)? `writing` checks each program; this only decides whether the page offers it."""
    if PERSON_KEY not in st.session_state or not store_path().exists():
        return False
    with db.reading(store_path()) as con:
        now = access.connection.current(con, person())
    return now is not None and now.role in ("admin", "lead")


def is_admin() -> bool:
    """Is the person logged in an admin (as the store says now)?"""
    if PERSON_KEY not in st.session_state or not store_path().exists():
        return False
    with db.reading(store_path()) as con:
        now = access.connection.current(con, person())
    return now is not None and access.is_admin(now)


def _admin(con) -> access.Person:
    """The admin logged in, as the store says now; else AccessError("access.admin_only")."""
    now = access.connection.current(con, person()) if PERSON_KEY in st.session_state else None
    if now is None or not access.is_admin(now):
        raise access.AccessError("access.admin_only", {"name": person().name})
    return now


def accounts() -> list[access.Account]:
    """Every account with its programs (admins only; never a password hash). Not cached: an admin's
    change shows at once."""
    with db.reading(store_path()) as con:
        _admin(con)
        return access.account_list(con)


def change_account(change, *args, **kwargs):
    """Run one change of `pipelines.access.accounts` (add, remove, set_password, grant, revoke) as the
    admin logged in, through the one writer; the change checks her role and audits itself.

    Raises:
        access.AccessError: not an admin, or the change is refused (its code says why).
    """
    with db.writing(store_path()) as con:
        return change(con, *args, actor=_admin(con), **kwargs)


def audit_log(since: dt.date | None = None, until: dt.date | None = None, actor: str | None = None,
              action: str | None = None, program: str | None = None):
    """The audit log, newest first, filtered (admins only; access.AccessError otherwise)."""
    with db.reading(store_path()) as con:
        return access.entries(con, since, actor, action, person=_admin(con), program=program, until=until)


def audit_actors() -> list[str]:
    """The names that appear in the audit log (the admin page's person filter)."""
    log = audit_log()
    return sorted(set(log["actor"]))
