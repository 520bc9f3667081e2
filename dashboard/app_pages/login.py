"""Anmelden: the only page before a login. Name and password are checked against the store's
argon2id hashes (pipelines.access.login): one answer for every failure, waiting after repeated
ones. A store without accounts says how to make the first admin; the demo store names its accounts.
Where an office's identity provider is configured ([auth] in .streamlit/secrets.toml), "Mit dem Konto
der Verwaltung anmelden" goes through it (st.login), and the account named by the verified e-mail
address is logged in."""

import streamlit as st

from dashboard import data, state
from dashboard.widgets import escaped
from pipelines import access, text

lang = state.language()
st.title(text.say("access.login.title", lang))
if st.session_state.pop(data.IDP_LOGOUT_KEY, False) and data.identity() is not None:
    st.logout()                # the session ended: the provider's login ends too, the next one is fresh
has_accounts, is_demo = data.store_accounts()
if not has_accounts:
    st.info(text.say("access.login.no_accounts", lang))
else:
    if st.session_state.pop(data.EXPIRED_KEY, False):
        st.warning(text.say("access.session_expired", lang))
    if data.oidc_configured():
        claims = data.identity()
        if claims is None:
            st.button(text.say("access.login.oidc", lang), type="primary", key="login_oidc", on_click=st.login,
                      icon=":material/account_balance:")
        else:
            try:
                data.log_in_identity(claims)
            except access.AccessError as exc:
                st.error(text.say(exc.code, lang, **{k: escaped(v) for k, v in exc.params.items()}))
                st.button(text.say("access.login.oidc_logout", lang), key="logout_oidc", on_click=st.logout)
            else:
                st.rerun()
        st.caption(text.say("access.login.oidc_or", lang))
    if is_demo:
        st.info(text.say("access.login.demo", lang))
    with st.form("login"):
        name = st.text_input(text.say("access.login.name", lang), key="login_name")
        password = st.text_input(text.say("access.login.password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(text.say("access.login.submit", lang), type="primary")
    if submitted:
        try:
            found = data.log_in(name, password)
        except access.LoginThrottled as wait:
            st.error(text.say(wait.code, lang, **wait.params))
        else:
            if found is None:
                st.error(text.say(access.LOGIN_FAILED, lang))
            else:
                st.rerun()
