"""The test OIDC provider (tests/helpers/oidc.py) speaks standard OIDC: Authlib, the library under
Streamlit's st.login, completes the authorization code flow with PKCE against it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey
from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

from tests.helpers.oidc import Provider

REDIRECT = "http://localhost:8501/oauth2callback"


def _authorize(idp: Provider, metadata: dict) -> tuple[OAuth2Session, str, str, str]:
    client = OAuth2Session(idp.client_id, idp.client_secret, scope="openid email profile",
                           redirect_uri=REDIRECT, code_challenge_method="S256")
    verifier, nonce = generate_token(48), generate_token(20)
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(REDIRECT + "?code=")
    return client, answer.headers["Location"], verifier, nonce


def test_authlib_logs_in_with_pkce_and_gets_a_signed_id_token():
    with Provider(claims={"sub": "u-17", "email": "anna@stadt-kassel.de"}) as idp:
        metadata = requests.get(idp.metadata_url, timeout=5).json()
        assert metadata["issuer"] == idp.issuer and "S256" in metadata["code_challenge_methods_supported"]
        client, callback, verifier, nonce = _authorize(idp, metadata)
        token = client.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)
        keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=5).json())
        claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
        assert {k: claims[k] for k in ("iss", "aud", "sub", "email", "nonce")} == {
            "iss": idp.issuer, "aud": "wirkungsmonitor", "sub": "u-17", "email": "anna@stadt-kassel.de", "nonce": nonce}
        assert client.get(metadata["userinfo_endpoint"], timeout=5).json()["email"] == "anna@stadt-kassel.de"
        # a code is good for one exchange only
        again = requests.post(metadata["token_endpoint"], auth=(idp.client_id, idp.client_secret), timeout=5,
                              data={"grant_type": "authorization_code", "redirect_uri": REDIRECT,
                                    "code": callback.split("code=")[1].split("&")[0], "code_verifier": verifier})
        assert again.status_code == 400


def test_a_wrong_pkce_verifier_or_client_secret_is_refused():
    with Provider() as idp:
        metadata = requests.get(idp.metadata_url, timeout=5).json()
        _, callback, _, _ = _authorize(idp, metadata)
        code = callback.split("code=")[1].split("&")[0]
        form = {"grant_type": "authorization_code", "redirect_uri": REDIRECT, "code": code, "code_verifier": "x" * 43}
        assert requests.post(metadata["token_endpoint"], auth=(idp.client_id, "wrong"), data=form,
                             timeout=5).status_code == 401
        assert requests.post(metadata["token_endpoint"], auth=(idp.client_id, idp.client_secret), data=form,
                             timeout=5).json()["error_description"] == "PKCE"
    assert ("GET", "/.well-known/openid-configuration") in idp.requests


APP = """
import streamlit as st
st.write("LOGGED-IN" if st.user.is_logged_in else "ANONYMOUS")
"""


@pytest.mark.slow
def test_streamlit_st_login_completes_against_the_provider(tmp_path):
    """Streamlit's own auth routes (/auth/login → provider → /oauth2callback) with the secrets.toml of
    `Provider.secrets_toml`: the signed `_streamlit_user` cookie then holds the provider's claims.
    st.login needs streamlit[auth] = Authlib + httpx; without httpx this test is skipped."""
    pytest.importorskip("httpx")
    secret = "a-cookie-secret-of-enough-length"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://localhost:{port}"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    with Provider(claims={"sub": "u-17", "email": "kassel@stadt-kassel.de"}) as idp:
        (tmp_path / ".streamlit" / "secrets.toml").write_text(idp.secrets_toml(f"{base}/oauth2callback", secret))
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            web = requests.Session()
            for _ in range(150):
                try:
                    if web.get(f"{base}/_stcore/health", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
            # what st.login() makes the browser open: /auth/login?provider=<HS256 token signed with cookie_secret>
            provider = jwt.encode({"alg": "HS256"}, {"provider": "default", "exp": int(time.time()) + 120},
                                  OctKey.import_key(secret))
            to_idp = web.get(f"{base}/auth/login", params={"provider": provider}, allow_redirects=False)
            assert to_idp.status_code == 302 and to_idp.headers["location"].startswith(f"{idp.issuer}/authorize?")
            to_app = web.get(to_idp.headers["location"], allow_redirects=False)
            home = web.get(to_app.headers["location"], allow_redirects=False)
            assert (home.status_code, home.headers["location"]) == (302, "/")
            user = json.loads(decode_signed_value(secret, "_streamlit_user", web.cookies["_streamlit_user"].strip('"')))
            assert (user["email"], user["is_logged_in"], user["provider"]) == ("kassel@stadt-kassel.de", True, "default")
            assert user["exp"] - user["iat"] == idp.lifetime     # the app can time sessions out from iat
        finally:
            server.terminate()
            server.wait(10)
