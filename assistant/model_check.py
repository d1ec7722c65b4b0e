"""Where the offline judge is unsure, a language model settles it with one word.

The offline judge reads words, numbers and names; a paraphrase ("Rising costs led the council to
delay its vote" for "The council has postponed the vote, citing rising costs") or a reversal it has
no word for can leave its score in the middle. There a chat model reads the evidence and the claim
together and answers yes or no (`prompts/check.txt`): about a second on the local model, so it is
asked only inside the band of scores where the offline judge is unsure, and never about a claim with
a number or name the evidence lacks (the offline judge's word on those is final).

The verifier of model answers (`answer/llm.py`) and the eval judge `offline+llm` each have their band
in `assistant/data/model_check.json`, written by `python -m evals.tune_model_check`: the judge's is
fitted on the labelled claims; the verifier's is set by hand (the file says why), as a model asked
about its own sentences is not the labelled claims' reader.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import PromptTemplate
from pydantic import BaseModel, ConfigDict

from assistant.judge import JudgeVerdict, OfflineJudge
from assistant.prompts import prompt_text
from assistant.text import strip_markers

log = logging.getLogger(__name__)

BAND_PATH = Path(__file__).parent / "data" / "model_check.json"
# The eval judge asks the model only about evidence of at most this many sentences, which it reads whole
# (the verifier gives it the sentences a claim cites). Given the 2-3 sentences closest to a claim out of
# WiCE's ~16, the local model did worse than the offline judge reading them all (balanced accuracy 0.69
# against 0.72 on WiCE-dev's tuning part, 2026-12-03): it cannot judge what it did not read.
MODEL_READS = 3


class CheckBand(BaseModel):
    """The offline judge's scores (inclusive) within which the model's yes or no decides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fitted_on: list[str]
    note: str = ""
    unsure_below: float
    unsure_above: float

    def unsure(self, score: float | None) -> bool:
        return score is not None and self.unsure_below <= score <= self.unsure_above


@lru_cache(maxsize=4)
def load_band(use: Literal["judge", "verifier"], path: Path = BAND_PATH) -> CheckBand:
    """The band of the eval judge `offline+llm` or of the verifier of model answers."""
    return CheckBand.model_validate(json.loads(path.read_text(encoding="utf-8"))[use])


class ModelCheck:
    """A chat model's one-word reading: does the evidence say what the claim says?"""

    def __init__(self, model: BaseChatModel) -> None:
        self.prompt = prompt_text("check")
        self._chain = PromptTemplate.from_template(self.prompt) | model.bind(stop=["\n", ".", ","])  # one word

    def reply(self, claim: str, evidence: str) -> str:
        """The model's answer, stripped; raises whatever the model's client raises."""
        answer = self._chain.invoke({"evidence": " ".join(evidence.split()), "claim": claim})
        return str(answer.content).strip()

    @staticmethod
    def says_yes(reply: str) -> bool:
        return reply.lower().startswith("yes")


class SettledJudge:
    """The offline judge, with a model's one-word check deciding the claims it is unsure of.

    The model is asked only where it can read all the evidence (`MODEL_READS` sentences at most), as a
    reader of the product's answers does: a sentence of an answer and the one to three sentences it cites.
    Longer evidence (WiCE gives ~16 sentences a claim, ~5 s of the local model's reading) is left to the
    offline judge, which reads it all. On short news claims the model is more accurate than the offline
    judge alone (`evals/README.md`, "The offline judge, the model settling"); it costs about a second for
    each claim it is asked about."""

    def __init__(self, offline: OfflineJudge, check: ModelCheck, band: CheckBand, name: str) -> None:
        self.offline = offline
        self.check = check
        self.band = band
        self.name = name

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        verdict, question = self._measure(claim, passages)
        if question is None:
            return verdict
        try:
            reply = self.check.reply(*question)
        except Exception as error:  # the model's server failed: the offline verdict stands, and says so
            log.warning("%s's check failed: %s", self.name, error)
            failed = f"{self.name}'s check failed ({str(error)[:80]}); the offline judge's verdict stands"
            return verdict.model_copy(update={"reasons": [failed, *verdict.reasons]})
        supported = ModelCheck.says_yes(reply)
        reason = f"the offline judge was unsure ({verdict.score:.2f}); {self.name} said {reply[:8]!r}"
        return JudgeVerdict(supported=supported, score=float(supported), reasons=[reason, *verdict.reasons])

    def settle(self, claim: str, passages: list[str]) -> tuple[JudgeVerdict, str | None]:
        """The offline verdict, and the model's reply where that verdict is unsure, the claim names nothing
        the passages lack and the evidence is short enough to read whole (else None): the claim is measured
        once for both. A failing model raises here: a measurement must not pass off the offline verdict."""
        verdict, question = self._measure(claim, passages)
        return verdict, None if question is None else self.check.reply(*question)

    def _measure(self, claim: str, passages: list[str]) -> tuple[JudgeVerdict, tuple[str, str] | None]:
        """The offline verdict, and the (claim, evidence) to put to the model, if it is to be asked."""
        claim, passages = strip_markers(claim), [p for p in passages if p.strip()]
        if not claim or not passages:
            return self.offline.judge(claim, passages), None
        evidence = self.offline.evidence(claim, passages)
        verdict = self.offline.verdict(evidence)
        if not self.band.unsure(verdict.score) or evidence.missing_numbers or evidence.missing_names:
            return verdict, None
        if evidence.evidence_sentences > MODEL_READS:
            return verdict, None
        return verdict, (claim, self.offline.focused(claim, passages, keep=MODEL_READS))
