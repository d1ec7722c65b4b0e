"""A language model on the dev questions: speed and what verification did.

    python -m benchmarks.bench_local --limit 10                 # the local model (Qwen2.5-Coder-1.5B)
    python -m benchmarks.bench_local --model openai --limit 0   # ASSISTANT_OPENAI_BASE_URL's server, all questions

Prints, per answer and then in total: time to the evidence on screen (the `Evidence` item), to the
first shown word of the answer and to the whole answer (p50/p95), prompt and generation tokens/s
(counted from the streamed tokens), peak RAM of this process (the local model's server runs inside
it), and the verification figures: answers with all key facts, refusals, sentences the model wrote,
how many verification removed, and fallbacks to extractive.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler

from assistant import Answer, Assistant, Evidence
from assistant.answer.llm import LLMAnswerer
from benchmarks.common import DEV_SET, latency_line, machine_load, peak_rss_mib, percentile

SENTENCE_LOG = re.compile(r"^\S+ sentence (\w+): (.*)$", re.DOTALL)


class TokenClock(BaseCallbackHandler):
    """When the model's request started, and when each streamed token (one per chunk) arrived."""

    def __init__(self) -> None:
        self.started = 0.0
        self.tokens: list[float] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.started, self.tokens = time.perf_counter(), []

    def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        self.tokens.append(time.perf_counter())


class Verdicts(logging.Handler):
    """The answerer's log of each checked sentence."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = SENTENCE_LOG.match(record.getMessage())
        if found:
            self.records.append((found.group(1), found.group(2)))


@dataclass
class Row:
    qid: str
    category: str
    first_word: float
    total: float
    correct: bool
    refused: bool
    model: str
    answer: Answer
    verdicts: list[tuple[str, str]] = field(default_factory=list)
    generated: int = 0
    generation_s: float = 0.0
    prompt_s: float = 0.0
    evidence: float = 0.0  # when the Evidence item arrived: the evidence on screen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local")
    parser.add_argument("--limit", type=int, default=10, help="questions to ask; 0 for all")
    parser.add_argument("--show", type=int, default=12, help="print this many kept sentences to read")
    args = parser.parse_args()

    bot = Assistant(model=args.model)
    answerer = bot.answerer(args.model)
    clock = TokenClock()
    if isinstance(answerer, LLMAnswerer):  # the extractive answerer runs for comparison, with no model to time
        answerer.model.callbacks = [clock]
    verdicts = Verdicts()
    logging.getLogger("assistant.answer.llm").addHandler(verdicts)
    logging.getLogger("assistant.answer.llm").setLevel(logging.INFO)

    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    bot.ask("Warm-up: what share of Mongolia's exports go to China?")  # loads the model, fills caches
    results = []
    for item in rows:
        verdicts.records = []
        start = time.perf_counter()
        first = evidence = 0.0
        answer: Answer | None = None
        for piece in bot.stream(item["question"], item["history"]):
            if isinstance(piece, Answer):
                answer = piece
            elif isinstance(piece, Evidence):  # the verbatim sentences, on screen before the answer
                evidence = time.perf_counter() - start
            elif not first:
                first = time.perf_counter() - start
        total = time.perf_counter() - start
        assert answer is not None
        facts = all(f.lower() in answer.text.lower() for f in item["key_facts"])
        correct = (facts and not answer.refused) if item["answerable"] else answer.refused
        row = Row(item["id"], item["category"], first or total, total, correct, answer.refused, answer.model, answer)
        row.evidence = evidence or row.first_word
        row.verdicts = list(verdicts.records)
        if clock.tokens:
            row.prompt_s = clock.tokens[0] - clock.started
            row.generated, row.generation_s = len(clock.tokens), clock.tokens[-1] - clock.tokens[0]
        results.append(row)
        kept = sum(v == "supported" for v, _ in row.verdicts)
        print(
            f"{row.qid} {row.category:13s} evidence {row.evidence:5.2f}s first word {row.first_word:5.1f}s "
            f"total {row.total:5.1f}s "
            f"{'ok ' if correct else 'NO '} {row.model:10s} kept {kept}/{len(row.verdicts)}  {answer.text[:90]!r}",
            flush=True,
        )
        for verdict, sentence in row.verdicts:
            if verdict != "supported":
                print(f"      {verdict}: {sentence[:160]}")
    report(args.model, results, args.show)


def report(model: str, rows: list[Row], show: int) -> None:
    print(f"\n{model} on {len(rows)} dev questions ({machine_load()})")
    print(latency_line("evidence on screen", [r.evidence for r in rows]))
    print(latency_line("time to first word", [r.first_word for r in rows]))
    print(latency_line("time to whole answer", [r.total for r in rows]))
    generated = sum(r.generated - 1 for r in rows if r.generated > 1)
    generation = sum(r.generation_s for r in rows if r.generated > 1)
    if generation:
        print(f"generation: {generated / generation:.1f} tokens/s over {generated} tokens")
        prompt = [r.prompt_s for r in rows if r.generated]
        print(
            f"model's time to its first token: p50 {percentile(prompt, 50):.1f} s, p95 {percentile(prompt, 95):.1f} s"
        )
    print(f"peak RAM of this process: {peak_rss_mib():.0f} MiB")
    sentences = [v for r in rows for v in r.verdicts]
    written = [v for v in sentences if v[0] != "refusal"]
    kept = [s for v, s in written if v == "supported"]
    print(
        f"correct {sum(r.correct for r in rows)}/{len(rows)}, refusals {sum(r.refused for r in rows)}, "
        f"answered by {model} {sum(r.model == model for r in rows)}, fell back to extractive "
        f"{sum(r.model == 'extractive' for r in rows)}"
    )
    removed = {v: sum(1 for w, _ in written if w == v) for v in ("unsupported", "uncited", "bad_citation")}
    print(
        f"sentences written {len(written)} (+{len(sentences) - len(written)} refusal sentences), kept {len(kept)}, "
        f"removed {len(written) - len(kept)} {removed}"
    )
    print("\nkept sentences and the quotes they cite, to read:")
    shown = [(r, s) for r in rows if r.model == model for s in r.answer.sentences if s.verdict == "supported"]
    for row, sentence in shown[:show]:
        quotes = {c.number: c.quote for c in row.answer.citations}
        print(f"  {row.qid}: {sentence.text}")
        for number in sentence.citations:
            print(f"      [{number}] {quotes[number][:200]}")


if __name__ == "__main__":
    main()
