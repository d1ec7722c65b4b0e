"""Number the passages an answer quotes, so each [n] resolves to one exact span of an article
or of its metadata card (who wrote it, where and when it appeared, under what licence)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from assistant.ingest import ARTICLE_SUFFIXES
from assistant.schema import ArticleMeta, Citation

# A metadata value that says it is not known is no fact to quote ("Unknown", "Not stated ...", "Undated").
_UNKNOWN_PREFIXES = ("unknown", "not stated", "undated", "n/a", "none")


def known(value: str) -> bool:
    return bool(value.strip()) and not value.strip().casefold().startswith(_UNKNOWN_PREFIXES)


def metadata_card(meta: ArticleMeta) -> str:
    """The article's metadata as sentences a reader (and the answerers) can quote, one per line.

    Every line names the article, so each one quoted alone says which article it is about and
    ranks against a question that names the article ("Which outlet published the piece on ...?")."""
    about = f"The article “{meta.title}”"
    lines = [f"{about} was written by {meta.author}."] if known(meta.author) else []
    if known(meta.publisher):
        lines.append(f"{about} was published by {meta.publisher}.")
    if known(meta.date):
        lines.append(f"{about} is dated {readable_date(meta.date)}.")
    if known(meta.source) and not meta.source.strip().endswith(ARTICLE_SUFFIXES):  # a bare file name says nothing
        lines.append(f"{about} gives its source and licence as: {meta.source}")
    return "\n".join(lines)


def readable_date(value: str) -> str:
    """A date in words ("2024-09-02" -> "2 September 2024", "2024-09" -> "September 2024"), so a
    reader asking "in what month" finds the month's name; anything else is shown as written."""
    value = value.strip()
    for pattern, shown in (("%Y-%m-%d", "{d.day} {d:%B %Y}"), ("%Y-%m", "{d:%B %Y}")):
        try:
            return shown.format(d=datetime.strptime(value, pattern))
        except ValueError:
            continue
    return value


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
