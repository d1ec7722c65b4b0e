"""The evidence sentences a model reads, numbered as the reader sees them, within a token budget.

The number a model writes (`[2]`) is the citation number of an evidence sentence, so checking a
citation is a lookup and a verified sentence cites exactly what the reader already sees. The
model reads sentences, never whole passages: prompt length is latency on a CPU.
"""

from __future__ import annotations

from assistant.cite import known
from assistant.schema import ArticleMeta, Citation
from assistant.tokens import count_tokens
from assistant.verify import Source


def evidence_sources(
    evidence: list[Citation], metas: dict[str, ArticleMeta], budget: int, tokenizer: str
) -> dict[int, Source]:
    """The evidence, best first, as long as it fits in `budget` tokens (always at least one sentence)."""
    sources: dict[int, Source] = {}
    used = 0
    for citation in evidence:
        size = count_tokens(_line(citation), tokenizer)
        if sources and used + size > budget:
            break
        used += size
        sources[citation.number] = Source(citation.number, metas[citation.article_id], citation.quote, citation.start)
    return sources


def render(sources: dict[int, Source], evidence: list[Citation]) -> str:
    by_number = {c.number: c for c in evidence}
    return "\n".join(_line(by_number[n]) for n in sources)


def _line(citation: Citation) -> str:
    """ "[1] (2024-09) Exports rose ...": the date places the sentence in time. The outlet is left out:
    the reader sees it beside every citation, and on two cores each prompt token costs ~50 ms (an
    outlet republished from another, "The Daily Example (republished from The Weekly Example)", is a dozen
    tokens a line)."""
    dated = f"({citation.date}) " if known(citation.date) else ""
    return f"[{citation.number}] {dated}{' '.join(citation.quote.split())}"
