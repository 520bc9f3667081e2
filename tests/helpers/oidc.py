"""A minimal OpenID Connect provider on 127.0.0.1 for tests: authorization code flow with PKCE.

    with Provider(claims={"sub": "u1", "email": "anna@stadt-kassel.de"}) as idp:
        idp.metadata_url      # http://127.0.0.1:PORT/.well-known/openid-configuration
        idp.secrets_toml("http://localhost:8501/oauth2callback", cookie_secret="…")

Endpoints: discovery, /authorize (approves at once as `claims`, no login page), /token
(client_secret_basic or _post, PKCE S256 checked), /jwks, /userinfo, /logout. ID tokens are
RS256-signed with joserfc (the JOSE library Authlib ≥ 1.7 and Streamlit's st.login use;
authlib.jose is deprecated). Every request is kept in `requests` for assertions.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


class Provider:
    """An OIDC provider for one client, serving on a free port of 127.0.0.1 while started."""

    def __init__(self, claims: dict | None = None, client_id: str = "wirkungsmonitor",
                 client_secret: str = "test-client-secret", lifetime: int = 300):
        self.claims = dict(claims or {"sub": "anna", "email": "anna@stadt-kassel.de", "name": "Anna Test"})
        self.client_id, self.client_secret, self.lifetime = client_id, client_secret, lifetime
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.requests: list[tuple[str, str]] = []          # (method, path with query)
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "Provider":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider._handle(self, "GET")

            def do_POST(self):
                provider._handle(self, "POST")

            def log_message(self, *args):            # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "Provider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def secrets_toml(self, redirect_uri: str, cookie_secret: str) -> str:
        """The `.streamlit/secrets.toml` that points st.login() (default provider) at this provider."""
        return (f'[auth]\nredirect_uri = "{redirect_uri}"\ncookie_secret = "{cookie_secret}"\n'
                f'client_id = "{self.client_id}"\nclient_secret = "{self.client_secret}"\n'
                f'server_metadata_url = "{self.metadata_url}"\n')

    # ------------------------------------------------------------------ endpoints
    def metadata(self) -> dict:
        return {
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo", "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        self.requests.append((method, request.path))
        url = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        routes = {("GET", "/.well-known/openid-configuration"): lambda: (200, self.metadata()),
                  ("GET", "/jwks"): lambda: (200, {"keys": [self.key.as_dict(private=False)]}),
                  ("GET", "/authorize"): lambda: self._authorize(request, query),
                  ("POST", "/token"): lambda: self._token(request),
                  ("GET", "/userinfo"): lambda: self._userinfo(request),
                  ("GET", "/logout"): lambda: self._redirect(request, query.get("post_logout_redirect_uri", "/"))}
        route = routes.get((method, url.path))
        status, body = route() if route else (404, {"error": "not_found"})
        if status is None:                              # a redirect was sent
            return
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    @staticmethod
    def _redirect(request: BaseHTTPRequestHandler, location: str):
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()
        return None, None

    def _authorize(self, request, query: dict):
        if query.get("client_id") != self.client_id or query.get("response_type") != "code" \
                or "redirect_uri" not in query:
            return 400, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"),
                             "challenge": query.get("code_challenge"), "scope": query.get("scope", "openid")}
        answer = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return self._redirect(request, f"{query['redirect_uri']}?{urlencode(answer)}")

    def _client_credentials(self, request, form: dict) -> tuple[str | None, str | None]:
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            return client_id, secret
        return form.get("client_id"), form.get("client_secret")

    def _token(self, request):
        length = int(request.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        if self._client_credentials(request, form) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self._codes.pop(form.get("code", ""), None)   # a code is good for one exchange
        if form.get("grant_type") != "authorization_code" or grant is None \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {**self.claims, "iss": self.issuer, "aud": self.client_id, "iat": now,
                  "exp": now + self.lifetime, **({"nonce": grant["nonce"]} if grant["nonce"] else {})}
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = dict(self.claims)
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": self.lifetime,
                     "id_token": id_token, "scope": grant["scope"]}

    def _userinfo(self, request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return (200, self._tokens[token]) if token in self._tokens else (401, {"error": "invalid_token"})
