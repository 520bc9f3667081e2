"""People and access: accounts and roles, local login, who sees and changes which program, the audit log.

`policy` decides (a `Person` sees `visible_programs`; `restrict`, `may_change`,
`publication_only`), `accounts` keeps the accounts and grants (argon2id hashes), `login`
checks a password offline with one answer for every failure and throttling, `audit` records
who did what when (never a participant id). The tables are in `pipelines/store/access.sql`;
`connection` limits a connection to what one person sees (`reading_for`, `shadow`);
`cli_user` holds the `outcomes user …` commands; `publish` makes figures publication-safe for the
ministry. An office's identity provider (OIDC through Streamlit's `st.login`, configured in
`.streamlit/secrets.toml`, see README "Login") logs in the account named by the verified e-mail
address (`login.identity_person`). Refusals are `AccessError(code, params)`.
"""

from .policy import (LOCAL_ADMIN, ROLES, AccessError, Person, ensure_may_change, is_admin, may_change,
                     may_export_rows, normalise_name, person_for, publication_only, restrict, visible_programs)
from .audit import ACTIONS, entries, record
from .accounts import (Account, account_list, add, add_demo_accounts, grant, has_accounts, is_demo_store, remove,
                       revoke, set_password)
from .connection import connect_for, reading_for, shadow
from .login import LOGIN_FAILED, LoginThrottled, authenticate, identity_person, session_expired, wait_seconds

__all__ = [
    "LOCAL_ADMIN", "ROLES", "AccessError", "Person", "ensure_may_change", "is_admin", "may_change",
    "may_export_rows", "normalise_name", "person_for", "publication_only", "restrict", "visible_programs",
    "ACTIONS", "entries", "record",
    "Account", "account_list", "add", "add_demo_accounts", "grant", "has_accounts", "is_demo_store", "remove",
    "revoke", "set_password", "connect_for", "reading_for", "shadow",
    "LOGIN_FAILED", "LoginThrottled", "authenticate", "identity_person", "session_expired", "wait_seconds",
]
