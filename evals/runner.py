"""Run the eval questions through `assistant.Assistant`, one model at a time, and score every answer.

The corpus is indexed into a fresh temporary data directory (never the user's store or a shared
Chroma server), so a run measures exactly the folder it was given.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant import (
    Assistant,
    AssistantError,
    Citation,
    EmptyCorpusError,
    Message,
    Settings,
    UnknownModelError,
    metadata_card,
)
from evals.dataset import EvalQuestion, with_context_gold
from evals.judges import Grading, JudgeCard, grading, judge_card, make_judge
from evals.metrics import (
    Judge,
    SentenceCheck,
    check_sentences,
    gold_cited,
    locate_gold,
    markers_resolve,
    outcome,
    quotes_verbatim,
    retrieval_scores,
)


class QuestionResult(BaseModel):
    """Everything measured for one question; `None` where a metric does not apply (never for refusal)."""

    id: str
    category: str
    split: str = "tune"
    question: str
    history: list[Message] = Field(default_factory=list)
    answerable: bool
    answer: str
    refused: bool
    premise_doubted: bool = Field(default=False, description="The answer said the articles do not support its premise.")
    error: str | None = None
    sentences: list[SentenceCheck] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    gold_quotes: list[str] = Field(default_factory=list)
    reference: str = ""
    retrieved: list[str] = Field(default_factory=list, description="The retrieved passages' texts, best first.")
    notes: str = ""
    key_facts: list[str] = Field(default_factory=list)
    facts_found: list[bool] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list)
    forbidden_found: list[str] = Field(default_factory=list)
    correct: bool
    refusal_correct: bool
    faithfulness: float | None = None
    markers_resolve: bool = True
    quotes_verbatim: float | None = None
    citation_precision: float | None = None
    citation_recall: float | None = None
    retrieval_recall: float | None = None
    reciprocal_rank: float | None = None
    latency_s: float


class ModelSummary(BaseModel):
    """Overall figures for one model; see `METRICS` for what each one means."""

    model: str
    questions: int
    faithfulness: float
    citation_markers_valid: float
    quotes_verbatim: float
    citation_precision: float
    citation_recall: float
    retrieval_recall_at_k: float
    retrieval_mrr: float
    answer_correctness: float
    refusal_accuracy: float
    unanswerable_refused: float
    answerable_answered: float
    false_premise_corrected: float
    premise_wrongly_doubted: float
    two_fact_correct: float
    injection_resisted: float
    latency_median_s: float
    latency_p95_s: float
    errors: int
    grading: Grading = Field(default_factory=lambda: Grading(judge="offline"), description="Who graded the sentences.")
    failures: list[str] = Field(default_factory=list, description="Thresholds this model falls below.")

    @property
    def passed(self) -> bool:
        return not self.failures


class ModelRun(BaseModel):
    summary: ModelSummary
    results: list[QuestionResult]


class EvalRun(BaseModel):
    dataset: str
    corpus: str
    retrieval_k: int
    judge_requested: str
    judges: list[JudgeCard] = Field(description="Every judge the run used, the offline one first, with its accuracy.")
    runs: list[ModelRun]

    def card(self, judge: str) -> JudgeCard:
        return next(c for c in self.judges if c.name == judge)


# The figures a judge decides; each is shown beside that judge's measured accuracy.
JUDGED = ("faithfulness", "citation_precision")
# Headline meanings, shown in the terminal table and the HTML report.
METRICS: dict[str, str] = {
    "faithfulness": "answer sentences the passages they cite support (judge)",
    "citation_markers_valid": "answers whose every [n] resolves to a citation",
    "quotes_verbatim": "citations whose quote is exactly article_text[start:end]",
    "citation_precision": "cited passages that support their sentence on their own (judge)",
    "citation_recall": "answered questions citing a gold passage",
    "retrieval_recall_at_k": "gold passages among the retrieved passages",
    "retrieval_mrr": "mean 1/rank of the first retrieved gold passage",
    "answer_correctness": "questions answered right: key facts present, refused when unanswerable, no injected text",
    "refusal_accuracy": "questions refused exactly when the articles cannot answer them",
    "unanswerable_refused": "unanswerable questions refused",
    "answerable_answered": "answerable questions not refused",
    "false_premise_corrected": "false-premise questions answered with the correcting facts",
    "premise_wrongly_doubted": "other questions whose answer said the articles do not support their premise",
    "two_fact_correct": "questions needing two facts of one story answered with both",
    "injection_resisted": "questions with injected instructions whose answer contains none of the forbidden text",
    "latency_median_s": "median seconds per answer",
    "latency_p95_s": "95th percentile seconds per answer",
}


Progress = Callable[[str, EvalQuestion], None]


def run_eval(
    models: list[str],
    questions: list[EvalQuestion],
    *,
    corpus: Path,
    judge_name: str = "auto",
    dataset_name: str = "",
    progress: Progress | None = None,
) -> EvalRun:
    """Each model answers every question; its sentences are graded by the judge `grading` picks for it."""
    gradings = {model: grading(judge_name, model) for model in models}  # an unknown judge fails before indexing
    with indexed_assistant(corpus) as bot:
        unknown = [m for m in models if m not in bot.models()]
        if unknown:
            raise UnknownModelError(f"Unknown model {unknown[0]!r}. Choose from: {', '.join(bot.models())}.")
        texts = {meta.article_id: article.text for meta in bot.articles() if (article := bot.article(meta.article_id))}
        cards = {meta.article_id: metadata_card(meta) for meta in bot.articles()}
        questions = [with_context_gold(q, texts) if q.reference_contexts else q for q in questions]
        judges = {name: make_judge(name, bot.settings) for name in dict.fromkeys(g.judge for g in gradings.values())}
        runs = []
        for model in models:
            results = []
            for question in questions:
                results.append(score_question(bot, model, question, judges[gradings[model].judge], texts, cards))
                if progress:
                    progress(model, question)
            summary = summarise(model, results).model_copy(update={"grading": gradings[model]})
            runs.append(ModelRun(summary=summary, results=results))
        # The offline judge is always shown: it is the default grader and the language models' filter.
        accuracy = [judge_card(name, bot.settings) for name in dict.fromkeys(["offline", *judges])]
    return EvalRun(
        dataset=dataset_name,
        corpus=str(corpus),
        retrieval_k=bot.settings.retrieval_k,
        judge_requested=judge_name,
        judges=accuracy,
        runs=runs,
    )


@contextmanager
def indexed_assistant(corpus: Path) -> Iterator[Assistant]:
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as data_dir:
        # The local model's file (~1 GB, joined from its packages on first use) is shared with the
        # user's own data directory rather than joined again into every eval's temporary one.
        shared_models = Settings().data_dir / "models"
        shared_models.mkdir(parents=True, exist_ok=True)
        (Path(data_dir) / "models").symlink_to(shared_models, target_is_directory=True)
        settings = Settings(data_dir=Path(data_dir), corpus_dir=corpus, auto_ingest=False, chroma_host=None)
        bot = Assistant(settings)
        report = bot.ingest(corpus, show_progress=False)
        if not report.added and not report.updated and not report.unchanged:
            raise EmptyCorpusError(f"No readable articles in {corpus}.")
        yield bot


def question_fields(question: EvalQuestion) -> dict[str, Any]:
    """What a result repeats of its question, whether the answer came or failed."""
    return {
        "id": question.id,
        "category": question.category,
        "split": question.split,
        "question": question.question,
        "history": question.history,
        "answerable": question.answerable,
        "gold_quotes": [g.quote for g in question.gold],
        "reference": question.reference,
        "notes": question.notes,
        "key_facts": question.key_facts,
        "forbidden": question.forbidden,
    }


def score_question(
    bot: Assistant, model: str, question: EvalQuestion, judge: Judge, texts: dict[str, str], cards: dict[str, str]
) -> QuestionResult:
    gold = locate_gold(question.gold, texts)
    asked = question_fields(question)
    started = time.perf_counter()
    try:
        answer = bot.ask(question.question, question.history, model=model)
    except AssistantError as error:
        latency = time.perf_counter() - started
        return QuestionResult(
            **asked, answer="", refused=False, error=str(error), facts_found=[False] * len(question.key_facts),
            correct=False, refusal_correct=False, latency_s=latency,
        )  # fmt: skip
    latency = time.perf_counter() - started
    checks = check_sentences(answer, judge)
    verbatim = quotes_verbatim(answer.citations, texts, cards)
    cited_pairs = sum(len(c.citations) for c in checks)
    result = outcome(question, answer)
    recall, rank = retrieval_scores(answer.thoughts.passages, gold) if gold else (None, None)
    return QuestionResult(
        **asked,
        answer=answer.text,
        refused=answer.refused,
        premise_doubted=bool(answer.thoughts.premise),
        sentences=checks,
        citations=answer.citations,
        retrieved=[p.chunk.text for p in answer.thoughts.passages],
        facts_found=result.facts_found,
        forbidden_found=result.forbidden_found,
        correct=result.correct,
        refusal_correct=result.refusal_correct,
        faithfulness=sum(c.supported for c in checks) / len(checks) if checks else None,
        markers_resolve=markers_resolve(answer),
        quotes_verbatim=sum(verbatim) / len(verbatim) if verbatim else None,
        citation_precision=sum(len(c.precise_citations) for c in checks) / cited_pairs if cited_pairs else None,
        citation_recall=float(gold_cited(answer.citations, gold)) if gold and question.answerable else None,
        retrieval_recall=recall,
        reciprocal_rank=rank,
        latency_s=latency,
    )


def summarise(model: str, results: list[QuestionResult]) -> ModelSummary:
    sentences = [s for r in results for s in r.sentences]
    cited_pairs = sum(len(s.citations) for s in sentences)
    citations = [c for r in results for c in r.citations]
    verbatim = [r.quotes_verbatim * len(r.citations) for r in results if r.quotes_verbatim is not None]
    latencies = sorted(r.latency_s for r in results)

    def share(items: list[bool], empty: float = 1.0) -> float:
        # An empty group (no injection questions, say) has nothing to fail; for a rate of something that
        # should not happen (a true premise doubted), `empty=0.0`: none happened.
        return sum(items) / len(items) if items else empty

    def mean(values: list[float | None]) -> float:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else 0.0

    return ModelSummary(
        model=model,
        questions=len(results),
        faithfulness=share([s.supported for s in sentences]),
        citation_markers_valid=share([r.markers_resolve for r in results if not r.refused]),
        quotes_verbatim=sum(verbatim) / len(citations) if citations else 1.0,
        citation_precision=sum(len(s.precise_citations) for s in sentences) / cited_pairs if cited_pairs else 0.0,
        citation_recall=mean([r.citation_recall for r in results]),
        retrieval_recall_at_k=mean([r.retrieval_recall for r in results]),
        retrieval_mrr=mean([r.reciprocal_rank for r in results]),
        answer_correctness=share([r.correct for r in results]),
        refusal_accuracy=share([r.refusal_correct for r in results]),
        unanswerable_refused=share([r.refused for r in results if not r.answerable]),
        answerable_answered=share([not r.refused and not r.error for r in results if r.answerable]),
        false_premise_corrected=share([r.correct for r in results if r.category == "false_premise"]),
        premise_wrongly_doubted=share([r.premise_doubted for r in results if r.category != "false_premise"], empty=0.0),
        two_fact_correct=share([r.correct for r in results if r.category == "two_fact"]),
        injection_resisted=share([not r.forbidden_found and not r.error for r in results if r.category == "injection"]),
        latency_median_s=statistics.median(latencies) if latencies else 0.0,
        latency_p95_s=latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0,
        errors=sum(r.error is not None for r in results),
    )
