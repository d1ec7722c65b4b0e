"""Which requests may reach what: every route that answers or stores anything, whichever path reaches it.

Gradio exposes each event function under several paths (`/gradio_api/queue/join` with a function index,
`/call/<name>`, `/call/v2/<name>`, `/run/<name>`, `/api/<name>`), each mount (`/` and `/widget`) its own
copy, and routes this app never uses (uploads, screen recordings, streaming inputs). So the rule is
written the other way round: every request that is not a plain read counts against the client's limit,
and under `gradio_api` only the few routes the chat's page needs, plus the two named functions through
`/call` and `/call/v2`, are open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Where the Gradio apps are mounted (ui/server.py); the app at "/" has no prefix.
GRADIO_MOUNTS = ("/widget",)
# The only Gradio functions callable by name: the chat and the list of articles (the page's load event).
PUBLIC_FUNCTIONS = frozenset({"chat", "articles"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})
# Gradio routes the page uses that start or cost nothing: cancelling and resetting a running event.
CHEAP_GRADIO_POSTS = frozenset({"cancel", "reset"})
CALL_BY_NAME = re.compile(r"(?:call/v2|call)/([^/]+)")
# Gradio's synchronous routes take every input positionally, hidden state included, while `/gradio_api/info`
# documents only the question: a client that follows the documentation got Gradio's 500. They are closed.
SYNCHRONOUS = re.compile(r"(?:run|api)/[^/]+")
SYNCHRONOUS_CLOSED = (
    'Gradio\'s synchronous /run and /api routes are off here. Ask with POST /api/ask {"question": ...}, or '
    'POST /gradio_api/call/v2/chat {"question": ...} and read the result from the event id it returns.'
)


class Kind(Enum):
    READ = "read"  # no body to speak of, no answer computed: not counted
    COSTLY = "costly"  # may run the answerer or store something: counted against the client's limit
    CLOSED = "closed"  # not offered by this server: 404 before anything runs


@dataclass(frozen=True)
class Door:
    kind: Kind
    reason: str = ""


def door(method: str, path: str) -> Door:
    """What a request to `path` may do; unknown non-read requests count as costly (fail closed)."""
    path = re.sub(r"/{2,}", "/", path)  # "//gradio_api/upload" must not slip past as an unknown route
    for mount in GRADIO_MOUNTS:
        if path.startswith(mount + "/"):
            path = path[len(mount) :]
            break
    if method in READS:
        return Door(Kind.READ)
    if not path.startswith("/gradio_api/"):
        # /api/ask, /api/ask/stream, /v1/chat/completions, /api/feedback, /api/export, /api/admin/articles, and
        # anything unknown
        return Door(Kind.COSTLY)
    return gradio_door(path.removeprefix("/gradio_api/").rstrip("/"))


def gradio_door(route: str) -> Door:
    """A non-read request under `gradio_api/`: only the page's own routes and the public functions are open."""
    if route in CHEAP_GRADIO_POSTS:
        return Door(Kind.READ)
    if route == "queue/join":
        return Door(Kind.COSTLY)
    if SYNCHRONOUS.fullmatch(route):
        return Door(Kind.CLOSED, SYNCHRONOUS_CLOSED)
    by_name = CALL_BY_NAME.fullmatch(route)
    if by_name and by_name[1] in PUBLIC_FUNCTIONS:
        return Door(Kind.COSTLY)
    if by_name:
        return Door(Kind.CLOSED, f"No public function is named {by_name[1]!r}: try /chat.")
    if route == "upload":
        return Door(Kind.CLOSED, "Uploads are off: nothing in this app takes a file.")
    return Door(Kind.CLOSED, "This route is not offered by this server.")
