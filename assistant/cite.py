"""Number the passages an answer quotes, so each [n] resolves to one exact span of an article."""

from __future__ import annotations

from assistant.schema import ArticleMeta, Citation


class CitationBook:
    """Hands out citation numbers in order of first use; the same span keeps its number."""

    def __init__(self) -> None:
        self._by_span: dict[tuple[str, int, int], Citation] = {}

    def cite(self, meta: ArticleMeta, quote: str, start: int, end: int) -> int:
        key = (meta.article_id, start, end)
        if key not in self._by_span:
            self._by_span[key] = Citation(
                number=len(self._by_span) + 1,
                article_id=meta.article_id,
                title=meta.title,
                author=meta.author,
                date=meta.date,
                quote=quote,
                start=start,
                end=end,
            )
        return self._by_span[key].number

    @property
    def citations(self) -> list[Citation]:
        return sorted(self._by_span.values(), key=lambda c: c.number)
