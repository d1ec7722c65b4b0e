"""Number the passages an answer quotes, so each [n] resolves to one exact span of an article
or of its metadata card (who wrote it, where and when it appeared, under what licence)."""

from __future__ import annotations

from typing import Literal

from assistant.ingest import ARTICLE_SUFFIXES
from assistant.schema import ArticleMeta, Citation

# A metadata value that says it is not known is no fact to quote ("Unknown", "Not stated ...", "Undated").
_UNKNOWN_PREFIXES = ("unknown", "not stated", "undated", "n/a", "none")


def known(value: str) -> bool:
    return bool(value.strip()) and not value.strip().casefold().startswith(_UNKNOWN_PREFIXES)


def metadata_card(meta: ArticleMeta) -> str:
    """The article's metadata as sentences a reader (and the answerers) can quote, one per line."""
    byline = f" was written by {meta.author}" if known(meta.author) else ""
    lines = [f"The article “{meta.title}”{byline}."]
    if known(meta.publisher):
        lines.append(f"It was published by {meta.publisher}.")
    if known(meta.date):
        lines.append(f"It is dated {meta.date}.")
    if known(meta.source) and not meta.source.strip().endswith(ARTICLE_SUFFIXES):  # a bare file name says nothing
        lines.append(f"Source and licence: {meta.source}")
    return "\n".join(lines)


class CitationBook:
    """Hands out citation numbers in order of first use; the same span keeps its number."""

    def __init__(self) -> None:
        self._by_span: dict[tuple[str, str, int, int], Citation] = {}

    def cite(
        self, meta: ArticleMeta, quote: str, start: int, end: int, kind: Literal["text", "metadata"] = "text"
    ) -> int:
        key = (kind, meta.article_id, start, end)
        if key not in self._by_span:
            self._by_span[key] = Citation(
                number=len(self._by_span) + 1,
                article_id=meta.article_id,
                title=meta.title,
                author=meta.author,
                publisher=meta.publisher,
                date=meta.date,
                quote=quote,
                start=start,
                end=end,
                kind=kind,
            )
        return self._by_span[key].number

    @property
    def citations(self) -> list[Citation]:
        return sorted(self._by_span.values(), key=lambda c: c.number)
