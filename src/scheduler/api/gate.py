"""The gate every request passes before any route: security headers, rate limits,
authentication, the viewer role, and personal identity numbers in the URL and the body.

Plain ASGI middleware, so the order is ours and not the framework's: a request without a valid
token gets 401 before its body is even looked at (a malformed body no longer gets 422 first),
a client that keeps sending wrong tokens gets 429, and a personal identity number is refused
(422, never echoed) wherever it is, in every body of every route, in the path and the query.

Rate limits use the ``limits`` library (moving windows, in this process's memory): with
several servers behind a proxy each server counts on its own.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import anyio.to_thread
import limits
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session, sessionmaker

from scheduler.api.db import Role
from scheduler.api.errors import STATUS, ErrorCode, error_body
from scheduler.api.limits import replaying
from scheduler.api.pii import find_personal_numbers, redact, url_has_personal_number
from scheduler.api.security import Principal, authenticate
from scheduler.api.settings import Settings

PRINCIPAL_KEY = "scheduler.principal"  # where the gate leaves the caller in the ASGI scope
BODY_CHECKED_KEY = "scheduler.body_checked"
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
DOCS_ASSETS = "/docs-assets/"  # Swagger UI's and ReDoc's files (docs_assets)
# What a viewer may do besides reading: computations that store nothing.
VIEWER_POSTS = frozenset({"/compare", "/scenarios/validate"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"strict-transport-security", b"max-age=31536000"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# The interactive docs load their scripts and styles from a CDN; everything else is JSON.
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


async def reply(send: Any, code: ErrorCode, detail: str,
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """An ``ErrorResponse`` (the one error model), its status from the code."""
    body = json.dumps(error_body(code, detail)).encode()
    await send({"type": "http.response.start", "status": STATUS[code],
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def viewer_may(method: str, path: str) -> bool:
    return method in READ_METHODS or (method == "POST" and path.rstrip("/") in VIEWER_POSTS)


class Gate:
    def __init__(self, app: Any, settings: Settings, sessions: sessionmaker[Session]):
        self.app = app
        self.settings = settings
        self.sessions = sessions
        self.public = {"/health"}
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_key = limits.parse(settings.rate_limit)
        self.failures = limits.parse(settings.auth_failure_limit)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        docs = path in DOCS_PATHS or path.startswith(DOCS_ASSETS)
        send = self._with_headers(send, docs=docs)
        # The docs' paths need no token; when they are off the app answers 404 for them.
        if path in self.public or docs:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        if not self.limiter.test(self.failures, "auth-failures", client):
            await self._too_many(send, self.failures, "auth-failures", client,
                                 "too many requests with a wrong or missing token")
            return
        principal = await self._authenticate(scope)
        if principal is None:
            self.limiter.hit(self.failures, "auth-failures", client)
            await reply(send, ErrorCode.UNAUTHORIZED, "a valid bearer token is required",
                        [(b"www-authenticate", b"Bearer")])
            return
        if not self.limiter.hit(self.per_key, "key", principal.key_id):
            await self._too_many(send, self.per_key, "key", principal.key_id,
                                 f"this key's request rate is over {self.settings.rate_limit}")
            return
        method: str = scope["method"]
        if principal.role is Role.VIEWER and not viewer_may(method, path):
            await reply(send, ErrorCode.ROLE_FORBIDDEN, "the role 'viewer' may only read")
            return
        query: bytes = scope.get("query_string", b"")
        # A bad URL is a 400 (every route declares it), whatever its route.
        if "\x00" in path or b"%00" in query or b"\x00" in query:
            await reply(send, ErrorCode.BAD_REQUEST, "the URL holds a NUL character")
            return
        if url_has_personal_number(path, query):
            await reply(send, ErrorCode.BAD_REQUEST,
                        "personal identity numbers are not accepted; the URL holds something "
                        "that looks like one (use pseudonymous ids)")
            return
        scope[PRINCIPAL_KEY] = principal
        if method not in BODY_METHODS:
            await self.app(scope, receive, send)  # a body no route reads is not scanned
            return
        body, receive = await _read_body(receive)
        if body is None:
            return  # the client went away
        if b"\\u0000" in body or b"\x00" in body:
            # No text of ours holds one, and PostgreSQL cannot store it in a text column.
            await reply(send, ErrorCode.VALIDATION_ERROR,
                        "the body holds a NUL character (\\u0000)")
            return
        # In a thread: scanning a 2 MB body takes a while and must not hold up the event loop.
        paths = await anyio.to_thread.run_sync(_personal_numbers_in, body)
        if paths:
            await reply(send, ErrorCode.PERSONAL_NUMBER, "personal identity numbers are not "
                        "accepted; use "
                        "pseudonymous ids. Found at: " + ", ".join(paths[:20])
                        + (" …" if len(paths) > 20 else ""))
            return
        scope[BODY_CHECKED_KEY] = True
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: dict[str, Any]) -> Principal | None:
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None

        def check() -> Principal | None:
            with self.sessions() as session:
                return authenticate(session, token.strip())

        return await anyio.to_thread.run_sync(check)

    async def _too_many(self, send: Any, item: limits.RateLimitItem, *key: str) -> None:
        *identifiers, detail = key
        stats = self.limiter.get_window_stats(item, *identifiers)
        retry = max(1, int(stats.reset_time - time.time()) + 1)
        await reply(send, ErrorCode.TOO_MANY_REQUESTS, detail,
                    [(b"retry-after", str(retry).encode())])

    @staticmethod
    def _with_headers(send: Any, *, docs: bool) -> Any:
        extra = SECURITY_HEADERS if docs else [*SECURITY_HEADERS, API_CSP]

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                   *(h for h in extra if h[0] not in present)]}
            await send(message)

        return wrapped


async def _read_body(receive: Any) -> tuple[bytes | None, Any]:
    """The whole body (the size cap in front of the gate bounds it) and a ``receive`` that
    hands it on."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None, receive
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, replaying(body, receive)


def _personal_numbers_in(body: bytes) -> list[str]:
    if not body:
        return []
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        # Not JSON: the route answers that; still, no number may pass in it as plain text.
        return ["the body"] if find_personal_numbers(body.decode("utf-8", "replace")) else []
    return find_personal_numbers(data)


class RedactPersonalNumbers(logging.Filter):
    """For the access log: a request path with a personal number is logged without it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactPersonalNumbers) for f in logger.filters):
        logger.addFilter(RedactPersonalNumbers())
