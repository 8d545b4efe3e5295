"""A tiny stand-in for Microsoft's identity platform and Graph, on 127.0.0.1 (port 0).

Serves `/{tenant}/oauth2/v2.0/authorize` (redirects back with a code),
`/{tenant}/oauth2/v2.0/token` (exchanges that code once, checking client id,
secret and redirect URI) and `/v1.0/me` (the profile for the issued token).
"""
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse


class FakeMicrosoft:
    def __init__(self, *, tenant: str, client_id: str, secret: str, profile: dict):
        self.tenant, self.client_id, self.secret, self.profile = tenant, client_id, secret, profile
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.tokens: set[str] = set()
        self.calls: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.calls.append(f"GET {url.path}")
                if url.path == f"/{fake.tenant}/oauth2/v2.0/authorize":
                    if query.get("client_id") != fake.client_id or query.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(12)
                    fake.codes[code] = query["redirect_uri"]
                    self.send_response(302)
                    back = urlencode({"code": code, "state": query["state"]})
                    self.send_header("Location", f"{query['redirect_uri']}?{back}")
                    self.end_headers()
                    return None
                if url.path == "/v1.0/me":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in fake.tokens:
                        return self._json(401, {"error": {"message": "InvalidAuthenticationToken"}})
                    return self._json(200, fake.profile)
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                url = urlparse(self.path)
                fake.calls.append(f"POST {url.path}")
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if url.path != f"/{fake.tenant}/oauth2/v2.0/token":
                    return self._json(404, {"error": "not_found"})
                redirect_uri = fake.codes.pop(form.get("code", ""), None)
                if (
                    redirect_uri is None
                    or redirect_uri != form.get("redirect_uri")
                    or form.get("client_id") != fake.client_id
                    or form.get("client_secret") != fake.secret
                    or form.get("grant_type") != "authorization_code"
                ):
                    return self._json(400, {"error": "invalid_grant"})
                token = secrets.token_urlsafe(16)
                fake.tokens.add(token)
                return self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

        return Handler
