"""The audit log: who did what, when, to which program (DESIGN.md, "People and access").

Every load, target edit, deletion, account or grant change and report download is recorded
with the acting person, the time, an action code and a few details (counts, file names,
target ids, formats). A participant id never enters the log: `record` refuses a detail whose
key names participants unless it is a count, and any text that is a participant id of the
program concerned. Only admins read the log (`entries`, `csv_bytes`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from pipelines.access.policy import AccessError, Person, is_admin

ACTIONS = (
    "load",             # a file loaded (or refused) into a program
    "target_edit",      # a target added, revised or removed
    "deletion",         # participants deleted by id or retention date (how many, never which)
    "user_add", "user_remove", "password_change",
    "grant", "revoke",  # a program granted to / taken from an account
    "report_download",  # a ministry report or an export downloaded
    "login",            # a successful login (failures are counted for throttling only)
)
COLUMNS = ("logged_at", "actor", "action", "program_id", "detail_json")


def now() -> dt.datetime:
    """The store's clock: local time without zone, like every other timestamp of the store."""
    return dt.datetime.now()


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for item in value for v in _scalars(item)]
    if isinstance(value, Mapping):
        return [v for item in value.values() for v in _scalars(item)]
    return [value]


def _check_detail(con: duckdb.DuckDBPyConnection, program_id: str | None, detail: Mapping[str, Any]) -> None:
    """Refuse (ValueError: a programming error) a detail that could carry a participant id: a key
    naming participants must be a count, and no text may be a participant id of the program."""
    for key, value in detail.items():
        if "participant" in key.lower() and not (isinstance(value, int) and not isinstance(value, bool)):
            raise ValueError(f"audit detail {key!r} may only be a count, never participant ids")
    texts = sorted({v for v in _scalars(list(detail.values())) if isinstance(v, str) and v})
    if program_id is not None and texts:
        hit = con.execute(
            "select count(*) from participant where program_id = $program_id "
            "and participant_id in (select unnest($texts))",
            {"program_id": program_id, "texts": texts}).fetchone()[0]
        if hit:
            raise ValueError("audit detail holds a participant id")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"audit detail of type {type(value).__name__} is not recorded")


def record(con: duckdb.DuckDBPyConnection, actor: str | Person, action: str, program_id: str | None = None,
           **detail: Any) -> None:
    """Append one entry to the audit log.

    Args:
        actor: the person acting (or her account name).
        action: one of `ACTIONS`.
        program_id: the program concerned, if any.
        detail: a few facts as keyword arguments (`file="x.csv", rows_loaded=12`, `participants=3`),
            stored as JSON. Never participant ids (ValueError).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of {ACTIONS}")
    _check_detail(con, program_id, detail)
    name = actor.name if isinstance(actor, Person) else str(actor)
    con.execute(
        "insert into audit_log (logged_at, actor, action, program_id, detail_json) "
        "values ($at, $actor, $action, $program_id, $detail)",
        {"at": now(), "actor": name, "action": action, "program_id": program_id,
         "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=_json_default)})


def entries(con: duckdb.DuckDBPyConnection, since: dt.datetime | dt.date | None = None, actor: str | None = None,
            action: str | None = None, *, person: Person, program: str | None = None,
            until: dt.datetime | dt.date | None = None) -> pd.DataFrame:
    """The audit log, newest first, optionally from `since` on (and up to `until`), of one actor,
    one action or one program.

    Args:
        person: who asks; only admins read the log.
        since, until: a date means the whole day (`until=date(2020, 8, 31)` keeps the 31st).

    Returns:
        columns logged_at, actor, action, program_id, detail_json.

    Raises:
        AccessError("access.admin_only") for anyone but an admin.
    """
    if not is_admin(person):
        raise AccessError("access.admin_only", {"name": person.name})
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time())
    if isinstance(until, dt.date) and not isinstance(until, dt.datetime):
        until = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())   # the whole last day
    elif isinstance(until, dt.datetime):
        until = until + dt.timedelta(microseconds=1)                            # that moment included
    return con.execute(
        """
        select logged_at, actor, action, program_id, detail_json
        from audit_log
        where ($since is null or logged_at >= $since)
          and ($until is null or logged_at < $until)
          and ($actor is null or actor = $actor)
          and ($action is null or action = $action)
          and ($program is null or program_id = $program)
        order by logged_at desc, actor, action, program_id, detail_json
        """, {"since": since, "until": until, "actor": actor, "action": action, "program": program}).df()


def csv_bytes(log: pd.DataFrame, lang: str = "de", *, columns: Mapping[str, str] | None = None,
              actions: Mapping[str, str] | None = None) -> bytes:
    """The log as CSV through the project's injection-safe writer (`report.spreadsheets.csv_bytes`).

    Args:
        log: a frame from `entries`.
        lang: "de" (`;`, 31.08.2020) or "en" (`,`, 2020-08-31).
        columns, actions: the words for the column headers and the action codes, from the catalog
            at the edge; without them the codes are written.
    """
    # Imported here to break a real cycle: pipelines.report imports metrics, and metrics (like
    # every query) imports pipelines.access to run for a person.
    from pipelines.report import spreadsheets

    frame = log.loc[:, list(COLUMNS)].copy()
    if actions:
        frame["action"] = frame["action"].map(lambda code: actions.get(code, code))
    if columns:
        frame = frame.rename(columns=dict(columns))
    return spreadsheets.csv_bytes(frame, lang)
