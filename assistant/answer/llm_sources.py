"""Numbered sources for a model's prompt, cut to fit its context window.

The number a model writes (`[2]`) is the key of the `sources` dict, so checking a citation is a
lookup. When the sources do not fit, the longest are trimmed (to whole sentences where possible)
until they do; the question is never cut here.
"""

from __future__ import annotations

from assistant.chunking import sentence_spans
from assistant.schema import Passage
from assistant.tokens import count_tokens, truncate_to_tokens
from assistant.verify import Source

MIN_SOURCE_TOKENS = 24


def numbered_sources(passages: list[Passage], budget: int, tokenizer: str) -> dict[int, Source]:
    """Sources numbered from 1 in retrieval order, together at most `budget` tokens of text."""
    texts = [p.chunk.text for p in passages]
    sizes = [count_tokens(t, tokenizer) for t in texts]
    # Fewer sources rather than slivers of many: drop the lowest-ranked until each can say something.
    while len(sizes) > 1 and _cap(sizes, budget) < MIN_SOURCE_TOKENS:
        sizes.pop()
    cap = _cap(sizes, budget)
    sources = {}
    for number, (passage, text, size) in enumerate(zip(passages, texts, sizes, strict=False), start=1):
        if size > cap:
            text = _whole_sentences(truncate_to_tokens(text, cap, tokenizer))
        sources[number] = Source(number=number, meta=passage.meta, text=text, start=passage.chunk.start)
    return sources


def render(sources: dict[int, Source]) -> str:
    """One paragraph per source: a small model reads blank lines inside a source as its end."""
    return "\n\n".join(f"[{n}] {s.meta.title} ({s.meta.date}): {' '.join(s.text.split())}" for n, s in sources.items())


def _cap(sizes: list[int], budget: int) -> int:
    """The largest per-source size such that sources trimmed to it fit in the budget (water filling)."""
    if sum(sizes) <= budget:
        return max(sizes, default=0)
    low, high = 0, max(sizes)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(min(s, middle) for s in sizes) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def _whole_sentences(prefix: str) -> str:
    """A trimmed source ends at its last whole sentence, unless that would leave nothing."""
    spans = sentence_spans(prefix)
    if len(spans) > 1:
        return prefix[: spans[-2][1]].rstrip()
    return prefix
