"""Hybrid retrieval: Chroma's vector search and a BM25 keyword index, fused by reciprocal rank.

Only chunks of committed articles are returned (see `store.py`), so a half-finished ingest
is never retrieved or cited.
"""

from __future__ import annotations

import threading
from typing import Any

import bm25s
import Stemmer
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.schema import ArticleMeta, Chunk, Passage
from assistant.store import ArticleStore


class KeywordIndex:
    """BM25 over the committed chunks, rebuilt from the store when its version changes."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self._stemmer = Stemmer.Stemmer("english")
        self._bm25 = bm25s.BM25()
        self.vocabulary: set[str] = set()
        if chunks:
            tokens = bm25s.tokenize(
                [c.text for c in chunks], stopwords="en", stemmer=self._stemmer, show_progress=False
            )
            self._bm25.index(tokens, show_progress=False)
            self.vocabulary = set(tokens.vocab)

    def search(self, query: str, k: int) -> list[Chunk]:
        if not self.chunks:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer, show_progress=False)
        if not tokens.ids or not tokens.ids[0]:
            return []
        found, scores = self._bm25.retrieve(tokens, k=min(k, len(self.chunks)), show_progress=False)
        return [self.chunks[int(i)] for i, score in zip(found[0], scores[0], strict=True) if score > 0]


class HybridRetriever(BaseRetriever):
    """A LangChain retriever; `passages()` is the typed entry point the answerers use."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ArticleStore
    embeddings: Embeddings
    k: int = 5
    candidate_k: int = 20
    rrf_k: int = 60

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _version: str | None = PrivateAttr(default=None)
    _articles: dict[str, ArticleMeta] = PrivateAttr(default_factory=dict)
    _hashes: dict[str, str] = PrivateAttr(default_factory=dict)
    _keywords: KeywordIndex = PrivateAttr(default_factory=lambda: KeywordIndex([]))

    def refresh(self) -> dict[str, ArticleMeta]:
        """Reload the committed article list and keyword index if an ingest committed since."""
        version = self.store.version()
        with self._lock:
            if version != self._version or version is None:
                records = self.store.committed()
                hashes = {id_: meta.content_hash for id_, meta in records.items()}
                chunks = [
                    row.chunk for row in self.store.all_chunks() if hashes.get(row.chunk.article_id) == row.content_hash
                ]
                chunks.sort(key=lambda c: (c.article_id, c.start))
                self._articles, self._hashes = records, hashes
                self._keywords = KeywordIndex(chunks)
                self._version = version
            return self._articles

    def vocabulary(self) -> set[str]:
        """Stemmed words of the committed articles: what the corpus can possibly talk about."""
        self.refresh()
        with self._lock:
            return self._keywords.vocabulary

    def passages(self, query: str, query_vector: list[float] | None = None, k: int | None = None) -> list[Passage]:
        articles = self.refresh()
        with self._lock:
            hashes, keywords = self._hashes, self._keywords
        vector = query_vector if query_vector is not None else self.embeddings.embed_query(query)
        vector_hits = [
            (row.chunk, similarity)
            for row, similarity in self.store.search(vector, self.candidate_k)
            if hashes.get(row.chunk.article_id) == row.content_hash
        ]
        keyword_hits = keywords.search(query, self.candidate_k)

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

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=p.chunk.text,
                id=p.chunk.chunk_id,
                metadata={**p.meta.model_dump(), "start": p.chunk.start, "end": p.chunk.end, "score": p.score},
            )
            for p in self.passages(query)
        ]
