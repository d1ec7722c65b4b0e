"""Which sites may show the widget: deny by default, per profile, and a refusal the reader can read.

The browser enforces it: the widget's page carries `Content-Security-Policy: frame-ancestors` naming its
profile's origins (no profile: `embed_origins`; neither: this server's own pages only). A frame the policy
blocks is blank, so where the server can tell beforehand it answers with a page that says why instead:
an unknown profile, or a frame whose `Referer` names a site the profile does not list. Only that page,
which holds nothing but the reason, may be shown anywhere. The launcher (`embed.js`) asks first
(`GET /embed/profile`) and shows the same reason in its panel without opening a frame at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from starlette.types import Scope

from assistant import Settings
from assistant.profiles import WidgetProfile

WIDGET_PAGES = ("/widget", "/widget/")  # the widget's document; its other paths are files and API calls
EMBEDDABLE_PREFIXES = ("/widget", "/source")  # "/source" itself is the hint the widget shows first


@dataclass(frozen=True)
class Access:
    """Whether a site may show a profile's widget, and if not, why (in words for the reader)."""

    allowed: bool
    reason: str = ""


class FramePolicy:
    def __init__(self, settings: Settings) -> None:
        self.profiles = settings.widget_profiles
        self.default_origins = list(settings.embed_origins)
        everyone = [*self.default_origins, *(o for p in self.profiles.values() for o in p.origins)]
        self.any_origins = list(dict.fromkeys(everyone))  # for the widget's files and the sources it frames

    def origins(self, profile_id: str | None) -> list[str] | None:
        """The sites that may show the widget of `profile_id` (None or "": no profile); None if unknown."""
        if not profile_id:
            return self.default_origins
        profile: WidgetProfile | None = self.profiles.get(profile_id)
        return list(profile.origins) if profile else None

    def access(self, profile_id: str | None, site: str | None) -> Access:
        """May `site` (an origin; None: this server's own page or not known) show `profile_id`'s widget?"""
        origins = self.origins(profile_id)
        if origins is None:
            return Access(
                False,
                f"This server has no widget profile named “{profile_id}”. Check data-profile in "
                "the snippet against the list on the server's /embed page.",
            )
        if site is None or any(matches(site, origin) for origin in origins):
            return Access(True)
        which = f"profile “{profile_id}”" if profile_id else "this server"
        return Access(
            False,
            f"{site} may not show the assistant of {which}. The server's operator can add the "
            "site to the profile's origins.",
        )

    def csp(self, scope: Scope) -> bytes:
        """The frame-ancestors policy for a response to `scope`."""
        path: str = scope["path"]
        if not path.startswith(EMBEDDABLE_PREFIXES):
            return b"frame-ancestors 'self'"
        origins = self.any_origins
        if path in WIDGET_PAGES:
            origins = self.origins(profile_of(scope)) or []
        return " ".join(["frame-ancestors 'self'", *origins]).encode()

    def refusal(self, scope: Scope) -> str | None:
        """Why the widget's page must not be shown in the frame that asks for it, or None."""
        if scope["method"] != "GET" or scope["path"] not in WIDGET_PAGES:
            return None
        access = self.access(profile_of(scope), framing_site(scope))
        return None if access.allowed else access.reason


def matches(site: str, origin: str) -> bool:
    """Whether `site` is `origin`, or is under it when `origin` starts with a wildcard (https://*.school.example)."""
    if "*." not in origin:
        return site == origin
    scheme, _, host = origin.partition("://*.")
    site_scheme, _, site_host = site.partition("://")
    return site_scheme == scheme and site_host.endswith("." + host)


def profile_of(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("profile")
    return values[0] if values else None


def framing_site(scope: Scope) -> str | None:
    """The site a frame request comes from, when the browser says so: a cross-site frame's `Referer`."""
    headers = dict(scope["headers"])
    if headers.get(b"sec-fetch-dest") != b"iframe" or headers.get(b"sec-fetch-site") == b"same-origin":
        return None
    referer = urlsplit(headers.get(b"referer", b"").decode("latin-1"))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme in ("http", "https") and referer.netloc else None
