"""The audit log: who, when, what — for admins only, never a participant id, safe as CSV."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pipelines.access import LOCAL_ADMIN, AccessError, accounts, audit, authenticate, entries, person_for, record
from tests.helpers.access import add_participants

T0 = dt.datetime(2024, 3, 1, 9, 0, 0)


@pytest.fixture
def clock(monkeypatch):
    """The store's clock, one second further at each reading."""
    ticks = iter(T0 + dt.timedelta(seconds=i) for i in range(1000))
    monkeypatch.setattr(audit, "now", lambda: next(ticks))


def log(con) -> list[tuple]:
    return con.execute("select logged_at, actor, action, program_id, detail_json from audit_log "
                       "order by logged_at").fetchall()


def test_account_and_grant_changes_are_logged_with_who_when_what(store, clock):
    accounts.add(store, "admin", "admin", "geheim-123", actor=LOCAL_ADMIN)
    admin = person_for(store, "admin")
    accounts.add(store, "eva", "evaluator", "geheim-123", programs=["tara"], actor=admin)
    accounts.grant(store, "eva", "kassel", actor=admin)
    accounts.revoke(store, "eva", "tara", actor=admin)
    accounts.set_password(store, "eva", "neues-passwort", actor=admin)
    authenticate(store, "eva", "neues-passwort", now=T0)
    accounts.remove(store, "eva", actor=admin)
    rows = [(actor, action, program, json.loads(detail)) for _, actor, action, program, detail in log(store)]
    assert rows == [
        ("local-admin", "user_add", None,
         {"name": "admin", "role": "admin", "funder": None, "programs": [], "local_password": True}),
        ("admin", "user_add", None,
         {"name": "eva", "role": "evaluator", "funder": None, "programs": ["tara"], "local_password": True}),
        ("admin", "grant", "kassel", {"name": "eva", "role": "evaluator"}),
        ("admin", "revoke", "tara", {"name": "eva", "role": "evaluator"}),
        ("admin", "password_change", None, {"name": "eva"}),
        ("eva", "login", None, {}),
        ("admin", "user_remove", None, {"name": "eva", "role": "evaluator"}),
    ]
    times = [row[0] for row in log(store)]
    assert times == sorted(times) and times[0] >= T0
    assert "geheim" not in str(log(store)) and "argon2" not in str(log(store))


def test_a_refused_change_leaves_no_entry(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    with pytest.raises(AccessError):
        accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    with pytest.raises(AccessError):
        accounts.grant(store, "kassel", "ghost", actor=LOCAL_ADMIN)
    assert [row[2] for row in log(store)] == ["user_add"]


def test_failed_logins_are_not_logged(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    authenticate(store, "kassel", "geheim-123 (typed into the name field)")
    authenticate(store, "geheim-123", "x")
    assert [row[2] for row in log(store)] == ["user_add"]


def test_loads_deletions_and_downloads_record_counts_never_participant_ids(store):
    add_participants(store, "kassel", "K-001", "K-002", "K-003")
    record(store, "kassel", "load", "kassel", file="teilnehmerinnen.xlsx", rows_loaded=3, rows_rejected=0)
    record(store, "kassel", "target_edit", "kassel", target="kassel-training", valid_from=dt.date(2020, 1, 1))
    record(store, "kassel", "deletion", "kassel", reason="retention", exited_before=dt.date(2019, 1, 1),
           participants=2, episodes=5)
    record(store, "hessen", "report_download", None, programs=["kassel", "shared"], format="pdf",
           as_of=dt.date(2020, 8, 31))
    text = str(log(store))
    assert not any(pid in text for pid in ("K-001", "K-002", "K-003"))
    assert json.loads(log(store)[2][4]) == {"reason": "retention", "exited_before": "2019-01-01",
                                            "participants": 2, "episodes": 5}


@pytest.mark.parametrize("detail", [
    {"participant_id": "K-001"},
    {"participants": ["K-001", "K-002"]},
    {"participant": "K-001"},
    {"criterion": "K-001"},                                # a participant id of the program under another key
    {"criterion": ["x", "K-002"]},
])
def test_a_participant_id_never_enters_the_log(store, detail):
    add_participants(store, "kassel", "K-001", "K-002")
    with pytest.raises(ValueError):
        record(store, "kassel", "deletion", "kassel", **detail)
    assert log(store) == []


def test_unknown_actions_are_a_programming_error(store):
    with pytest.raises(ValueError):
        record(store, "kassel", "peek")


def test_only_admins_read_the_log_newest_first_filtered(store, clock):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    record(store, "kassel", "load", "kassel", file="a.csv")
    record(store, "kassel", "load", "kassel", file="b.csv")
    record(store, "hessen", "report_download", format="xlsx")
    everything = entries(store, person=LOCAL_ADMIN)
    assert list(everything.columns) == ["logged_at", "actor", "action", "program_id", "detail_json"]
    assert list(everything["action"]) == ["report_download", "load", "load", "user_add"]
    assert list(entries(store, actor="kassel", person=LOCAL_ADMIN)["detail_json"]) == [
        '{"file": "b.csv"}', '{"file": "a.csv"}']
    first_load = everything["logged_at"].iloc[2].to_pydatetime()
    assert list(entries(store, since=first_load, person=LOCAL_ADMIN)["action"]) == ["report_download", "load", "load"]
    assert len(entries(store, since=T0.date(), action="load", person=LOCAL_ADMIN)) == 2
    assert len(entries(store, since=T0.date() + dt.timedelta(days=1), person=LOCAL_ADMIN)) == 0
    with pytest.raises(AccessError) as refusal:
        entries(store, person=person_for(store, "kassel"))
    assert refusal.value.code == "access.admin_only"


def test_the_log_as_csv_is_injection_safe_and_takes_words_from_the_edge(store, clock):
    record(store, "kassel", "load", "=HYPERLINK(\"http://x\")", file="=cmd|' /C calc'!A0")
    frame = entries(store, person=LOCAL_ADMIN)
    assert audit.csv_bytes(frame, "en").decode("utf-8-sig").splitlines() == [
        "logged_at,actor,action,program_id,detail_json",
        "2024-03-01 09:00:00,kassel,load,\"'=HYPERLINK(\"\"http://x\"\")\",\"{\"\"file\"\": \"\"=cmd|' /C calc'!A0\"\"}\"",
    ]
    german = audit.csv_bytes(frame, "de", columns={"logged_at": "Zeitpunkt", "actor": "Wer", "action": "Was",
                                                   "program_id": "Programm", "detail_json": "Einzelheiten"},
                             actions={"load": "Datei geladen"})
    assert german.decode("utf-8-sig").splitlines()[:2] == [
        "Zeitpunkt;Wer;Was;Programm;Einzelheiten",
        "01.03.2024 09:00:00;kassel;Datei geladen;\"'=HYPERLINK(\"\"http://x\"\")\";"
        "\"{\"\"file\"\": \"\"=cmd|' /C calc'!A0\"\"}\"",
    ]


def test_the_log_filters_by_program_and_an_inclusive_last_day(store, clock, monkeypatch):
    record(store, "kassel", "load", "kassel", file="a.csv")              # 01.03.2024 09:00:00
    record(store, "kassel", "load", "tara", file="b.csv")                # 09:00:01
    later = iter([dt.datetime(2024, 3, 2, 23, 59, 59), dt.datetime(2024, 3, 3, 0, 0, 0)])
    monkeypatch.setattr(audit, "now", lambda: next(later))
    record(store, "admin", "target_edit", "kassel", target="k-1")       # 02.03.2024 23:59:59
    record(store, "admin", "target_edit", "kassel", target="k-2")       # 03.03.2024 00:00:00
    assert list(entries(store, program="kassel", person=LOCAL_ADMIN)["detail_json"]) == [
        '{"target": "k-2"}', '{"target": "k-1"}', '{"file": "a.csv"}']
    # until a day: that day whole (23:59:59 kept), the next one not
    assert len(entries(store, until=dt.date(2024, 3, 2), person=LOCAL_ADMIN)) == 3
    assert len(entries(store, since=dt.date(2024, 3, 2), until=dt.date(2024, 3, 2), person=LOCAL_ADMIN)) == 1
    assert len(entries(store, until=dt.datetime(2024, 3, 3), person=LOCAL_ADMIN)) == 4
