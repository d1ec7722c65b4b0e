"""Widget profiles: what the operator sets for each site that embeds the widget (a course, a school).

A snippet names its profile (`data-profile="geo101"`); the server then frames the widget only for that
profile's origins and counts its messages. Every field is checked when the settings load, so a typo in
`assistant.toml` or a colour white text cannot be read on is an error naming the field, not a widget
that silently looks or behaves otherwise.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, field_validator

PROFILE_ID = r"^[a-z0-9][a-z0-9-]{0,39}$"
# Origins go into a Content-Security-Policy header: a bare scheme://host[:port], a leading "*." at most.
ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")
WCAG_AA_TEXT = 4.5  # the contrast WCAG 2.x level AA asks of normal-size text
ProfileId = Annotated[str, StringConstraints(pattern=PROFILE_ID)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def check_origins(origins: list[str]) -> list[str]:
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ValueError(f"{origin!r} is not an origin like https://school.example or http://127.0.0.1:8000")
    return origins


def contrast_with_white(colour: str) -> float:
    """WCAG 2.x contrast ratio of white text on `colour` (#rrggbb)."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


class WidgetProfile(BaseModel):
    """One site's widget. Deny by default: a profile with no origins can be shown only by this server's pages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origins: list[str] = Field(default_factory=list, description="Sites that may show this widget.")
    title: Line = "News assistant"
    greeting: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    starters: list[Line] = Field(default_factory=list, max_length=4, description="Empty: the corpus's own.")
    theme: Literal["light", "dark", "auto"] = Field(default="auto", description="auto follows the reader's system.")
    accent: str = Field(default="#1d4ed8", pattern=r"^#[0-9a-fA-F]{6}$", description="Launcher and button colour.")
    position: Literal["right", "left"] = "right"
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = "Ask the articles"
    open_on_load: bool = False
    messages_per_session: int = Field(default=30, ge=1, le=1000, description="Questions one reader's tab may ask.")
    messages_per_day: int = Field(default=500, ge=1, le=100_000, description="Questions one client may ask a day.")

    @field_validator("origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return check_origins(value)

    @field_validator("accent")
    @classmethod
    def _readable(cls, value: str) -> str:
        """The launcher and the Ask button write white text on the accent: it must pass WCAG AA."""
        ratio = contrast_with_white(value)
        if ratio < WCAG_AA_TEXT:
            raise ValueError(
                f"white text on {value} has a contrast of {ratio:.2f}:1; WCAG AA needs {WCAG_AA_TEXT}:1 "
                "(pick a darker colour, such as #1d4ed8)"
            )
        return value.lower()


Profiles = TypeAdapter(dict[ProfileId, WidgetProfile])


def load_profiles_file(path: Path) -> dict[str, WidgetProfile]:
    """Profiles from a TOML file of `[profile-id]` tables (the same fields as `[widget_profiles.ID]`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read the widget profiles file {path}: {error}") from None
    return Profiles.validate_python(data)
