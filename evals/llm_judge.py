"""The LLM judge, RAGAS style: a chat model splits a sentence into claims, then checks each against the passages.

Any model the assistant can answer with (`assistant.models`: local, openai, ollama) can judge.
Prompts live in `evals/prompts/`. The verdict on one claim is the model's yes or no; a sentence is
supported when every one of its claims is, and its score is the share that are.
"""

from __future__ import annotations

import re
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate

from assistant import JudgeVerdict, strip_markers

PROMPTS = Path(__file__).parent / "prompts"
MAX_CLAIMS = 5
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")
ANSWER_WORD = re.compile(r"\b(yes|no)\b", re.IGNORECASE)


def _prompt(name: str) -> PromptTemplate:
    return PromptTemplate.from_template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8"))


class LLMJudge:
    def __init__(self, chat: BaseChatModel, name: str, retries: int = 2) -> None:
        self.name = name
        # Unlike a streamed answer, a verdict can be asked again: a server still loading answers 503.
        model = chat.with_retry(stop_after_attempt=retries + 1, wait_exponential_jitter=True)
        self._decompose = _prompt("judge_decompose") | model | StrOutputParser()
        self._verify = _prompt("judge_verify") | model | StrOutputParser()

    def claims(self, sentence: str) -> list[str]:
        """The sentence's atomic claims; the sentence itself when the model returns none."""
        reply = self._decompose.invoke({"sentence": sentence})
        lines = [BULLET.sub("", line).strip() for line in reply.splitlines()]
        return [line for line in lines if len(line.split()) >= 3][:MAX_CLAIMS] or [sentence]

    def verify(self, claim: str, passages: list[str]) -> bool:
        """One atomic claim: True only on a clear 'yes' (an unclear reply is not support)."""
        reply = self._verify.invoke({"claim": claim, "passages": "\n\n".join(passages)})
        found = ANSWER_WORD.search(reply)
        return bool(found and found.group(1).lower() == "yes")

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        sentence = strip_markers(claim)
        passages = [p for p in passages if p.strip()]
        if not passages:
            return JudgeVerdict(supported=False, score=0.0, reasons=["no passage to check the claim against"])
        claims = self.claims(sentence)
        unsupported = [c for c in claims if not self.verify(c, passages)]
        score = 1 - len(unsupported) / len(claims)
        reasons = [f"{self.name} finds no support for: {c}" for c in unsupported] or [
            f"{self.name} finds support for all {len(claims)} claim(s)"
        ]
        return JudgeVerdict(supported=not unsupported, score=round(score, 4), reasons=reasons)
