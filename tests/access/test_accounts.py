"""Accounts, grants and login: argon2id hashes, one answer for every failed login, throttling."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from pipelines.access import (LOCAL_ADMIN, LOGIN_FAILED, AccessError, LoginThrottled, Person, accounts,
                              authenticate, login, person_for, session_expired, visible_programs, wait_seconds)
from tests.helpers.access import HESSEN, add_programs, apply_access_schema

T0 = dt.datetime(2024, 3, 1, 9, 0, 0)


def refusal(call, *args, **kwargs) -> tuple[str, dict]:
    with pytest.raises(AccessError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.params


def count(con, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchone()[0]


# --------------------------------------------------------------------------- accounts

def test_an_account_keeps_an_argon2id_hash_never_the_password(store):
    assert accounts.add(store, "  Kassel ", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN) == "kassel"
    name, role, funder, password_hash, disabled = store.execute(
        "select name, role, funder, password_hash, disabled from account").fetchone()
    assert (name, role, funder, disabled) == ("kassel", "lead", None, False)
    assert password_hash.startswith("$argon2id$") and "geheim-123" not in password_hash
    assert store.execute("select name, program_id, granted_by from account_program").fetchall() == [
        ("kassel", "kassel", "local-admin")]


@pytest.mark.parametrize("name, role, kwargs, expected", [
    ("KASSEL", "lead", {"programs": ["kassel"]}, ("access.name_taken", {"name": "kassel"})),
    ("local-admin", "admin", {}, ("access.name_reserved", {"name": "local-admin"})),
    ("x", "boss", {}, ("access.unknown_role", {"role": "boss", "roles": "admin, lead, evaluator, ministry"})),
    ("x", "lead", {}, ("access.lead_needs_program", {"name": "x"})),
    ("x", "admin", {"programs": ["kassel"]}, ("access.programs_not_for_role", {"role": "admin"})),
    ("x", "ministry", {"programs": ["kassel"], "funder": HESSEN}, ("access.programs_not_for_role", {"role": "ministry"})),
    ("x", "ministry", {"funder": "  "}, ("access.ministry_needs_funder", {"name": "x"})),
    ("x", "evaluator", {"funder": HESSEN}, ("access.funder_only_ministry", {"role": "evaluator"})),
    ("x", "evaluator", {"programs": ["kassel", "ghost"]}, ("access.unknown_program", {"program": "ghost"})),
    ("x y", "admin", {}, ("access.bad_name", {"name": "x y"})),
])
def test_an_account_that_breaks_a_rule_is_refused_and_nothing_is_stored(store, name, role, kwargs, expected):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    assert refusal(accounts.add, store, name, role, "geheim-123", actor=LOCAL_ADMIN, **kwargs) == expected
    assert count(store, "account") == 1 and count(store, "account_program") == 1


def test_passwords_have_a_minimum_and_a_maximum_length(store):
    assert refusal(accounts.add, store, "x", "admin", "kurz", actor=LOCAL_ADMIN) == (
        "access.password_too_short", {"min": 8})
    assert refusal(accounts.add, store, "x", "admin", "", actor=LOCAL_ADMIN)[0] == "access.password_too_short"
    assert refusal(accounts.add, store, "x", "admin", "x" * 1025, actor=LOCAL_ADMIN) == (
        "access.password_too_long", {"max": 1024})
    assert count(store, "account") == 0


def test_an_account_without_password_logs_in_only_through_oidc(store):
    accounts.add(store, "anna@stadt-kassel.de", "evaluator", programs=["kassel"], actor=LOCAL_ADMIN)
    assert [a.has_password for a in accounts.account_list(store)] == [False]
    assert authenticate(store, "anna@stadt-kassel.de", "") is None
    assert authenticate(store, "anna@stadt-kassel.de", "anything at all") is None


def test_only_admins_change_accounts(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    lead = person_for(store, "kassel")
    assert refusal(accounts.add, store, "x", "admin", "geheim-123", actor=lead) == (
        "access.admin_only", {"name": "kassel"})
    assert refusal(accounts.grant, store, "kassel", "tara", actor=lead)[0] == "access.admin_only"
    assert refusal(accounts.set_password, store, "kassel", "neues-passwort", actor=lead)[0] == "access.admin_only"
    assert refusal(accounts.remove, store, "kassel", actor=lead)[0] == "access.admin_only"


def test_grant_and_revoke(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    accounts.add(store, "eva", "evaluator", "geheim-123", actor=LOCAL_ADMIN)
    assert visible_programs(store, person_for(store, "eva")) == ()
    assert accounts.grant(store, "EVA", "tara", actor=LOCAL_ADMIN) is True
    assert accounts.grant(store, "eva", "tara", actor=LOCAL_ADMIN) is False          # had it: no second row
    assert accounts.grant(store, "eva", "shared", actor=LOCAL_ADMIN) is True
    assert visible_programs(store, person_for(store, "eva")) == ("shared", "tara")
    assert count(store, "account_program where name = 'eva'") == 2
    assert accounts.revoke(store, "eva", "tara", actor=LOCAL_ADMIN) is True
    assert accounts.revoke(store, "eva", "tara", actor=LOCAL_ADMIN) is False
    assert accounts.revoke(store, "eva", "shared", actor=LOCAL_ADMIN) is True        # an evaluator may have none
    assert visible_programs(store, person_for(store, "eva")) == ()
    # a lead keeps at least one program
    accounts.grant(store, "kassel", "tara", actor=LOCAL_ADMIN)
    assert accounts.revoke(store, "kassel", "kassel", actor=LOCAL_ADMIN) is True
    assert refusal(accounts.revoke, store, "kassel", "tara", actor=LOCAL_ADMIN) == (
        "access.lead_needs_program", {"name": "kassel"})
    assert person_for(store, "kassel").programs == ("tara",)


def test_grants_only_for_leads_and_evaluators_and_known_programs(store):
    accounts.add(store, "hessen", "ministry", "geheim-123", funder=HESSEN, actor=LOCAL_ADMIN)
    accounts.add(store, "eva", "evaluator", "geheim-123", actor=LOCAL_ADMIN)
    assert refusal(accounts.grant, store, "hessen", "tara", actor=LOCAL_ADMIN) == (
        "access.grant_not_for_role", {"name": "hessen", "role": "ministry"})
    assert refusal(accounts.grant, store, "eva", "ghost", actor=LOCAL_ADMIN) == (
        "access.unknown_program", {"program": "ghost"})
    assert refusal(accounts.grant, store, "nobody", "tara", actor=LOCAL_ADMIN) == (
        "access.unknown_user", {"name": "nobody"})


def test_remove_takes_grants_and_failures_but_keeps_the_last_admin(store):
    accounts.add(store, "admin", "admin", "geheim-123", actor=LOCAL_ADMIN)
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel", "tara"], actor=LOCAL_ADMIN)
    authenticate(store, "kassel", "falsch", now=T0)
    accounts.remove(store, "Kassel", actor=LOCAL_ADMIN)
    assert [a.name for a in accounts.account_list(store)] == ["admin"]
    assert count(store, "account_program") == count(store, "login_failure") == 0
    assert refusal(accounts.remove, store, "admin", actor=LOCAL_ADMIN) == ("access.last_admin", {"name": "admin"})
    assert refusal(accounts.remove, store, "kassel", actor=LOCAL_ADMIN)[0] == "access.unknown_user"


def test_a_new_password_replaces_the_old_one(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    accounts.set_password(store, "kassel", "neues-passwort", actor=LOCAL_ADMIN)
    assert authenticate(store, "kassel", "geheim-123") is None
    assert authenticate(store, "kassel", "neues-passwort").name == "kassel"


def test_the_list_never_shows_a_hash(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["tara", "kassel"], actor=LOCAL_ADMIN)
    accounts.add(store, "hessen", "ministry", "geheim-123", funder=f" {HESSEN} ", actor=LOCAL_ADMIN)
    listed = accounts.account_list(store)
    assert [(a.name, a.role, a.funder, a.programs, a.has_password) for a in listed] == [
        ("hessen", "ministry", HESSEN, (), True), ("kassel", "lead", None, ("kassel", "tara"), True)]
    assert not any("argon2" in repr(a) for a in listed)


def test_the_demo_accounts_one_per_role_with_password_demo(con):
    apply_access_schema(con)
    add_programs(con, {"sozialwirtschaft-integriert": HESSEN, "tara-mentoring": "Land NRW",
                       "permenti-transfer": "Land NRW"})
    assert accounts.add_demo_accounts(con) == ["admin", "kassel", "evaluation", "ministerium"]
    seen = {name: (authenticate(con, name, "demo").role, visible_programs(con, person_for(con, name)))
            for name in ("admin", "kassel", "evaluation", "ministerium")}
    everything = ("permenti-transfer", "sozialwirtschaft-integriert", "tara-mentoring")
    assert seen == {"admin": ("admin", everything),
                    "kassel": ("lead", ("sozialwirtschaft-integriert",)),
                    "evaluation": ("evaluator", everything),
                    "ministerium": ("ministry", ("sozialwirtschaft-integriert",))}


# --------------------------------------------------------------------------- login

@pytest.fixture
def kassel(store):
    accounts.add(store, "kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    return store


def test_the_right_password_gives_the_person(kassel):
    assert authenticate(kassel, " KASSEL ", "geheim-123") == Person("kassel", "lead", ("kassel",))


@pytest.mark.parametrize("name, password", [
    ("kassel", "geheim-124"),          # wrong password
    ("kassel", ""),                    # empty password
    ("kassl", "geheim-123"),           # unknown name, right password of another account
    ("x y", "geheim-123"),             # a name no account can have
    ("kassel", "geheim-123" * 200),    # too long to be a password
])
def test_every_failure_gives_the_same_answer(kassel, name, password):
    assert authenticate(kassel, name, password) is None
    assert LOGIN_FAILED == "access.login_failed"


def test_a_disabled_account_fails_like_a_wrong_password(kassel):
    kassel.execute("update account set disabled = true")
    assert authenticate(kassel, "kassel", "geheim-123") is None


def test_a_known_and_an_unknown_name_cost_one_hash_verification_each(kassel, monkeypatch):
    """Constant-ish time: the unknown name is verified against a dummy hash of the same cost."""
    hasher = accounts.HASHER
    verified = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):
            verified.append(hash.split("$")[3])           # the cost parameters m=…,t=…,p=…
            return hasher.verify(hash, password)

    monkeypatch.setattr(accounts, "HASHER", Counting(time_cost=1, memory_cost=8, parallelism=1))
    for name in ("kassel", "unbekannt"):
        authenticate(kassel, name, "falsch")
    assert verified == ["m=8,t=1,p=1", "m=8,t=1,p=1"]
    assert kassel.execute("select name from login_failure order by name").fetchall() == [("kassel",), ("unbekannt",)]


def test_login_failures_store_the_name_and_time_only(kassel):
    authenticate(kassel, "kassel", "mein-geheimnis", now=T0)
    assert kassel.execute("select * from login_failure").fetchall() == [("kassel", T0)]


@pytest.mark.parametrize("name", ["kassel", "unbekannt"])
def test_after_three_failures_each_attempt_waits_longer(kassel, name):
    second = dt.timedelta(seconds=1)
    for i in range(3):
        assert authenticate(kassel, name, "falsch", now=T0 + i * second) is None
    last = T0 + 2 * second
    assert wait_seconds(kassel, name, now=last) == 5
    with pytest.raises(LoginThrottled) as throttled:                # even the right password waits
        authenticate(kassel, name, "geheim-123", now=last + 4 * second)
    assert (throttled.value.code, throttled.value.params) == ("access.login_wait", {"seconds": 1})
    assert count(kassel, "login_failure") == 3                        # a refused attempt is not counted
    assert authenticate(kassel, name, "falsch", now=last + 5 * second) is None
    assert wait_seconds(kassel, name, now=last + 5 * second) == 10     # doubled
    assert wait_seconds(kassel, name, now=last + 15 * second) == 0
    # failures older than 15 minutes no longer count
    assert wait_seconds(kassel, name, now=T0 + dt.timedelta(minutes=15, seconds=4)) == 0


def test_throttling_is_per_name_and_a_success_clears_it(kassel):
    for i in range(3):
        authenticate(kassel, "kassel", "falsch", now=T0)
    assert wait_seconds(kassel, "other", now=T0) == 0
    assert authenticate(kassel, "kassel", "geheim-123", now=T0 + dt.timedelta(seconds=5)).name == "kassel"
    assert wait_seconds(kassel, "kassel", now=T0 + dt.timedelta(seconds=5)) == 0
    assert count(kassel, "login_failure") == 0


def test_the_delay_is_capped(kassel):
    for i in range(12):
        kassel.execute("insert into login_failure values ('kassel', ?)", [T0])
    assert wait_seconds(kassel, "kassel", now=T0) == login.MAX_DELAY


def test_old_failures_of_every_name_are_pruned(kassel):
    authenticate(kassel, "a", "x", now=T0)
    authenticate(kassel, "b", "x", now=T0 + dt.timedelta(minutes=20))
    assert kassel.execute("select name from login_failure").fetchall() == [("b",)]


def test_a_hash_of_an_older_cost_is_renewed_at_login(kassel, monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert authenticate(kassel, "kassel", "geheim-123").name == "kassel"
    assert "m=16,t=2,p=1" in kassel.execute("select password_hash from account").fetchone()[0]


def test_sessions_time_out():
    assert not session_expired(T0, T0 + dt.timedelta(minutes=29), now=T0 + dt.timedelta(minutes=30))
    assert session_expired(T0, T0, now=T0 + dt.timedelta(minutes=31))                       # idle
    assert session_expired(T0, T0 + dt.timedelta(hours=8), now=T0 + dt.timedelta(hours=8, minutes=1))  # too long
