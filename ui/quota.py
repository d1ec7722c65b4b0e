"""Each widget profile's message limits: per reader's tab (a session) and per client a day.

These stand behind the gate's per-minute limit (`ui.guards`), not instead of it: the gate still counts
every question whatever the profile. A tab is named by the page (a random id kept in its sessionStorage,
so a reload does not start the count again); a client is its address, as the gate resolved it.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.profiles import WidgetProfile
from ui.limits import SlidingWindow, bucket

DAY = 24 * 60 * 60.0


@dataclass(frozen=True)
class Visitor:
    """Who asks through a chat page: the profile its snippet named (None: no profile) and its tab."""

    profile_id: str | None
    tab: str


class WidgetQuota:
    def __init__(self, profiles: dict[str, WidgetProfile]) -> None:
        self.profiles = profiles
        self.per_tab = {name: SlidingWindow(p.messages_per_session, DAY) for name, p in profiles.items()}
        self.per_day = {name: SlidingWindow(p.messages_per_day, DAY) for name, p in profiles.items()}

    def refusal(self, visitor: Visitor | None, client: str) -> str | None:
        """None when the visitor may ask now (and it is counted), else what to tell the reader."""
        if visitor is None or visitor.profile_id not in self.profiles:
            return None
        name = visitor.profile_id
        profile = self.profiles[name]
        if self.per_tab[name].retry_after(visitor.tab, count=False):
            return (
                f"This chat takes at most {profile.messages_per_session} questions in one session. "
                "Your questions so far stay above; ask your teacher if you need more."
            )
        if self.per_day[name].retry_after(bucket(client)):
            return f"This chat takes at most {profile.messages_per_day} questions a day from one place. Try tomorrow."
        self.per_tab[name].retry_after(visitor.tab)
        return None
