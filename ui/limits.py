"""Who a client is, and how often it may do something.

The client is the socket's peer address. `X-Forwarded-For` is read only when that peer is a proxy the
operator listed (`ASSISTANT_TRUSTED_PROXIES`): anyone can write the header, so trusting it from anyone
gives every request a fresh rate-limit bucket. IPv6 clients are counted per /64, the block one
subscriber usually holds.

The window is hand-written (25 lines) rather than the `limits` package: it needs a peek that does not
count (admin throttling) and nothing else, and adding a dependency for that was not worth its pins.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Forget clients idle for a whole window once this many are tracked, so spraying addresses cannot grow memory.
PRUNE_AT = 10_000


class SlidingWindow:
    """At most `limit` events per client in any `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str, *, count: bool = True) -> float:
        """0 if the client may go ahead now (counted unless `count` is False), else seconds until it may."""
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > PRUNE_AT:
                self._seen = {c: t for c, t in self._seen.items() if t and t[-1] > now - self.window}
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return times[0] + self.window - now
            if count:
                times.append(now)
            return 0.0


def networks(entries: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def client_address(scope: Scope, trusted: Sequence[Network]) -> str:
    """The client's address: the peer's, or from a trusted proxy the last untrusted X-Forwarded-For hop."""
    peer = scope["client"][0] if scope.get("client") else "unknown"
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for name, value in scope["headers"]
        if name == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
    ]
    for hop in reversed(hops):  # each proxy appends the address it saw: read from the right
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer  # not an address: the proxy did not write it, so it names nobody
        if not any(address in network for network in trusted):
            return str(address)
        peer = str(address)
    return peer


def bucket(address: str) -> str:
    """The rate-limit key of an address: itself, or its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _within(address: str, trusted: Sequence[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)
