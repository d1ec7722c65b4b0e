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
    """ "[1] (Asia Times, 2024-09) And China is ...": the outlet and date let the model say "according to"."""
    about = ", ".join(v for v in (citation.publisher, citation.date) if known(v))
    return f"[{citation.number}] {'(' + about + ') ' if about else ''}{' '.join(citation.quote.split())}"
