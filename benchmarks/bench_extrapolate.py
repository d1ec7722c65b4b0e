"""What changes from 1k to 10k articles, measured where embedding 10k articles does not fit.

Embedding ~70k chunks takes about 45 minutes on 2 CPU cores, so the 10k figures come from the
parts of an answer whose cost depends on corpus size, each measured at both sizes in one run:

- vector search: Chroma's HNSW over the 1k index's real embeddings, and over a 10x collection
  made of those embeddings plus 9 jittered copies each (cosine ~0.9 to the original);
  latency of a candidate_k query and recall@5 against exact search;
- keyword search: the BM25 index over the real chunks of 1k and of 10k generated articles
  (build time, which is also the reader reload after an ingest, and query latency);
- the whole answer on the real 1k index, in the same run.

The 10k estimate is the 1k whole-answer latency plus the measured growth of both searches.

    python -m benchmarks.bench_scale --articles 1000 --data-dir /tmp/idx1k   # once, builds the index
    python -m benchmarks.bench_extrapolate --data-dir /tmp/idx1k
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from assistant import Assistant, Settings
from assistant.chunking import chunk_article
from assistant.retrieve import KeywordIndex
from assistant.schema import Article
from benchmarks.common import latency_line, machine_load, percentile, timed
from testsupport.corpus_gen import GeneratedArticle, articles

JITTER = 0.025  # per dimension: a copy's cosine to its original is about 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="an index built by bench_scale --data-dir")
    parser.add_argument("--articles", type=int, default=1000, help="articles in that index")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    bot = Assistant(Settings(data_dir=args.data_dir, auto_ingest=False, model="extractive"))
    small = list(articles(args.articles, args.seed))
    questions = [a.question for a in random.Random(args.seed).sample(small, args.questions)]
    bot.ask("warm-up question about exports")
    whole = [timed(bot.ask, q)[0] for q in questions]
    print(latency_line(f"whole answer at {args.articles} articles (first time asked)", whole))
    query_vectors = np.asarray(bot.retriever.embeddings.embed_documents(questions), dtype=np.float32)

    collection = bot.store.client.get_collection(bot.settings.collection)
    got = collection.get(include=["embeddings"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    small_vector = vector_search(collection, query_vectors, bot.settings.candidate_k)
    print(latency_line(f"vector search over {len(vectors)} real vectors", small_vector))
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
        big = client.create_collection("proxy", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        rng = np.random.default_rng(args.seed)
        matrix, all_ids = [], []
        for copy in range(args.copies):
            jittered = vectors + (rng.normal(0, JITTER, vectors.shape) if copy else 0)
            jittered /= np.linalg.norm(jittered, axis=1, keepdims=True)
            matrix.append(jittered.astype(np.float32))
            ids = [f"{i}-{copy}" for i in got["ids"]]
            all_ids += ids
            for start in range(0, len(ids), 5000):
                big.add(ids=ids[start : start + 5000], embeddings=jittered[start : start + 5000])
        all_vectors = np.concatenate(matrix)
        big_vector = vector_search(big, query_vectors, bot.settings.candidate_k)
        print(latency_line(f"vector search over {len(all_vectors)} vectors (real + jittered copies)", big_vector))
        found = recall(big, all_ids, all_vectors, query_vectors)
        print(f"HNSW recall@5 vs exact search over {len(all_vectors)} vectors: {found:.3f}")

    small_keywords, small_build = keyword_index(small)
    big_articles = small + list(articles(args.articles * args.copies, args.seed))[args.articles :]
    big_keywords, big_build = keyword_index(big_articles)
    small_search = [timed(small_keywords.search, q, 20)[0] for q in questions]
    big_search = [timed(big_keywords.search, q, 20)[0] for q in questions]
    for name, index, build, search in (
        (args.articles, small_keywords, small_build, small_search),
        (len(big_articles), big_keywords, big_build, big_search),
    ):
        print(
            f"BM25 over {len(index.chunks)} chunks ({name} articles): built in {build:.1f} s; "
            + latency_line("search", search)
        )

    growth = (percentile(big_vector, 50) - percentile(small_vector, 50)) + (
        percentile(big_search, 50) - percentile(small_search, 50)
    )
    growth95 = (percentile(big_vector, 95) - percentile(small_vector, 95)) + (
        percentile(big_search, 95) - percentile(small_search, 95)
    )
    print(
        f"estimated whole answer at {len(big_articles)} articles: "
        f"p50 {(percentile(whole, 50) + growth) * 1000:.0f} ms, "
        f"p95 {(percentile(whole, 95) + growth95) * 1000:.0f} ms (goal p50 <= 150 ms, p95 <= 300 ms)"
    )
    print(machine_load())


def vector_search(collection: chromadb.Collection, queries: np.ndarray, k: int) -> list[float]:
    return [timed(collection.query, query_embeddings=[q.tolist()], n_results=k, include=[])[0] for q in queries]


def recall(
    collection: chromadb.Collection, ids: list[str], matrix: np.ndarray, queries: np.ndarray, k: int = 5
) -> float:
    """Share of the exact top k (brute force over `matrix`, whose rows are `ids`) the index returns."""
    found = collection.query(query_embeddings=queries.tolist(), n_results=k, include=[])["ids"]
    exact = [{ids[i] for i in np.argsort(-(matrix @ q))[:k]} for q in queries]
    return float(np.mean([len(e & set(f)) / k for e, f in zip(exact, found, strict=True)]))


def keyword_index(generated: list[GeneratedArticle]) -> tuple[KeywordIndex, float]:
    """The BM25 index over the articles' real chunks, and the seconds it took to build."""
    chunks = [
        chunk
        for item in generated
        for chunk in chunk_article(Article(article_id=item.article_id, title=item.title, text=item.text))
    ]
    titles = {item.article_id: item.title for item in generated}
    seconds, index = timed(lambda: KeywordIndex(chunks, titles))
    return index, seconds


if __name__ == "__main__":
    main()
