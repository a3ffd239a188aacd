"""A tiny OpenID Connect provider for the tests, served by http.server in a thread on 127.0.0.1.

It implements what a real provider (Keycloak, LemonLDAP::NG…) does in the authorization code flow:
discovery, authorize (redirects back with code and state), token (checks the client secret, the code, the
redirect URI and the PKCE verifier, returns an RS256 ID token with iss, aud, exp, iat, nonce), JWKS and
user-info. Tests break it on purpose through ``id_token_overrides``, ``signing_key`` and ``userinfo_overrides``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProvider:
    def __init__(self, client_id: str = "territoria", client_secret: str = "secret-du-client") -> None:  # noqa: S107
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = new_key()
        self.signing_key = self.key  # replace to produce a bad signature
        self.kid = "cle-de-test"
        self.claims: dict[str, Any] = {
            "sub": "f3b1c2d4-agent-0001",
            "email": "camille.dupont@ville-test.fr",
            "email_verified": True,
            "given_name": "Camille",
            "family_name": "Dupont",
            "preferred_username": "cdupont",
        }
        self.id_token_overrides: dict[str, Any] = {}
        self.userinfo_overrides: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: set[str] = set()
        self.token_requests: list[dict[str, str]] = []
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> FakeProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                provider.handle(self, "GET")

            def do_POST(self) -> None:
                provider.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # --- endpoints ---------------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/token"): self.token,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/userinfo"): self.userinfo,
        }
        route = routes.get((method, url.path))
        if route is None:
            self.send(request, 404, {"error": "not_found"})
            return
        if method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            body = request.rfile.read(length).decode()
            query = {k: v[-1] for k, v in parse_qs(body).items()}
        route(request, query)

    def send(self, request: BaseHTTPRequestHandler, status: int, body: Any, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def discovery(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        self.send(
            request,
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            },
        )

    def authorize(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if (
            query.get("client_id") != self.client_id
            or query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
            or not query.get("redirect_uri")
        ):
            self.send(request, 400, {"error": "invalid_request"})
            return
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": query.get("nonce"),
            "redirect_uri": query["redirect_uri"],
            "code_challenge": query.get("code_challenge"),
            "scope": query["scope"],
        }
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        request.send_response(302)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def token(self, request: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        self.token_requests.append(form)
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
            or form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            self.send(request, 400, {"error": "invalid_grant"})
            return
        if grant["code_challenge"]:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["code_challenge"]:
                self.send(request, 400, {"error": "invalid_grant", "error_description": "PKCE"})
                return
        access_token = secrets.token_urlsafe(24)
        self.access_tokens.add(access_token)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.claims["sub"],
            "aud": self.client_id,
            "exp": now + 300,
            "iat": now,
            "nonce": grant["nonce"],
            "email": self.claims.get("email"),
        }
        claims.update(self.id_token_overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        id_token = jwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": self.kid})
        self.send(
            request,
            200,
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token},
        )

    def jwks(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        self.send(request, 200, {"keys": [public]})

    def userinfo(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.access_tokens:
            self.send(request, 401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        self.send(request, 200, {**self.claims, **self.userinfo_overrides})
