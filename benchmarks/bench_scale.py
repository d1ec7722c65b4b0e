"""Scale figures on a generated corpus, all measured in one run.

- ingest: articles/s and chunks/s, and the ratio to the raw (batched) embedding throughput of the
  same model measured just before; batched vs one-at-a-time embedding; peak memory.
- warm latency p50/p95: retrieval alone and the whole answer, on questions about facts the
  generated articles state; our hybrid retrieval vs a LangChain vector-only baseline (recall@k).
- recall@5 of Chroma's HNSW index vs exact (brute-force) search over the stored embeddings.

    python -m benchmarks.bench_scale --articles 1000            # ~7 chunks per article
    python -m benchmarks.bench_scale --small                     # CI smoke run: 20 articles
    python -m benchmarks.bench_scale --articles 1000 --data-dir D   # reuse an index built before in D
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.chunking import chunk_article
from assistant.ingest import load_corpus
from benchmarks.common import Labelled, compare_with_baseline, latency_line, machine_load, peak_rss_mib, timed
from testsupport.corpus_gen import GeneratedArticle, write_corpus

RAW_SAMPLE = 512
UNBATCHED_SAMPLE = 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--small", action="store_true", help="20 articles, 10 questions: the CI smoke run")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, help="keep the index here; an index already there is reused")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.small:
        args.articles, args.questions = 20, 10

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        generated = write_corpus(folder, args.articles, args.seed)
        data_dir = args.data_dir or Path(tmp) / "data"
        bot = Assistant(Settings(data_dir=data_dir, corpus_dir=folder, auto_ingest=False, model="extractive"))
        print(f"corpus: {args.articles} generated articles (seed {args.seed})")
        if not bot.store.committed():
            measure_ingest(bot, folder)
        else:
            print(f"ingest: skipped, reusing the index in {data_dir}")
        measure_answers(bot, generated, args.questions, args.seed)
        print(f"peak RSS of this process: {peak_rss_mib():.0f} MiB")


def measure_ingest(bot: Assistant, folder: Path) -> None:
    settings = bot.settings
    corpus = load_corpus(folder).articles
    seconds, chunks = timed(
        lambda: [c.text for a in corpus for c in chunk_article(a, settings.chunk_tokens, settings.chunk_overlap_tokens)]
    )
    print(f"chunking alone: {len(corpus) / seconds:.0f} articles/s ({len(chunks)} chunks, {seconds:.1f} s)")
    embeddings = bot.retriever.embeddings
    sample = random.Random(0).sample(chunks, min(RAW_SAMPLE, len(chunks)))
    embeddings.embed_documents(sample[:8])
    raw_before = len(sample) / timed(lambda: embeddings.embed_documents(sample))[0]
    one_by_one = sample[:UNBATCHED_SAMPLE]
    seconds, _ = timed(lambda: [embeddings.embed_documents([text]) for text in one_by_one])
    print(
        f"raw embedding: batched (batch size {settings.embedding_batch_size}) {raw_before:.1f} chunks/s, "
        f"one at a time {len(one_by_one) / seconds:.1f} chunks/s"
    )
    rss_before = peak_rss_mib()
    seconds, report = timed(lambda: bot.ingest(folder, show_progress=False))
    rate = report.chunks_embedded / seconds
    print(
        f"ingest: {len(report.added)} articles, {report.chunks_embedded} chunks in {seconds:.0f} s: "
        f"{len(report.added) / seconds:.2f} articles/s, {rate:.1f} chunks/s"
    )
    # The CPU is shared: raw throughput is taken before and after the ingest, and their mean compared.
    raw_after = len(sample) / timed(lambda: embeddings.embed_documents(sample))[0]
    raw = (raw_before + raw_after) / 2
    print(f"raw embedding after the ingest: {raw_after:.1f} chunks/s")
    print(f"ingest / raw embedding throughput (mean of before and after): {rate / raw:.2f} (goal >= 0.85)")
    print(machine_load())
    print(f"peak RSS before ingest {rss_before:.0f} MiB, after {peak_rss_mib():.0f} MiB")
    seconds, _ = timed(lambda: bot.ingest(folder, show_progress=False))
    print(f"second ingest (nothing changed): {seconds:.1f} s")
    seconds, _ = timed(bot.retriever.committed_articles)
    print(f"reader reload after an ingest (committed records + BM25 index): {seconds:.1f} s")


def measure_answers(bot: Assistant, generated: list[GeneratedArticle], count: int, seed: int) -> None:
    bot.retriever.committed_articles()
    picked = random.Random(seed).sample(generated, min(count, len(generated)))
    questions = []
    for item in picked:
        start = item.text.index(item.fact)
        questions.append(Labelled(item.question, [], [(item.article_id, start, start + len(item.fact))]))
    bot.ask("warm-up question about exports")
    for line in compare_with_baseline(bot, questions):
        print(line)
    again = [timed(bot.ask, q.question)[0] for q in questions]
    print(latency_line("  ours, whole answer, same questions again (sentence vectors cached)", again))
    print("(goals at 10k articles: p50 <= 150 ms, p95 <= 300 ms)")
    print(hnsw_recall(bot, [q.question for q in questions], k=5))


def hnsw_recall(bot: Assistant, questions: list[str], k: int) -> str:
    """Share of the exact top k (cosine, brute force over every stored vector) that the index returns."""
    collection = bot.store.client.get_collection(bot.settings.collection)
    got = collection.get(include=["embeddings"])
    ids = np.array(got["ids"])
    matrix = np.asarray(got["embeddings"], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    queries = np.asarray(bot.retriever.embeddings.embed_documents(questions), dtype=np.float32)
    exact = [set(ids[np.argsort(-(matrix @ q))[:k]]) for q in queries]
    approximate = collection.query(query_embeddings=queries.tolist(), n_results=k, include=[])["ids"]
    recall = np.mean([len(e & set(a)) / k for e, a in zip(exact, approximate, strict=True)])
    hnsw = collection.configuration_json.get("hnsw") or {}
    return f"HNSW recall@{k} vs exact search over {len(ids)} vectors: {recall:.3f} (index settings: {hnsw})"


if __name__ == "__main__":
    main()
