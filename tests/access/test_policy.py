"""Who sees which program and who may change it: every role on a four-program store."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.access import (LOCAL_ADMIN, AccessError, Person, accounts, ensure_may_change, identity_person,
                              may_change, may_export_rows, normalise_name, person_for, publication_only, restrict,
                              visible_programs)
from tests.helpers.access import HESSEN, NRW

ALL = ("kassel", "nofunder", "shared", "tara")


@pytest.fixture
def people(store):
    """One account per role: a lead of kassel, an evaluator of tara and shared, two ministries, an admin."""
    add = accounts.add
    add(store, "Admin", "admin", "geheim-123", actor=LOCAL_ADMIN)
    add(store, "Kassel", "lead", "geheim-123", programs=["kassel"], actor=LOCAL_ADMIN)
    add(store, "eva", "evaluator", "geheim-123", programs=["tara", "shared"], actor=LOCAL_ADMIN)
    add(store, "hessen", "ministry", "geheim-123", funder=HESSEN, actor=LOCAL_ADMIN)
    add(store, "nrw", "ministry", "geheim-123", funder=f"  {NRW.upper()} ", actor=LOCAL_ADMIN)
    add(store, "nobody", "ministry", "geheim-123", funder="Bundesministerium", actor=LOCAL_ADMIN)
    return store


@pytest.mark.parametrize("name, role, expected", [
    ("admin", "admin", ALL),
    ("kassel", "lead", ("kassel",)),
    ("eva", "evaluator", ("shared", "tara")),
    # the Hessian funder is listed alone (kassel) and second, in other case and spacing (shared)
    ("hessen", "ministry", ("kassel", "shared")),
    ("nrw", "ministry", ("tara",)),
    ("nobody", "ministry", ()),
])
def test_every_role_sees_its_programs(people, name, role, expected):
    person = person_for(people, name)
    assert person.role == role
    assert visible_programs(people, person) == expected
    assert person.programs == expected


def test_the_local_admin_sees_everything_without_an_account(store):
    assert visible_programs(store, LOCAL_ADMIN) == ALL


@pytest.mark.parametrize("name", [None, "local-admin", " Local-Admin "])
def test_no_name_leads_to_the_local_admin(store, name):
    """Only the command line's default acts as the local admin; a login or a URL never can."""
    with pytest.raises(AccessError) as refusal:
        person_for(store, name)
    assert refusal.value.code == "access.unknown_user"


def test_a_person_without_an_account_sees_nothing(people):
    assert visible_programs(people, Person("stranger", "admin")) == ()
    with pytest.raises(AccessError) as refusal:
        person_for(people, "stranger")
    assert (refusal.value.code, refusal.value.params) == ("access.unknown_user", {"name": "stranger"})


def test_a_disabled_account_sees_nothing(people):
    people.execute("update account set disabled = true where name = 'kassel'")
    assert visible_programs(people, Person("kassel", "lead", ("kassel",))) == ()
    with pytest.raises(AccessError):
        person_for(people, "kassel")


def test_a_revoked_grant_takes_effect_on_the_next_question(people):
    eva = person_for(people, "eva")
    accounts.revoke(people, "eva", "tara", actor=LOCAL_ADMIN)
    assert visible_programs(people, eva) == ("shared",)     # the store is asked again
    assert person_for(people, "eva").programs == ("shared",)


def test_a_grant_of_a_program_that_is_gone_shows_nothing(people):
    people.execute("delete from program where program_id = 'tara'")
    assert visible_programs(people, person_for(people, "eva")) == ("shared",)


def test_restrict_drops_what_she_may_not_see_like_an_unknown_program(people):
    kassel = person_for(people, "kassel")
    # a URL naming another program (tara) or no program at all (ghost) shows the same: nothing
    assert restrict(["tara", "kassel", "ghost", "kassel"], kassel) == ("kassel",)
    assert restrict(["tara"], kassel) == restrict(["ghost"], kassel) == ()
    assert restrict(["tara", "kassel"], person_for(people, "hessen")) == ("kassel",)
    assert restrict(["tara", "kassel", "tara"], person_for(people, "admin")) == ("tara", "kassel")


def test_only_admins_and_the_programs_leads_may_change_it(people):
    admin, kassel, eva, hessen = (person_for(people, n) for n in ("admin", "kassel", "eva", "hessen"))
    assert [may_change(p, "kassel") for p in (admin, kassel, eva, hessen)] == [True, True, False, False]
    assert [may_change(p, "tara") for p in (admin, kassel, eva, hessen)] == [True, False, False, False]
    assert may_change(LOCAL_ADMIN, "anything")
    with pytest.raises(AccessError) as refusal:
        ensure_may_change(kassel, "tara")
    assert (refusal.value.code, refusal.value.params) == ("access.forbidden", {"name": "kassel", "program": "tara"})
    ensure_may_change(kassel, "kassel")


def test_row_level_export_and_suppression_by_role(people):
    admin, kassel, eva, hessen = (person_for(people, n) for n in ("admin", "kassel", "eva", "hessen"))
    assert [may_export_rows(p, "kassel") for p in (admin, kassel, eva, hessen)] == [True, True, False, False]
    assert [publication_only(p) for p in (admin, kassel, eva, hessen)] == [False, False, False, True]


@pytest.mark.parametrize("raw, normal", [(" Kassel ", "kassel"), ("ＫＡＳＳＥＬ", "kassel"),
                                         ("Anna.Müller@stadt-kassel.de", "anna.müller@stadt-kassel.de")])
def test_names_are_normalised(raw, normal):
    assert normalise_name(raw) == normal


@pytest.mark.parametrize("raw", ["", "   ", "-dash", "a b", "x" * 65, "<script>", "kassel;drop"])
def test_odd_names_are_refused(raw):
    with pytest.raises(AccessError) as refusal:
        normalise_name(raw)
    assert refusal.value.code == "access.bad_name"


def test_a_person_has_one_of_the_four_roles():
    with pytest.raises(ValueError):
        Person("x", "superuser")


# --------------------------------------------------------------------------- identities from the office's provider

def test_an_identity_maps_to_the_account_named_by_its_verified_email(store):
    accounts.add(store, "Anna@Stadt-Kassel.de", "lead", None, programs=["kassel"], actor=LOCAL_ADMIN)
    now = dt.datetime(2024, 3, 1, 12, 0, 0)
    iat = (now - dt.timedelta(hours=1)).timestamp()
    person, issued = identity_person(store, {"email": "anna@stadt-kassel.de", "email_verified": True, "iat": iat},
                                     now=now)
    assert (person.name, person.role, person.programs) == ("anna@stadt-kassel.de", "lead", ("kassel",))
    assert issued == dt.datetime(2024, 3, 1, 11, 0, 0)
    assert store.execute("select actor, detail_json from audit_log where action = 'login'").fetchall() == [
        ("anna@stadt-kassel.de", '{"via": "oidc"}')]
    for claims, code in [({"email": "anna@stadt-kassel.de", "email_verified": False}, "access.oidc_no_email"),
                         ({"sub": "x"}, "access.oidc_no_email"),
                         ({"email": "bert@stadt-kassel.de"}, "access.oidc_unknown"),
                         ({"email": "a b@x"}, "access.oidc_unknown"),
                         ({"email": "anna@stadt-kassel.de", "iat": (now - dt.timedelta(hours=9)).timestamp()},
                          "access.oidc_expired")]:
        with pytest.raises(AccessError) as refusal:
            identity_person(store, claims, now=now)
        assert refusal.value.code == code
    assert store.execute("select count(*) from audit_log where action = 'login'").fetchone()[0] == 1
