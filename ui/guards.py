"""ASGI middleware for the public routes: per-client rate limit, request size limit, framing policy.

Written by hand (about 70 lines) because they must cover Gradio's own queue routes as well as ours:
decorator-based limiters such as slowapi only see FastAPI endpoints, and plain ASGI middleware leaves
streamed (server-sent event) responses untouched.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import Settings

# Requests that make the assistant answer: our API and the Gradio chat events (queue join per question).
COSTLY_SUFFIXES = ("/api/ask", "/api/ask/stream", "/gradio_api/queue/join")
# Pages other sites may show in a frame; everything else may only be framed by our own pages.
EMBEDDABLE_PREFIXES = ("/widget", "/source")  # "/source" itself is the hint the widget shows first


class SlidingWindow:
    """At most `limit` events per client in any `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """0 if the client may go ahead now (and count it), else seconds until it may."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return times[0] + self.window - now
            times.append(now)
            return 0.0


class Guards:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_bytes = settings.max_request_bytes
        self.limiter = SlidingWindow(settings.rate_limit_per_minute)
        ancestors = " ".join(["'self'", *settings.embed_origins])
        self.embeddable_csp = f"frame-ancestors {ancestors}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _reply(send, 413, f"The request body is larger than {self.max_bytes} bytes.")
            return
        if b"chunked" in headers.get(b"transfer-encoding", b""):
            await _reply(send, 411, "Send the request body with a Content-Length header.")
            return
        if scope["method"] == "POST" and path.endswith(COSTLY_SUFFIXES):
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = self.limiter.retry_after(client)
            if wait:
                message = f"Too many questions: at most {self.limiter.limit} a minute. Try again in {wait:.0f} s."
                await _reply(send, 429, message, [(b"retry-after", str(max(1, round(wait))).encode())])
                return
        csp = self.embeddable_csp if path.startswith(EMBEDDABLE_PREFIXES) else b"frame-ancestors 'self'"

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"content-security-policy", csp)]
            await send(message)

        await self.app(scope, receive, send_with_policy)


async def _reply(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
