"""The `outcomes user …` commands: accounts and program grants from the command line.

    outcomes user add NAME --role admin|lead|evaluator|ministry [--program ID …] [--funder NAME] [--password-stdin]
    outcomes user grant|revoke NAME --program ID
    outcomes user list [--json]
    outcomes user passwd NAME --password-stdin
    outcomes user remove NAME

Passwords are read from stdin only (one line), never from an argument, where `ps` and the
shell history would show them. Every command acts as `--user NAME` (default: the local admin)
and only admins change accounts. Exit status: 0 ok, 2 refused (nothing changed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import Iterator

import duckdb

from pipelines import text
from pipelines.access import accounts, policy
from pipelines.access.policy import AccessError
from pipelines.store import db
from pipelines.text import access as access_words

EXIT_OK, EXIT_REFUSED = 0, 2

# The words of this section; once the lead adds access.WORDS to text._catalog() this is text.say.
_say = text.Catalog(access_words.WORDS).say


@contextmanager
def _store(args, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store: for a change the one writer (`db.writing`: all or nothing, a second writer waits);
    for a question read-only when it exists (a running dashboard is no obstacle)."""
    if write:
        with db.writing(args.db) as con:
            yield con
        return
    con = db.connect(args.db, read_only=db.resolve_path(args.db).exists())
    try:
        yield con
    finally:
        con.close()


def _refusals(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn an AccessError into one line on stderr and exit status 2."""
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except AccessError as refusal:
            print(_say("access.refused", args.lang, reason=_say(refusal.code, args.lang, **refusal.params)),
                  file=sys.stderr)
            return EXIT_REFUSED
    run.__doc__ = command.__doc__
    return run


def acting_person(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> policy.Person:
    """Who a command acts as: `--user NAME`, else the local admin (so scripts keep working)."""
    return policy.LOCAL_ADMIN if args.user is None else policy.person_for(con, args.user)


def _password_from_stdin() -> str:
    """One line of stdin without its line ending."""
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _role_word(role: str, lang: str) -> str:
    return _say(f"access.role.{role}", lang)


@_refusals
def cmd_user_add(args: argparse.Namespace) -> int:
    password = _password_from_stdin() if args.password_stdin else None
    with _store(args, write=True) as con:
        actor = acting_person(con, args)
        name = accounts.add(con, args.name, args.role, password, programs=args.program or (),
                            funder=args.funder, actor=actor)
        visible = policy.visible_programs(con, policy.person_for(con, name))
    print(_say("access.user_added", args.lang, name=name, role=_role_word(args.role, args.lang)))
    if password is None:
        print(_say("access.no_password", args.lang, name=name))
    print(_say("access.sees", args.lang, name=name, count=text.number(len(visible), args.lang),
               programs=", ".join(visible) or "–"))
    return EXIT_OK


def _grant_command(change: Callable[..., bool], done: str, unchanged: str) -> Callable[[argparse.Namespace], int]:
    """`user grant` or `user revoke`: the change, then what happened (or that nothing had to)."""
    @_refusals
    def command(args: argparse.Namespace) -> int:
        with _store(args, write=True) as con:
            changed = change(con, args.name, args.program, actor=acting_person(con, args))
        print(_say(done if changed else unchanged, args.lang, name=policy.normalise_name(args.name),
                   program=args.program))
        return EXIT_OK
    return command


cmd_user_grant = _grant_command(accounts.grant, "access.granted", "access.granted_already")
cmd_user_revoke = _grant_command(accounts.revoke, "access.revoked", "access.revoked_already")


@_refusals
def cmd_user_passwd(args: argparse.Namespace) -> int:
    password = _password_from_stdin()
    with _store(args, write=True) as con:
        accounts.set_password(con, args.name, password, actor=acting_person(con, args))
    print(_say("access.password_changed", args.lang, name=policy.normalise_name(args.name)))
    return EXIT_OK


@_refusals
def cmd_user_remove(args: argparse.Namespace) -> int:
    with _store(args, write=True) as con:
        accounts.remove(con, args.name, actor=acting_person(con, args))
    print(_say("access.user_removed", args.lang, name=policy.normalise_name(args.name)))
    return EXIT_OK


@_refusals
def cmd_user_list(args: argparse.Namespace) -> int:
    with _store(args, write=False) as con:
        actor = acting_person(con, args)
        if not policy.is_admin(actor):
            raise AccessError("access.admin_only", {"name": actor.name})
        listed = accounts.account_list(con)
    if args.json:
        print(json.dumps([{
            "name": a.name, "role": a.role, "funder": a.funder, "programs": list(a.programs),
            "has_password": a.has_password, "disabled": a.disabled, "created_at": a.created_at.isoformat(),
        } for a in listed], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not listed:
        print(_say("access.no_accounts", args.lang))
    for a in listed:
        scope = a.funder if a.role == "ministry" else ", ".join(a.programs)
        flag = f"  ({_say('access.disabled', args.lang)})" if a.disabled else ""
        print(f"{a.name:24} {_role_word(a.role, args.lang):28} {scope}{flag}".rstrip())
    return EXIT_OK


def acting_user_arguments() -> argparse.ArgumentParser:
    """A parent parser with `--user NAME`, for every command that reads or writes data."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--user", metavar="NAME",
                        help="act as this account (default: the local admin, so scripts keep working)")
    return parent


def add_user_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
                    ) -> argparse.ArgumentParser:
    """Register `outcomes user …` on the `outcomes` sub-parsers; `common` holds --db and --lang
    (and --user, else it is added here)."""
    has_user = hasattr(common.parse_known_args([])[0], "user")
    parents = [common] if has_user else [common, acting_user_arguments()]
    user = subparsers.add_parser(
        "user", help="accounts and program grants (admins only)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  printf '%s\\n' \"$PASSWORT\" | outcomes user add kassel --role lead "
               "--program sozialwirtschaft-integriert --password-stdin\n"
               "  outcomes user add ministerium --role ministry "
               "--funder 'Hessisches Ministerium für Soziales und Integration' --password-stdin < pw.txt\n"
               "  outcomes user grant evaluation --program tara-mentoring\n"
               "  outcomes user list --json")
    commands = user.add_subparsers(dest="user_command", required=True, metavar="USER_COMMAND")

    p = commands.add_parser("add", parents=parents, help="create an account",
                            epilog="example: outcomes user add kassel --role lead "
                                   "--program sozialwirtschaft-integriert --password-stdin < pw.txt")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, choices=policy.ROLES)
    p.add_argument("--program", action="append", metavar="ID", help="granted program (repeatable; lead, evaluator)")
    p.add_argument("--funder", help="ministry: the funder whose programs the account sees")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from stdin (without it: no local login, OIDC only)")
    p.set_defaults(func=cmd_user_add)

    for name, func, what in (("grant", cmd_user_grant, "let a lead or an evaluator see a program"),
                             ("revoke", cmd_user_revoke, "take a program from an account")):
        p = commands.add_parser(name, parents=parents, help=what,
                                epilog=f"example: outcomes user {name} evaluation --program tara-mentoring")
        p.add_argument("name", metavar="NAME")
        p.add_argument("--program", required=True, metavar="ID")
        p.set_defaults(func=func)

    p = commands.add_parser("list", parents=parents, help="list the accounts (never a password hash)",
                            epilog="example: outcomes user list --json")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_user_list)

    p = commands.add_parser("passwd", parents=parents, help="set a new password, read from stdin",
                            epilog="example: outcomes user passwd kassel --password-stdin < pw.txt")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")
    p.set_defaults(func=cmd_user_passwd)

    p = commands.add_parser("remove", parents=parents, help="delete an account and its grants",
                            epilog="example: outcomes user remove kassel")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_user_remove)
    return user
