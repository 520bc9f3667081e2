"""Anmelden: the only page before a login. Name and password are checked against the store's
argon2id hashes (pipelines.access.login): one answer for every failure, waiting after repeated
ones. A store without accounts says how to make the first admin; the demo store names its accounts."""

import streamlit as st

from dashboard import data, state
from pipelines import access, text

lang = state.language()
st.title(text.say("access.login.title", lang))
has_accounts, is_demo = data.store_accounts()
if not has_accounts:
    st.info(text.say("access.login.no_accounts", lang))
else:
    if st.session_state.pop(data.EXPIRED_KEY, False):
        st.warning(text.say("access.session_expired", lang))
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
