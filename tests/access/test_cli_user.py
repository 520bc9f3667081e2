"""`outcomes user …`: exit code, output and the rows in the store (registered on a parser built like
pipelines/cli.py's, until the lead wires `add_user_parser` into it)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys

import pytest

from pipelines import text
from pipelines.access import authenticate, cli_user
from pipelines.store import db
from tests.helpers.access import HESSEN, add_programs, apply_access_schema


def parser(common_has_user: bool = False) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db")
    common.add_argument("--lang", choices=text.LANGS, default="de")
    if common_has_user:
        common.add_argument("--user")
    outcomes = argparse.ArgumentParser(prog="outcomes")
    cli_user.add_user_parser(outcomes.add_subparsers(dest="command", required=True), common)
    return outcomes


def run(*argv: str, stdin: str = "", common_has_user: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser(common_has_user).parse_args(list(argv))
            code = args.func(args)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def store_file(db_path):
    con = db.connect(db_path)
    apply_access_schema(con)
    add_programs(con)
    con.close()
    return str(db_path)


def rows(path: str, sql: str) -> list[tuple]:
    con = db.connect(path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_add_reads_the_password_from_stdin_and_says_what_she_sees(store_file):
    code, out, err = run("user", "add", "Kassel", "--role", "lead", "--program", "kassel", "--program", "tara",
                         "--password-stdin", "--db", store_file, stdin="geheim-123\n")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Konto „kassel“ (Projektleitung) angelegt.",
                                "„kassel“ sieht 2 Programm(e): kassel, tara"]
    [(name, role, password_hash)] = rows(store_file, "select name, role, password_hash from account")
    assert (name, role) == ("kassel", "lead") and password_hash.startswith("$argon2id$")
    assert rows(store_file, "select actor, action from audit_log") == [("local-admin", "user_add")]


def test_a_ministry_sees_the_programs_of_its_funder(store_file):
    code, out, _ = run("user", "add", "ministerium", "--role", "ministry", "--funder", HESSEN, "--password-stdin",
                       "--db", store_file, "--lang", "en", stdin="geheim-123")
    assert code == 0
    assert out.splitlines()[-1] == "'ministerium' sees 2 program(s): kassel, shared"


def test_without_password_stdin_the_account_has_no_local_login(store_file):
    code, out, _ = run("user", "add", "anna@stadt-kassel.de", "--role", "evaluator", "--db", store_file)
    assert code == 0 and "OIDC" in out
    assert rows(store_file, "select password_hash from account") == [(None,)]


def test_refusals_exit_2_with_one_line_and_change_nothing(store_file):
    code, out, err = run("user", "add", "x", "--role", "lead", "--password-stdin", "--db", store_file,
                         stdin="geheim-123\n")
    assert (code, out) == (2, "")
    assert err == "Abgelehnt: Eine Projektleitung braucht mindestens ein Programm (--program).\n"
    code, _, err = run("user", "add", "x", "--role", "admin", "--password-stdin", "--db", store_file,
                       "--lang", "en", stdin="kurz\n")
    assert (code, err) == (2, "Refused: The password is too short (at least 8 characters).\n")
    assert rows(store_file, "select count(*) from account") == [(0,)]


def test_grant_revoke_passwd_remove_and_list(store_file):
    run("user", "add", "admin", "--role", "admin", "--password-stdin", "--db", store_file, stdin="geheim-123\n")
    run("user", "add", "eva", "--role", "evaluator", "--db", store_file)
    assert run("user", "grant", "eva", "--program", "tara", "--db", store_file)[:2] == (
        0, "„eva“ hat jetzt Zugriff auf „tara“.\n")
    assert run("user", "grant", "eva", "--program", "tara", "--db", store_file)[:2] == (
        0, "„eva“ hatte schon Zugriff auf „tara“.\n")
    assert run("user", "grant", "eva", "--program", "ghost", "--db", store_file)[0] == 2
    assert run("user", "passwd", "eva", "--password-stdin", "--db", store_file, stdin="neues-passwort\r\n")[0] == 0
    code, out, _ = run("user", "list", "--json", "--db", store_file)
    listed = json.loads(out)
    assert code == 0 and [(a["name"], a["role"], a["programs"], a["has_password"]) for a in listed] == [
        ("admin", "admin", [], True), ("eva", "evaluator", ["tara"], True)]
    assert "hash" not in out and "argon2" not in out
    code, out, _ = run("user", "list", "--db", store_file, "--lang", "en")
    assert out.splitlines() == [f"{'admin':24} {'Admin':28}".rstrip(), f"{'eva':24} {'Evaluator':28} tara"]
    assert run("user", "revoke", "eva", "--program", "tara", "--db", store_file)[0] == 0
    assert run("user", "remove", "eva", "--db", store_file)[:2] == (0, "Konto „eva“ entfernt.\n")
    assert run("user", "remove", "admin", "--db", store_file)[0] == 2            # the last admin stays
    assert [r[0] for r in rows(store_file, "select action from audit_log order by logged_at")] == [
        "user_add", "user_add", "grant", "password_change", "revoke", "user_remove"]


def test_the_new_password_from_stdin_logs_in(store_file):
    run("user", "add", "eva", "--role", "evaluator", "--password-stdin", "--db", store_file, stdin="erstes-pw\n")
    run("user", "passwd", "eva", "--password-stdin", "--db", store_file, stdin="zweites pw mit leerzeichen \n")
    con = db.connect(store_file)
    try:
        assert authenticate(con, "eva", "erstes-pw") is None
        assert authenticate(con, "eva", "zweites pw mit leerzeichen ").name == "eva"
    finally:
        con.close()


def test_only_an_admin_acting_with_user_changes_accounts(store_file):
    run("user", "add", "kassel", "--role", "lead", "--program", "kassel", "--db", store_file)
    code, _, err = run("user", "add", "x", "--role", "admin", "--user", "kassel", "--db", store_file)
    assert (code, err) == (2, "Abgelehnt: Das dürfen nur Admins.\n")
    assert run("user", "list", "--user", "kassel", "--db", store_file)[0] == 2
    code, _, err = run("user", "list", "--user", "ghost", "--db", store_file, "--lang", "en")
    assert (code, err) == (2, "Refused: There is no active account 'ghost'.\n")
    run("user", "add", "chefin", "--role", "admin", "--db", store_file)
    assert run("user", "grant", "kassel", "--program", "tara", "--user", "chefin", "--db", store_file)[0] == 0
    assert rows(store_file, "select actor from audit_log where action = 'grant'") == [("chefin",)]


def test_user_may_come_from_the_common_options(store_file):
    run("user", "add", "chefin", "--role", "admin", "--db", store_file, common_has_user=True)
    assert run("user", "list", "--user", "chefin", "--db", store_file, common_has_user=True)[0] == 0
    assert run("user", "list", "--user", "local-admin", "--db", store_file, common_has_user=True)[0] == 2


def test_passwords_are_never_arguments():
    with pytest.raises(SystemExit):
        with contextlib.redirect_stderr(io.StringIO()):
            parser().parse_args(["user", "passwd", "eva", "--password", "x"])
    with pytest.raises(SystemExit):
        with contextlib.redirect_stderr(io.StringIO()):
            parser().parse_args(["user", "passwd", "eva"])          # --password-stdin is required
