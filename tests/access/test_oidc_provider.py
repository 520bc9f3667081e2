"""The test OIDC provider (tests/helpers/oidc.py) speaks standard OIDC: Authlib, the library under
Streamlit's st.login, completes the authorization code flow with PKCE against it."""

from __future__ import annotations

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

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
