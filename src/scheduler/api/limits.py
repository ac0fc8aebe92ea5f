"""The request size cap, as plain ASGI middleware so it holds before any parsing."""

from __future__ import annotations

import json
from typing import Any

from scheduler.api.errors import STATUS, ErrorCode, error_body

Scope = dict[str, Any]


async def _reply(send: Any, code: ErrorCode, detail: str) -> None:
    """The same ``ErrorResponse`` as every other error (this runs before FastAPI)."""
    status = STATUS[code]
    body = json.dumps(error_body(code, detail)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


# Before a 413 the rest of the body is read and dropped, up to this much: a server that closes
# the connection on unread data resets it, and the client, still sending, never reads the
# 413 (it sees "connection reset"). Beyond this the connection is closed at once.
DRAIN_BYTES = 16_000_000


class BodySizeLimit:
    """413 for a body over ``max_bytes``, whether announced (Content-Length) or streamed.

    The body is read here (at most ``max_bytes`` + one chunk is kept) and handed on, so no
    handler ever sees a body larger than the cap.
    """

    def __init__(self, app: Any, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, receive: Any, send: Any, *, more: bool) -> None:
        drained = 0
        while more and drained <= DRAIN_BYTES:  # kept nowhere: memory stays bounded
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            drained += len(message.get("body", b""))
            more = message.get("more_body", False)
        await _reply(send, ErrorCode.BODY_TOO_LARGE,
                     f"the request body is larger than {self.max_bytes} bytes")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        announced = headers.get(b"content-length")
        if announced is not None:
            try:
                length = int(announced)
            except ValueError:
                await _reply(send, ErrorCode.BAD_REQUEST, "Content-Length is not a number")
                return
            if length > self.max_bytes:
                await self._too_large(receive, send, more=length <= DRAIN_BYTES)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(receive, send, more=message.get("more_body", False))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replaying(b"".join(chunks), receive), send)


def replaying(body: bytes, receive: Any) -> Any:
    """An ASGI ``receive`` that hands on ``body`` (read before) once, then the original's
    messages (after the body: the disconnect)."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
