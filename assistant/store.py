"""Chroma holds everything: chunk vectors in one collection, article records in a second.

An article record is written only after all of its chunks are in, so it is the commit point of
an ingest: readers only use chunks whose article hash matches a committed record. A killed
ingest therefore leaves invisible leftovers that the next ingest completes or deletes.
The same code runs on an embedded PersistentClient or a `chroma run` server, through one API: chromadb's
collections, for both (this module embeds the chunks itself).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import chromadb
import httpx
from chromadb.api.models.Collection import Collection
from chromadb.api.types import GetResult, Include
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from assistant.chunking import chunk_article, indexed_text
from assistant.errors import StoreUnavailableError
from assistant.schema import Article, ArticleMeta, Chunk
from assistant.settings import Settings

VERSION_ID = "__corpus_version__"
# Registry records carry no meaning as vectors; Chroma still wants one per record.
PLACEHOLDER_VECTOR: list[Sequence[float]] = [[1.0]]
ADD_BATCH = 256
PAGE = 5000  # chunk rows read at once: a large collection never loads whole


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    skipped_files: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class StoredChunk:
    chunk: Chunk
    content_hash: str


def connect(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
        except Exception as error:
            raise unreachable(settings, error) from error
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def unreachable(settings: Settings, error: Exception) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
        f"({type(error).__name__}). Start it with `chroma run --host {settings.chroma_host} "
        f"--port {settings.chroma_port}`, or unset CHROMA_HOST to use the embedded store."
    )


class ArticleStore:
    """Chunk vectors in `chunks`, article records (and the corpus version) in `records`: two collections of
    one client, read and written the same way."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.client = connect(settings)
        self.chunks: Collection = self.client.get_or_create_collection(
            settings.collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.records: Collection = self.client.get_or_create_collection(
            f"{settings.collection}-articles", embedding_function=None
        )

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """A Chroma server that stops answering mid-use is a StoreUnavailableError naming it, not a
        traceback; the HTTP client reconnects by itself once the server is back."""
        try:
            yield
        except httpx.TransportError as error:
            raise unreachable(self.settings, error) from error

    # ---- reading -------------------------------------------------------------------------

    def version(self) -> str | None:
        """Changes on every committed ingest; readers reload their keyword index when it does."""
        with self._reachable():
            got = self.records.get(ids=[VERSION_ID], include=["metadatas"])
        metadatas = got["metadatas"] or []
        return str(metadatas[0]["version"]) if metadatas else None

    def committed(self) -> dict[str, ArticleMeta]:
        return {id_: _meta(id_, m) for id_, m in self._records().items()}

    def _records(self) -> dict[str, Any]:
        """Metadata of every committed article record, by article id."""
        with self._reachable():
            got = self.records.get(where={"kind": "article"}, include=["metadatas"])
        return dict(zip(got["ids"], got["metadatas"] or [], strict=True))

    def article_text(self, article_id: str) -> str | None:
        with self._reachable():
            got = self.records.get(ids=[article_id], include=["documents"])
        documents = got["documents"] or []
        return documents[0] if documents else None

    def _chunk_pages(self, include: Include) -> Iterator[GetResult]:
        """Every chunk row, committed or not, `PAGE` rows at a time."""
        with self._reachable():
            count = self.chunks.count()
        for offset in range(0, count, PAGE):
            with self._reachable():
                yield self.chunks.get(limit=PAGE, offset=offset, include=include)

    def all_chunks(self) -> Iterator[StoredChunk]:
        """Every chunk row, committed or not, with its text."""
        for got in self._chunk_pages(["documents", "metadatas"]):
            for id_, text, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
                yield _stored_chunk(id_, text, m)

    def existing_chunk_ids(self, ids: list[str]) -> set[str]:
        """Which of these chunk ids are still stored."""
        if not ids:
            return set()
        with self._reachable():
            return set(self.chunks.get(ids=ids, include=[])["ids"])

    def _chunk_ids_by_article(self) -> defaultdict[str, set[str]]:
        """Ids of every chunk row, committed or not, by article: metadata only, so no text travels."""
        stored: defaultdict[str, set[str]] = defaultdict(set)
        for got in self._chunk_pages(["metadatas"]):
            for id_, metadata in zip(got["ids"], got["metadatas"] or [], strict=True):
                stored[str(metadata["article_id"])].add(id_)
        return stored

    def search(self, query_vector: list[float], k: int) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks with cosine similarity."""
        with self._reachable():
            got = self.chunks.query(
                query_embeddings=[query_vector],  # type: ignore[arg-type]
                n_results=k,
                include=["documents", "metadatas", "distances"],
            )
        ids, texts = got["ids"][0], (got["documents"] or [[]])[0]
        metadatas, distances = (got["metadatas"] or [[]])[0], (got["distances"] or [[]])[0]
        return [
            (_stored_chunk(id_, text, m), 1.0 - distance)
            for id_, text, m, distance in zip(ids, texts, metadatas, distances, strict=True)
        ]

    # ---- writing -------------------------------------------------------------------------

    def sync(self, articles: list[Article], source: str, show_progress: bool = True) -> IngestReport:
        """Make the store hold exactly `articles` for `source`: embed only what is new.

        Chunk ids derive from content, so re-running after a crash skips what was already
        embedded; articles previously ingested from `source` but now absent are deleted.
        """
        with self._reachable():
            return self._sync(articles, source, show_progress)

    def _sync(self, articles: list[Article], source: str, show_progress: bool) -> IngestReport:
        report = IngestReport()
        committed = {id_: meta.content_hash for id_, meta in self.committed().items()}
        stored = self._chunk_ids_by_article()

        pending: list[_Pending] = []
        for article in articles:
            chunks = chunk_article(
                article, self.settings.chunk_tokens, self.settings.chunk_overlap_tokens, self.settings.tokenizer
            )
            expected = {c.chunk_id for c in chunks}
            if committed.get(article.article_id) == article.content_hash and stored[article.article_id] == expected:
                report.unchanged.append(article.article_id)
                continue
            (report.updated if article.article_id in committed else report.added).append(article.article_id)
            new = [c for c in chunks if c.chunk_id not in stored[article.article_id]]
            pending.append(_Pending(article, expected, new))

        total = sum(len(item.new_chunks) for item in pending)
        with tqdm(total=total, desc="Embedding chunks", unit="chunk", disable=not show_progress) as bar:
            for group in _batches_of_articles(pending, ADD_BATCH):
                new_chunks = [(item.article, chunk) for item in group for chunk in item.new_chunks]
                self.add_chunks(new_chunks)
                self._commit([item.article for item in group], source)
                stale = (stored[item.article.article_id] - item.expected_ids for item in group)
                self._delete_chunks(id_ for ids in stale for id_ in ids)
                report.chunks_embedded += len(new_chunks)
                bar.update(len(new_chunks))

        present = {a.article_id for a in articles}
        sources = {id_: str(m["source_dir"]) for id_, m in self._records().items()}
        for article_id, article_source in sources.items():
            if article_source == source and article_id not in present:
                self.records.delete(ids=[article_id])
                self._delete_chunks(stored[article_id])
                report.removed.append(article_id)
        # Chunks whose article has no record (a crash before the first commit) are garbage.
        orphans = [ids for article_id, ids in stored.items() if article_id not in sources and article_id not in present]
        for ids in orphans:
            self._delete_chunks(ids)
        if report.added or report.updated or report.removed:
            self._bump_version()
        return report

    def _commit(self, articles: list[Article], source: str) -> None:
        """Write the records of articles whose chunks are all stored: one upsert for the group."""
        metadatas: list[Mapping[str, Any]] = [
            {
                "kind": "article",
                "source_dir": source,
                "content_hash": article.content_hash,
                **article.model_dump(include={"title", "author", "publisher", "date", "source"}),
            }
            for article in articles
        ]
        self.records.upsert(
            ids=[article.article_id for article in articles],
            documents=[article.text for article in articles],
            metadatas=metadatas,
            embeddings=PLACEHOLDER_VECTOR * len(articles),
        )

    def add_chunks(self, chunks: list[tuple[Article, Chunk]]) -> None:
        """Embed and store chunks of their articles; they stay invisible to readers until `_commit`."""
        if not chunks:
            return
        self.chunks.upsert(
            ids=[chunk.chunk_id for _, chunk in chunks],
            embeddings=self.embeddings.embed_documents(  # type: ignore[arg-type]
                [indexed_text(article.title, chunk.text) for article, chunk in chunks]
            ),
            documents=[chunk.text for _, chunk in chunks],
            metadatas=[_chunk_metadata(article, chunk) for article, chunk in chunks],
        )

    def _bump_version(self) -> None:
        self.records.upsert(
            ids=[VERSION_ID],
            documents=[""],
            metadatas=[{"kind": "version", "version": uuid.uuid4().hex}],
            embeddings=PLACEHOLDER_VECTOR,
        )

    def _delete_chunks(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 1000):
            self.chunks.delete(ids=ids[start : start + 1000])


@dataclass(frozen=True)
class _Pending:
    """An article to (re)index: every chunk id it should end with, and the chunks not yet stored."""

    article: Article
    expected_ids: set[str]
    new_chunks: list[Chunk]


def _batches_of_articles(pending: list[_Pending], size: int) -> Iterator[list[_Pending]]:
    """Groups of whole articles holding about `size` new chunks, so an article commits with its chunks."""
    group: list[_Pending] = []
    count = 0
    for item in pending:
        group.append(item)
        count += len(item.new_chunks)
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "content_hash": article.content_hash,
        "start": chunk.start,
        "end": chunk.end,
    }


def _stored_chunk(chunk_id: str, text: str, metadata: Any) -> StoredChunk:
    chunk = Chunk(
        chunk_id=chunk_id,
        article_id=str(metadata["article_id"]),
        text=text,
        start=int(metadata["start"]),
        end=int(metadata["end"]),
    )
    return StoredChunk(chunk=chunk, content_hash=str(metadata["content_hash"]))


def _meta(article_id: str, metadata: Any) -> ArticleMeta:
    keys = ("title", "author", "publisher", "date", "source", "content_hash")
    fields = {key: str(metadata[key]) for key in keys if key in metadata}
    return ArticleMeta(article_id=article_id, **fields)
