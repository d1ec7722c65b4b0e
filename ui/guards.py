"""One gate in front of every route: client identity, rate limit, body bounds, framing policy, one log line.

ASGI middleware rather than FastAPI dependencies or a decorator limiter (slowapi): it must stand in
front of Gradio's own routes as well as ours, and see every path Gradio exposes (`ui/doors.py` says
which may do what). Bodies are read here, whatever their framing (`Content-Length`, `chunked` in any
case), counted by the bytes that actually arrive and cut off at `max_request_bytes` or after
`request_body_seconds`; the app downstream then reads the buffered copy. A response that ends in an
error, or a stream that fails after it started, leaves one line in the log and no traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import Settings
from ui.doors import Kind, door
from ui.frames import FramePolicy
from ui.html import render
from ui.limits import SlidingWindow, bucket, client_address, networks
from ui.openai_wire import error_body

log = logging.getLogger(__name__)

# Routes in OpenAI's wire format (ui/openai_api.py): their clients read `{"error": {...}}`, not `detail`.
OPENAI_PREFIX = "/v1/"
# A JSON escape of a UTF-16 surrogate: valid in pairs (emoji), never alone in text.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class Refused(Exception):
    """A request the gate answers itself, with a status and a message that says what to do."""

    def __init__(
        self, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None, *, page: bool = False
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.page = status, detail, headers or [], page


class ClientGone(Exception):
    """The client disconnected while sending its body: there is nobody to answer."""


class Guards:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_bytes = settings.max_request_bytes
        self.body_seconds = settings.request_body_seconds
        self.limiter = SlidingWindow(settings.rate_limit_per_minute)
        self.trusted = networks(settings.trusted_proxies)
        self.frames = FramePolicy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = client_address(scope, self.trusted)
        scope["client"] = (client, scope["client"][1] if scope.get("client") else 0)  # what the routes see
        where = f"{scope['method']} {scope['path']} from {client}"
        try:
            body = await self._admit(scope, receive, client)
        except Refused as refusal:
            log.warning("%s: %d %s", where, refusal.status, refusal.detail)
            if refusal.page:
                await _refusal_page(send, refusal.status, refusal.detail)
                return
            openai = scope["path"].startswith(OPENAI_PREFIX)
            await _reply(send, refusal.status, refusal.detail, refusal.headers, openai=openai)
            return
        except ClientGone:
            log.warning("%s: the client left before its body arrived", where)
            return
        await self._forward(scope, _replay(body, receive), send, where)

    async def _admit(self, scope: Scope, receive: Receive, client: str) -> bytes:
        """The request's body, once the door is open, the client within its limit and the body within bounds."""
        method, path = scope["method"], scope["path"]
        entrance = door(method, path)
        if entrance.kind is Kind.CLOSED:
            raise Refused(404, entrance.reason)
        framed_elsewhere = self.frames.refusal(scope)
        if framed_elsewhere:
            raise Refused(403, framed_elsewhere, page=True)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            raise Refused(413, f"The request body is larger than {self.max_bytes} bytes.")
        if entrance.kind is Kind.COSTLY:
            wait = self.limiter.retry_after(bucket(client))
            if wait:
                message = f"Too many questions: at most {self.limiter.limit} a minute. Try again in {wait:.0f} s."
                raise Refused(429, message, [(b"retry-after", str(max(1, round(wait))).encode())])
        body = await self._read_body(receive)
        if SURROGATE_ESCAPE.search(body) and _lone_surrogate_in(body):
            raise Refused(
                422,
                "The request holds a lone UTF-16 surrogate (such as \\ud800): half of a pair is not text. "
                "Send the question as plain UTF-8.",
            )
        return body

    async def _read_body(self, receive: Receive) -> bytes:
        """Every byte of the body, counted as it arrives: at most `max_bytes`, within `body_seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_seconds
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise Refused(408, f"The request body did not arrive within {self.body_seconds:g} s.") from None
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise Refused(413, f"The request body is larger than {self.max_bytes} bytes.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _forward(self, scope: Scope, receive: Receive, send: Send, where: str) -> None:
        csp = self.frames.csp(scope)
        state = {"status": 0, "finished": False, "logged": False}

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"content-security-policy", csp)]
            elif message["type"] == "http.response.body":
                if state["status"] >= 400 and not state["logged"]:
                    state["logged"] = True
                    log.warning("%s: %d %s", where, state["status"], _detail(message.get("body", b"")))
                state["finished"] = not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive, send_with_policy)
        except Exception as error:
            if not state["status"]:
                raise  # nothing sent yet: Starlette's error middleware answers 500 and logs the traceback
            # A stream that failed after it started (Gradio's queue/data on an unknown session): the client
            # already has its status and the error event; end the body cleanly instead of a traceback.
            cause = _http_cause(error)
            if cause is None:
                log.exception("%s: the response failed after it started", where)
            else:
                log.warning("%s: stream ended: %d %s", where, cause.status_code, cause.detail)
            if not state["finished"]:
                await send({"type": "http.response.body", "body": b"", "more_body": False})


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the buffered body first, then waits on the client (for its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _lone_surrogate_in(body: bytes) -> bool:
    """Whether a JSON body decodes to a string holding an unpaired surrogate (a pair decodes to one char)."""
    try:
        value = json.loads(body)
    except ValueError:
        return False  # not JSON: the route's own parser answers
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _http_cause(error: BaseException | None) -> HTTPException | None:
    while error is not None:
        if isinstance(error, HTTPException):
            return error
        error = error.__cause__ or error.__context__
    return None


def _detail(body: bytes) -> str:
    """The error's `detail`, short, for the log line."""
    try:
        parsed = json.loads(body)
        detail = parsed.get("detail") or (parsed.get("error") or {}).get("message", "")
    except (ValueError, AttributeError):
        detail = body[:200].decode("utf-8", "replace")
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=True)
    return text[:300]


async def _refusal_page(send: Send, status: int, reason: str) -> None:
    """The widget's refusal as a page the frame shows: it holds only the reason, so any site may show it."""
    body = render("widget_refused.html", reason=reason).encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    csp = (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *")
    await send({"type": "http.response.start", "status": status, "headers": [*headers, csp]})
    await send({"type": "http.response.body", "body": body})


async def _reply(
    send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None, *, openai: bool = False
) -> None:
    body = error_body(status, detail) if openai else json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the body may be unread: the connection cannot carry another request
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
