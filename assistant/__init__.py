"""A chat assistant that answers only from news articles, citing the exact passages it used."""

from assistant.offline import apply_offline_environment

apply_offline_environment()

from assistant.cite import metadata_card  # noqa: E402
from assistant.core import Assistant  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.schema import Answer, Article, ArticleMeta, Citation, Evidence, Message  # noqa: E402
from assistant.settings import Settings  # noqa: E402

__all__ = [
    "Answer",
    "Article",
    "ArticleMeta",
    "Assistant",
    "AssistantError",
    "Citation",
    "Evidence",
    "Message",
    "Settings",
    "metadata_card",
]
