"""Hybrid retrieval: Chroma's vector search and a BM25 keyword index, fused by reciprocal rank.

Only chunks of committed articles are returned (see `store.py`), so a half-finished ingest
is never retrieved or cited.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import bm25s
from langchain_core.embeddings import Embeddings

from assistant.chunking import indexed_text
from assistant.embeddings import TextVectors
from assistant.schema import ArticleMeta, Chunk, Passage
from assistant.store import ArticleStore
from assistant.text import index_terms

# bm25s sets its own logger to DEBUG on import, which servers then print for every index build.
logging.getLogger("bm25s").setLevel(logging.WARNING)


class KeywordIndex:
    """BM25 over the committed chunks, rebuilt from the store when its version changes.

    Words are read by `assistant.text` (the toolkit every step shares), so what BM25 matches is
    what the answerers and the judge count as the same word."""

    def __init__(self, chunks: list[Chunk], titles: dict[str, str] | None = None) -> None:
        """`titles` are the headlines of the chunks' articles by id: indexed with every chunk, as in Chroma."""
        self.chunks = chunks
        self._bm25 = bm25s.BM25()
        headlines = titles or {}
        tokens = [index_terms(indexed_text(headlines.get(c.article_id, ""), c.text)) for c in chunks]
        self.vocabulary: set[str] = {word for chunk_words in tokens for word in chunk_words}
        if chunks:
            self._bm25.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[Chunk]:
        query_words = [w for w in index_terms(query) if w in self.vocabulary]
        if not self.chunks or not query_words:
            return []
        found, scores = self._bm25.retrieve([query_words], k=min(k, len(self.chunks)), show_progress=False)
        return [self.chunks[int(i)] for i, score in zip(found[0], scores[0], strict=True) if score > 0]


@dataclass(frozen=True)
class _Snapshot:
    """What readers use together, from one store version: swapped whole, never mixed."""

    version: str | None
    articles: dict[str, ArticleMeta]
    hashes: dict[str, str]
    keywords: KeywordIndex


class HybridRetriever:
    """Vector and keyword search over the committed articles; `passages()` is what the answerers use.

    (Not a LangChain retriever: nothing used it as one, and `Passage` keeps the ranks and scores that a
    LangChain `Document` would flatten into metadata.)"""

    def __init__(
        self, store: ArticleStore, embeddings: Embeddings, k: int = 5, candidate_k: int = 20, rrf_k: int = 60
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.k = k
        self.candidate_k = candidate_k
        self.rrf_k = rrf_k
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._text_vectors = TextVectors(embeddings)

    @property
    def text_vectors(self) -> TextVectors:
        """Cached vectors of questions and sentences, shared with the answerers and the verifier."""
        return self._text_vectors

    def committed_articles(self) -> dict[str, ArticleMeta]:
        """The committed articles by id, as of the store's latest version (reloading them, and the keyword
        index, when an ingest committed since)."""
        return self._current()[0].articles

    def _current(self) -> tuple[_Snapshot, bool]:
        """The latest snapshot, rebuilt when the store's version changed, and whether it is up to date.

        One thread rebuilds, outside `_lock`, then swaps the new snapshot in; readers that arrive
        meanwhile answer from the previous one instead of waiting (a rebuild over ~100k chunks
        takes seconds). Only a process with no snapshot yet waits for the first build.
        """
        version = self.store.version()
        with self._lock:
            current = self._snapshot
        if current is not None and current.version == version and version is not None:
            return current, True
        if current is not None and not self._build_lock.acquire(blocking=False):
            return current, False
        if current is None:
            self._build_lock.acquire()
        try:
            with self._lock:
                current = self._snapshot
            if current is not None and current.version == version and version is not None:
                return current, True  # built by another thread while this one waited
            records = self.store.committed()
            hashes = {id_: meta.content_hash for id_, meta in records.items()}
            rows = self.store.all_chunks()
            chunks = [row.chunk for row in rows if hashes.get(row.chunk.article_id) == row.content_hash]
            chunks.sort(key=lambda c: (c.article_id, c.start))
            fresh = _Snapshot(
                version, records, hashes, KeywordIndex(chunks, {id_: meta.title for id_, meta in records.items()})
            )
            with self._lock:
                self._snapshot = fresh
            return fresh, True
        finally:
            self._build_lock.release()

    def passages(self, query: str, k: int | None = None) -> list[Passage]:
        snapshot, up_to_date = self._current()  # records, hashes and keyword index of one version
        articles, hashes = snapshot.articles, snapshot.hashes
        vector = self.text_vectors([query])[0].tolist()
        vector_hits = [
            (row.chunk, similarity)
            for row, similarity in self.store.search(vector, self.candidate_k)
            if hashes.get(row.chunk.article_id) == row.content_hash
        ]
        keyword_hits = snapshot.keywords.search(query, self.candidate_k)
        if not up_to_date:
            # An ingest committed since this snapshot: its keyword hits may be chunks it replaced.
            live = self.store.existing_chunk_ids([c.chunk_id for c in keyword_hits])
            keyword_hits = [c for c in keyword_hits if c.chunk_id in live]

        # Reciprocal rank fusion (Cormack et al., 2009) is three lines; LangChain's
        # EnsembleRetriever implements it but drops the per-list ranks and scores we keep.
        fused: dict[str, dict[str, Any]] = {}
        for rank, (chunk, similarity) in enumerate(vector_hits, start=1):
            entry = fused.setdefault(chunk.chunk_id, {"chunk": chunk, "score": 0.0})
            entry.update(score=entry["score"] + 1 / (self.rrf_k + rank), vector_rank=rank, vector_similarity=similarity)
        for rank, chunk in enumerate(keyword_hits, start=1):
            entry = fused.setdefault(chunk.chunk_id, {"chunk": chunk, "score": 0.0})
            entry.update(score=entry["score"] + 1 / (self.rrf_k + rank), keyword_rank=rank)
        ranked = sorted(fused.values(), key=lambda e: e["score"], reverse=True)[: k or self.k]
        return [Passage(meta=articles[e["chunk"].article_id], **e) for e in ranked]
