"""Job callbacks: when a job ends, its ``callback_url`` gets a signed POST, so the scheduling
system need not poll.

The body is the job's final state (JSON); ``X-Scheduler-Signature: sha256=<hex>`` is the
HMAC-SHA256 of ``<timestamp>.<body>`` under ``SCHEDULER_CALLBACK_SECRET``, with the timestamp in
``X-Scheduler-Timestamp`` (the receiver checks both, and refuses an old timestamp against
replays). Delivery runs in a background thread and is retried (3 tries, 1 s and 5 s apart);
it is best effort: a callback that never arrives leaves the job as it is, readable by polling.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("scheduler.api.callbacks")

SIGNATURE_HEADER = "X-Scheduler-Signature"
TIMESTAMP_HEADER = "X-Scheduler-Timestamp"
RETRY_DELAYS = (1.0, 5.0)
TIMEOUT_SECONDS = 10


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` over ``timestamp.body`` (what the receiver recomputes)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def callback_problem(url: str, *, secret: str | None, allow_http: bool) -> str | None:
    """Why ``url`` cannot be a callback (None: it can)."""
    if secret is None:
        return "callbacks are off on this server (no SCHEDULER_CALLBACK_SECRET)"
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        return f"callback_url must be an absolute {' or '.join(schemes)} URL"
    if parts.username or parts.password:
        return "callback_url must not carry credentials"
    return None


class CallbackSender:
    def __init__(self, secret: str | None):
        self.secret = secret

    def send(self, url: str, payload: dict[str, Any]) -> threading.Thread | None:
        if self.secret is None:
            return None
        thread = threading.Thread(target=self._deliver, args=(url, payload),
                                  name="job-callback", daemon=True)
        thread.start()
        return thread

    def _deliver(self, url: str, payload: dict[str, Any]) -> None:
        assert self.secret is not None
        body = json.dumps(payload, default=str).encode()
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS)):
            time.sleep(delay)
            stamp = str(int(time.time()))
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
                SIGNATURE_HEADER: signature(self.secret, stamp, body),
                "User-Agent": "scheduler-callback"})
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                    if 200 <= response.status < 300:
                        return
            except (urllib.error.URLError, OSError, ValueError) as exc:
                log.warning("callback for job %s, try %d: %s", payload.get("job_id"),
                            attempt + 1, exc)
        log.error("callback for job %s not delivered to its URL", payload.get("job_id"))
