"""How each planned question is worded: by rules from the sentences' own words, or by a language model.

Rules (always available, instant): cloze questions ("What number is missing from this statement:
“... ___ gigabytes ...”?"), which read as English whatever the sentence's grammar, and fixed frames
for the other kinds ("Why do the articles say that ...?", "What was the date when ...?").

A model (the local Qwen2.5-Coder-1.5B by default) words the question from one sentence, in a prompt
of a few dozen tokens (`prompts/generate_*.txt`: on a CPU, prompt length is latency). The rules have
chosen what to ask (the sentence, the fact, the false value, the event); a model question passes the
same mechanical checks as a rule one, and a failed one falls back to the rules' wording. A model
server that fails mid-way is not asked again in that run, and the run says so.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import Runnable

from assistant import Message
from evals.generate_rules import Fact, Plan

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).parent / "prompts"
QUESTION_TOKENS = 48
_LABEL = re.compile(r"^\s*(?:\d+[.)]\s*|[-*]\s*|(?:follow-up )?question\s*:\s*)", re.IGNORECASE)
_ASKS = {"date": "on what date it happened", "money": "how much money it involved"}


_ASKED = {"amount": "number", "date": "date", "year": "year", "month": "month"}


def lower_first(clause: str, lowercase: frozenset[str]) -> str:
    """Lower-case the clause's first word where the corpus writes that word in lower case elsewhere:
    its capital was the sentence's, not a name's."""
    first = clause.split(" ", 1)[0]
    return clause[0].lower() + clause[1:] if first.casefold() in lowercase and not first.isupper() else clause


def rule_question(plan: Plan, lowercase: frozenset[str]) -> tuple[str, list[Message]]:
    """The question (and for a follow-up the earlier turn) worded from the sentences' own words."""
    if plan.kind == "unanswerable":
        event = lower_first(plan.clause, lowercase)
        if plan.asks == "date":
            return f"What was the date when {event}?", []
        return f"How much money was involved when {event}?", []
    if plan.kind == "false_premise":
        return f"Why do the articles say that {lower_first(plan.clause, lowercase)}?", []
    first = plan.facts[0]
    asked = f"What {_ASKED[first.kind]} is missing from this statement: “{first.cloze}”?"
    if plan.kind == "single_fact":
        return asked, []
    second = plan.facts[1]
    if plan.kind == "two_fact":
        return (
            f"What {_ASKED[first.kind]} is missing from “{first.cloze}”, "
            f"and what {_ASKED[second.kind]} is missing from “{second.cloze}”?"
        ), []
    history = [Message(role="user", content=asked), Message(role="assistant", content=first.sentence.text)]
    return f"And what {_ASKED[second.kind]} is missing from “{second.cloze}” in the same article?", history


def _chain(name: str, chat: BaseChatModel) -> Runnable[dict[str, str], str]:
    template = PromptTemplate.from_template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8"))
    return template | chat.bind(max_tokens=QUESTION_TOKENS) | StrOutputParser()


def clean(reply: str) -> str | None:
    """The reply's first line as a question, without labels, numbering or quotes; None if it is none."""
    line = next((raw for raw in reply.splitlines() if raw.strip()), "")
    line = _LABEL.sub("", line).strip().strip("\"'“”").strip()
    return line if line.endswith("?") else None


class ModelPhraser:
    """Words each planned question with a chat model; None where the model gives no usable question."""

    def __init__(self, chat: BaseChatModel, name: str) -> None:
        self.name = name
        self.failure: str | None = None  # why the model stopped being asked, if it did
        self._chains = {
            name: _chain(f"generate_{name}", chat) for name in ("question", "followup", "premise", "unanswerable")
        }

    def __call__(self, plan: Plan) -> tuple[str, list[Message]] | None:
        if self.failure is not None:
            return None
        try:
            return self._phrase(plan)
        except Exception as error:  # any server or client failure: the rules word the rest
            self.failure = f"{type(error).__name__}: {error}"
            log.warning("The %s model failed (%s); the remaining questions are worded by rules.", self.name, error)
            return None

    def _phrase(self, plan: Plan) -> tuple[str, list[Message]] | None:
        if plan.kind in ("unanswerable", "false_premise"):
            if plan.kind == "unanswerable":
                question = self._ask("unanswerable", event=plan.clause, asks=_ASKS[plan.asks])
            else:
                question = self._ask("premise", statement=plan.clause, value=plan.asks)
            return (question, []) if question else None
        first = self._fact_question(plan.facts[0])
        if first is None or plan.kind == "single_fact":
            return (first, []) if first else None
        second = plan.facts[1]
        if plan.kind == "two_fact":
            other = self._fact_question(second)
            return (f"{first.rstrip('?')}, and {other[0].lower()}{other[1:]}", []) if other else None
        follow_up = self._ask("followup", previous=first, sentence=second.sentence.text, answer=second.value)
        history = [Message(role="user", content=first), Message(role="assistant", content=plan.facts[0].sentence.text)]
        return (follow_up, history) if follow_up else None

    def _fact_question(self, fact: Fact) -> str | None:
        return self._ask("question", sentence=fact.sentence.text, answer=fact.value)

    def _ask(self, prompt: str, **values: str) -> str | None:
        return clean(self._chains[prompt].invoke(values))
