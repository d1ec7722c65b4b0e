"""What every benchmark shares: timing, percentiles, memory, the dev questions, the LangChain baseline."""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_chroma import Chroma
from langchain_core.prompts import ChatPromptTemplate

from assistant import Assistant
from assistant.followup import standalone_question
from assistant.schema import Chunk, Message, Passage

REPO = Path(__file__).resolve().parents[1]
DEV_SET = REPO / "evals" / "datasets" / "dev.jsonl"

BASELINE_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer only from these articles and cite them.\n\n{context}"),
        ("human", "{question}"),
    ]
)


@dataclass(frozen=True)
class Labelled:
    """A question and the article spans that answer it."""

    question: str
    history: list[dict[str, str]]
    gold: list[tuple[str, int, int]]  # (article_id, start, end)


def percentile(values: Iterable[float], pct: int) -> float:
    ordered = sorted(values)
    return statistics.quantiles(ordered, n=100, method="inclusive")[pct - 1] if len(ordered) > 1 else ordered[0]


def latency_line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"{name}: p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms (n={len(ms)})"


def timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call(*args, **kwargs)
    return time.perf_counter() - start, result


def machine_load() -> str:
    """The load average, printed with the timings: on a shared machine it says how much they are worth."""
    one, five, _ = os.getloadavg()
    return f"machine load average: {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dev_questions(bot: Assistant) -> list[Labelled]:
    """The answerable dev questions whose gold quotes are found verbatim in the indexed articles."""
    labelled = []
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not row.get("answerable") or not row.get("gold"):
            continue
        gold = []
        for item in row["gold"]:
            article = bot.article(item["article_id"])
            start = article.text.find(item["quote"]) if article else -1
            if start >= 0:
                gold.append((item["article_id"], start, start + len(item["quote"])))
        if gold:
            labelled.append(Labelled(row["question"], row.get("history") or [], gold))
    return labelled


def hits(chunks: list[Chunk], gold: list[tuple[str, int, int]]) -> bool:
    """True when a retrieved chunk overlaps a gold span."""
    return any(c.article_id == a and c.start < end and start < c.end for c in chunks for a, start, end in gold)


def baseline_retriever(bot: Assistant, k: int = 5) -> Any:
    """A plain LangChain retriever over the same Chroma collection: vector search only, top k."""
    store = Chroma(
        collection_name=bot.settings.collection,
        embedding_function=bot.retriever.embeddings,
        client=bot.store.client,
    )
    return store.as_retriever(search_kwargs={"k": k})


def baseline_answer_context(retriever: Any, question: str) -> tuple[list[Chunk], str]:
    """Retrieve top k and stuff them into one prompt, as a plain RAG chain does before its LLM call."""
    docs = retriever.invoke(question)
    context = "\n\n".join(f"[{i}] {d.page_content}" for i, d in enumerate(docs, start=1))
    prompt = BASELINE_PROMPT.format(context=context, question=question)
    chunks = [
        Chunk(
            chunk_id=d.id or "",
            article_id=str(d.metadata["article_id"]),
            text=d.page_content,
            start=int(d.metadata["start"]),
            end=int(d.metadata["end"]),
        )
        for d in docs
    ]
    return chunks, prompt


def retrieve_first_time(bot: Assistant, question: str) -> list[Passage]:
    """Retrieval as a question asked the first time pays for it: `ask` has cached the question's
    vector, so it is embedded once more here."""
    bot.retriever.embeddings.embed_query(question)
    return bot.retriever.passages(question)


def compare_with_baseline(bot: Assistant, questions: list[Labelled], rounds: int = 1) -> list[str]:
    """Our hybrid retrieval and whole answer vs the LangChain baseline: latency and recall@k, same run."""
    baseline = baseline_retriever(bot, bot.settings.retrieval_k)
    ours_hit = base_hit = 0
    ours_retrieval: list[float] = []
    ours_answer: list[float] = []
    base_times: list[float] = []
    cpu_seconds = 0.0
    for _ in range(rounds):
        for item in questions:
            cpu_before = time.process_time()
            ours_answer.append(timed(bot.ask, item.question, item.history)[0])  # first: nothing cached yet
            cpu_seconds += time.process_time() - cpu_before
            standalone = standalone_question(item.question, [Message(**m) for m in item.history])
            seconds, passages = timed(retrieve_first_time, bot, standalone)
            ours_retrieval.append(seconds)
            ours_hit += hits([p.chunk for p in passages], item.gold)
            seconds, (chunks, _) = timed(baseline_answer_context, baseline, standalone)
            base_times.append(seconds)
            base_hit += hits(chunks, item.gold)
    n = len(questions) * rounds
    k = bot.settings.retrieval_k
    return [
        f"recall@{k} over {len(questions)} labelled questions: ours {ours_hit / n:.2f}, "
        f"LangChain vector-only baseline {base_hit / n:.2f}",
        latency_line("  ours, retrieval (hybrid: vector + BM25 + RRF)", ours_retrieval),
        latency_line("  ours, whole answer (ask)", ours_answer),
        f"  ours, whole answer: {cpu_seconds / n * 1000:.0f} ms of CPU time per answer (all threads)",
        latency_line("  baseline, retrieval + stuffed prompt (no LLM call)", base_times),
        machine_load(),
    ]
