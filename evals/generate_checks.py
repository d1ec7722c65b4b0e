"""The mechanical checks every generated question must pass, whoever worded it (rules or a model).

Why: a question set is only as good as its gold data. A gold quote that is not verbatim breaks the
eval; a key fact missing from the gold makes a right answer score wrong; an "unanswerable" question
the corpus does answer teaches a model to refuse good questions. So each item is checked against
the corpus as the library stores it, and rejected on any failure. Answerable questions are never
filtered on whether the assistant answers them right: that is what the eval measures.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel

from assistant.question import AnswerKind, analyse, answer_kind
from assistant.schema import Message
from assistant.statement import states_kind
from assistant.text import keywords
from evals.generate_rules import CorpusView, Plan
from evals.metrics import normalise

# A sentence this close in words to what an unanswerable question asks about could answer it.
RELATED_SHARE = 0.5
MIN_WORDS, MAX_WORDS = 5, 90
# The answer kind each question kind must ask for (false premises ask "why").
EXPECTED_KIND = {
    "amount": AnswerKind.AMOUNT,
    "date": AnswerKind.DATE,
    "year": AnswerKind.DATE,
    "month": AnswerKind.DATE,
}

# Asks the assistant (retrieval and the extractive answerer) a question: did it refuse, and the
# evidence sentences it found, as (article id, quote).
Asker = Callable[[str, list[Message]], tuple[bool, list[tuple[str, str]]]]
# Evidence from another article counts as an answer when it shares this much of the question's words.
EVIDENCE_SHARE = 1 / 3


class Check(BaseModel):
    name: str
    passed: bool
    detail: str = ""


def contains(text: str, value: str) -> bool:
    """`value` as a whole word or number in `text` ("8 December" is not inside "18 December")."""
    return re.search(rf"(?<![\w.,]){re.escape(normalise(value))}(?![\w]|[.,]\d)", normalise(text)) is not None


def check_item(
    plan: Plan, question: str, history: list[Message], view: CorpusView, seen: set[str], asker: Asker | None
) -> list[Check]:
    """Every check for one drafted question; the item is accepted only when all pass."""
    checks = [_form(question, history, seen)]
    quotes = [f.sentence for f in plan.facts]
    for sentence in quotes:
        found = view.texts[sentence.article_id].find(sentence.text)
        checks.append(
            Check(
                name="gold verbatim",
                passed=found >= 0,
                detail=f"{sentence.article_id}[{found}:{found + len(sentence.text)}]" if found >= 0 else "not found",
            )
        )
    asked_for = [plan.facts[-1]] if plan.kind == "follow_up" else list(plan.facts)
    parts = analyse(question).parts if plan.kind == "two_fact" else ()
    if plan.kind == "two_fact":
        checks.append(Check(name="two sub-questions", passed=len(parts) == 2, detail=f"{len(parts)} part(s)"))
    for number, fact in enumerate(asked_for):
        in_gold = any(normalise(fact.value) in normalise(s.text) for s in quotes)
        checks.append(Check(name="key fact in gold", passed=in_gold, detail=fact.value))
        leaked = contains(question, fact.value) or any(contains(m.content, fact.value) for m in history[:1])
        checks.append(Check(name="answer not given away", passed=not leaked, detail=fact.value))
        if plan.kind != "false_premise":
            kind = answer_kind(parts[number] if len(parts) == len(asked_for) else question)
            expected = EXPECTED_KIND[fact.kind]
            checks.append(
                Check(name="asks for the fact's kind", passed=kind is expected, detail=f"{kind} ({expected})")
            )
    if plan.kind == "false_premise":
        checks.append(_premise_false(plan, question, view))
    if plan.kind == "unanswerable":
        checks.extend(_unanswered(plan, question, view, asker))
    return checks


def _form(question: str, history: list[Message], seen: set[str]) -> Check:
    count = len(question.split())
    problems = [
        "does not end with '?'" * (not question.rstrip().endswith("?")),
        f"{count} words" * (not MIN_WORDS <= count <= MAX_WORDS),
        "a duplicate" * (normalise(question) in seen),
        "no history" * (question.startswith("And ") and not history),
    ]
    found = [p for p in problems if p]
    return Check(name="well-formed question", passed=not found, detail="; ".join(found))


def _premise_false(plan: Plan, question: str, view: CorpusView) -> Check:
    """The question states the false value, and no sentence of the corpus states it about the same thing."""
    wrong = plan.asks
    if not contains(question, wrong):
        return Check(name="premise is false", passed=False, detail=f"the question does not state {wrong!r}")
    about = keywords(plan.clause) - keywords(wrong)
    for sentence in view.all_sentences():
        if contains(sentence.text, wrong) and len(about & keywords(sentence.text)) >= RELATED_SHARE * len(about):
            return Check(name="premise is false", passed=False, detail=f"{sentence.article_id} states {wrong!r}")
    return Check(name="premise is false", passed=True, detail=f"no sentence states {wrong!r}")


def _unanswered(plan: Plan, question: str, view: CorpusView, asker: Asker | None) -> list[Check]:
    """No sentence about the same thing states the kind of answer asked for (nor do the sentences
    around the one asked about), nor does any evidence sentence the assistant finds for it in the
    same article or on the same subject.

    Whether the extractive answerer refuses is not required: filtering on that would make every
    kept question one it refuses, and the eval could no longer catch it answering them."""
    analysis = analyse(question)
    assert plan.statement is not None
    around = view.sentences[plan.statement.article_id][max(0, plan.statement.index - 1) : plan.statement.index + 2]
    stating = [s for s in around if states_kind(analysis.kind, s.text, question)]
    for sentence in view.all_sentences():
        shared = analysis.focus & keywords(sentence.text)
        if len(shared) >= RELATED_SHARE * len(analysis.focus) and states_kind(analysis.kind, sentence.text, question):
            stating.append(sentence)
    detail = f"{stating[0].article_id}: {stating[0].text[:80]}" if stating else f"no sentence states a {analysis.kind}"
    checks = [
        Check(name="asks for an amount or a date", passed=analysis.kind in (AnswerKind.AMOUNT, AnswerKind.DATE)),
        Check(name="corpus does not state it", passed=not stating, detail=detail),
    ]
    if asker is not None and not stating:
        refused, evidence = asker(question, [])
        found = [
            quote
            for article_id, quote in evidence
            if states_kind(analysis.kind, quote, question)
            and (
                article_id == plan.statement.article_id
                or len(analysis.focus & keywords(quote)) >= EVIDENCE_SHARE * len(analysis.focus)
            )
        ]
        detail = "it refuses" if refused else "it answers, from evidence that states none"
        checks.append(
            Check(
                name="the assistant's evidence does not state it",
                passed=not found,
                detail=f"its evidence states one: {found[0][:80]}" if found else detail,
            )
        )
    return checks
