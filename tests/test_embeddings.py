"""The shared vector cache on the real packaged MiniLM: grouped by length, returned in the caller's order."""

from __future__ import annotations

import numpy as np

from assistant.embeddings import SHORT_TEXT_BATCH, TextVectors, load_embeddings


def test_vectors_come_back_in_order_and_match_the_model() -> None:
    embeddings = load_embeddings()
    # More texts than one group, of very different lengths and given longest first, one repeated.
    texts = [f"Mongolia exports {'coal and copper to China ' * (n % 7 + 1)}in year {2000 + n}." for n in range(20)]
    texts = [*sorted(texts, key=len, reverse=True), texts[3]]
    assert len(set(texts)) > SHORT_TEXT_BATCH

    vectors = TextVectors(embeddings)(texts)

    expected = [embeddings.embed_query(text) for text in texts]
    for got, want in zip(vectors, expected, strict=True):
        assert float(np.dot(got, want)) > 0.9999


def test_the_cache_is_bounded_and_keeps_the_recently_used() -> None:
    vectors = TextVectors(load_embeddings(), size=2)
    russia, china = vectors(["Russia supplies fuel.", "China buys coal."])
    vectors(["Russia supplies fuel.", "The U.S. is a third neighbour."])  # evicts the least recently used

    assert vectors(["Russia supplies fuel."])[0] is russia  # kept: used again just before
    assert vectors(["China buys coal."])[0] is not china  # evicted: embedded afresh
