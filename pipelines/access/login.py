"""Local login, offline: check a name and a password against the store's argon2id hashes.

- One answer for every failure (`LOGIN_FAILED`): wrong password, unknown name, disabled
  account or an account without a local password look the same, and take about the same
  time — an unknown name is checked against a dummy hash of the same cost.
- Throttling: after `FREE_FAILURES` failures for a name within `WINDOW`, every further attempt
  must wait `FIRST_DELAY` seconds after the last failure, doubling with each failure up to
  `MAX_DELAY`. Until then an attempt is refused (`LoginThrottled`, with the seconds to wait)
  without looking at the password. Unknown names are throttled alike, so the delay says
  nothing about whether a name exists. Only the name and the time of a failure are stored.
- Sessions time out: `session_expired` after `SESSION_IDLE` without a request or
  `SESSION_MAX` after the login.
- An office's identity provider (OIDC, Streamlit's `st.login`): `identity_person` maps the
  identity the provider vouched for (`st.user`: a verified e-mail address, issued at `iat`) to
  the account of that name — accounts for OIDC are named by their e-mail address and usually
  have no password. An identity older than `SESSION_MAX` is not taken: she logs in again.

A login writes (failure counts, a rehash, the audit entry), so it needs a writable connection.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import duckdb
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipelines.access import accounts, audit
from pipelines.access.policy import AccessError, Person, normalise_name, person_for
from pipelines.store.db import retried, transaction

LOGIN_FAILED = "access.login_failed"   # the one code of a failed login
FREE_FAILURES = 3
WINDOW = dt.timedelta(minutes=15)
FIRST_DELAY = 5                        # seconds
MAX_DELAY = 300
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_MAX = dt.timedelta(hours=8)

_dummy_hashes: dict[str, str] = {}


class LoginThrottled(AccessError):
    """Too many failures for this name: try again in `params["seconds"]` seconds."""

    def __init__(self, seconds: int):
        super().__init__("access.login_wait", {"seconds": seconds})
        self.seconds = seconds


def _dummy_hash() -> str:
    """A hash of the current hasher's cost, to verify against when the name has none."""
    hasher = accounts.HASHER
    key = f"{hasher.time_cost}/{hasher.memory_cost}/{hasher.parallelism}/{hasher.hash_len}/{hasher.type}"
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("no account has this password")
    return _dummy_hashes[key]


def wait_seconds(con: duckdb.DuckDBPyConnection, name: str, now: dt.datetime | None = None) -> int:
    """Seconds until `name` may try to log in again (0: now)."""
    now = now or audit.now()
    failures, last = con.execute(
        "select count(*), max(failed_at) from login_failure where name = $name and failed_at > $since",
        {"name": name, "since": now - WINDOW}).fetchone()
    if failures < FREE_FAILURES:
        return 0
    delay = min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)
    remaining = (last + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


def _verified(password_hash: str | None, password: str) -> bool:
    """Run one argon2 verification whatever happens; True only for a real hash that matches."""
    try:
        accounts.HASHER.verify(password_hash or _dummy_hash(), password[:accounts.MAX_PASSWORD_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return password_hash is not None and len(password) <= accounts.MAX_PASSWORD_LENGTH


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, *,
                 now: dt.datetime | None = None) -> Person | None:
    """The person whose name and password these are, or None (say `LOGIN_FAILED`, nothing more).

    Raises:
        LoginThrottled: too many recent failures for this name; nothing was checked.
    """
    now = now or audit.now()
    _dummy_hash()                            # made before any answer, so the first unknown name is not slower
    try:
        normal = normalise_name(name)
    except AccessError:
        _verified(None, password)            # same work as for a name without account
        return None
    seconds = wait_seconds(con, normal, now)
    if seconds:
        raise LoginThrottled(seconds)
    row = con.execute("select password_hash from account where name = $name and not disabled limit 1",
                      {"name": normal}).fetchone()
    password_hash = row[0] if row else None
    if not _verified(password_hash, password):
        _remember_failure(con, normal, now)
        return None
    _remember_success(con, normal, password_hash, password)
    return person_for(con, normal)


@retried
def _remember_failure(con: duckdb.DuckDBPyConnection, name: str, now: dt.datetime) -> None:
    """Count a failed login (throttling) and forget failures older than the window, in one transaction."""
    with transaction(con):
        con.execute("insert into login_failure values ($name, $at)", {"name": name, "at": now})
        con.execute("delete from login_failure where failed_at <= $since", {"since": now - WINDOW})


@retried
def _remember_success(con: duckdb.DuckDBPyConnection, name: str, password_hash: str, password: str) -> None:
    """Forget her failures, rehash when the cost was raised since she last logged in, log the login."""
    with transaction(con):
        con.execute("delete from login_failure where name = $name", {"name": name})
        if accounts.HASHER.check_needs_rehash(password_hash):
            con.execute("update account set password_hash = $hash where name = $name",
                        {"hash": accounts.HASHER.hash(password), "name": name})
        audit.record(con, name, "login")


def session_expired(logged_in_at: dt.datetime, last_seen: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Has a session ended, `SESSION_IDLE` after its last request or `SESSION_MAX` after the login?"""
    now = now or audit.now()
    return now - last_seen > SESSION_IDLE or now - logged_in_at > SESSION_MAX


def identity_person(con: duckdb.DuckDBPyConnection, claims: Mapping[str, Any], *,
                    now: dt.datetime | None = None) -> tuple[Person, dt.datetime]:
    """The person an identity from the office's provider stands for, and when the provider vouched for it.

    Args:
        claims: the identity's claims as Streamlit keeps them (`st.user`): `email`, optional
            `email_verified`, `iat` (seconds since the epoch).

    Returns:
        (the person of the account named by the e-mail address, the time of the identity or `now`).
        The login is audited (action login, via oidc).

    Raises:
        AccessError: access.oidc_no_email (no e-mail address, or one the provider marks unverified),
        access.oidc_expired (issued more than `SESSION_MAX` ago), access.oidc_unknown (no enabled
        account of that name).
    """
    now = now or audit.now()
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        raise AccessError("access.oidc_no_email")
    issued = now
    if claims.get("iat") is not None:
        issued = dt.datetime.fromtimestamp(float(claims["iat"]))
        if now - issued > SESSION_MAX:
            raise AccessError("access.oidc_expired", {"hours": int(SESSION_MAX.total_seconds() // 3600)})
    try:
        found = person_for(con, email)
    except AccessError:          # no account, or a name no account can have: the same answer
        raise AccessError("access.oidc_unknown", {"email": email[:254]}) from None
    audit.record(con, found, "login", via="oidc")
    return found, issued
