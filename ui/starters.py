"""Starter questions: the profile's, else those kept beside the corpus, else questions made from its titles.

They are data, not code: `corpus/starters.toml` holds the bundled articles' questions by article id, so
another corpus brings its own (or none) without a change here.
"""

from __future__ import annotations

import logging
import tomllib

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant import Assistant, Settings
from assistant.profiles import WidgetProfile

log = logging.getLogger(__name__)

STARTERS_FILE = "starters.toml"
MOST = 4  # more buttons than this push the chat off a phone's screen
LONGEST_TITLE = 90


class StartersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    starters: dict[str, list[str]] = {}


def corpus_starters(bot: Assistant, settings: Settings) -> list[str]:
    """The questions `starters.toml` in the corpus folder keeps for the articles now indexed."""
    path = settings.corpus_dir / STARTERS_FILE
    if not path.is_file():
        return []
    try:
        kept = StartersFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).starters
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as error:
        log.warning("Ignored %s: %s", path, error)
        return []
    return [question for article in bot.articles() for question in kept.get(article.article_id, [])]


def title_starters(bot: Assistant) -> list[str]:
    """A question about each article, made from its title (a corpus that keeps no starters of its own)."""
    questions = []
    for article in bot.articles()[:MOST]:
        title = " ".join(article.title.split())
        if len(title) > LONGEST_TITLE:
            title = title[: LONGEST_TITLE - 1].rstrip() + "…"
        questions.append(f"What does the article “{title}” say?")
    return questions


def starters(bot: Assistant, settings: Settings, profile: WidgetProfile | None = None) -> list[str]:
    if profile is not None and profile.starters:
        return profile.starters[:MOST]
    return (corpus_starters(bot, settings) or title_starters(bot))[:MOST]
