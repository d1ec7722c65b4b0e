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
from functools import lru_cache
from pathlib import Path
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import PromptTemplate
from pydantic import BaseModel, ConfigDict

from assistant.judge import JudgeVerdict, OfflineJudge
from assistant.prompts import prompt_text
from assistant.text import strip_markers

BAND_PATH = Path(__file__).parent / "data" / "model_check.json"
MODEL_READS = 2  # passage sentences closest to the claim, for the eval judge (the verifier gives the cited ones)


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

    The model reads the passage sentences the claim was matched to (`MODEL_READS` closest, and the one
    sharing most of its words), not every passage: WiCE gives ~19 evidence sentences a claim, which
    would cost the local model ~5 s to read. On short news claims it is more accurate than the offline
    judge alone, on WiCE's long encyclopedic ones less (`evals/README.md`, "The offline judge, the model
    settling"); it costs about a second for each claim in the band."""

    def __init__(self, offline: OfflineJudge, check: ModelCheck, band: CheckBand, name: str) -> None:
        self.offline = offline
        self.check = check
        self.band = band
        self.name = name

    def judge(self, claim: str, passages: list[str]) -> JudgeVerdict:
        verdict, reply = self.settle(claim, passages)
        if reply is None:
            return verdict
        supported = ModelCheck.says_yes(reply)
        reason = f"the offline judge was unsure ({verdict.score:.2f}); {self.name} said {reply[:8]!r}"
        return JudgeVerdict(supported=supported, score=float(supported), reasons=[reason, *verdict.reasons])

    def settle(self, claim: str, passages: list[str]) -> tuple[JudgeVerdict, str | None]:
        """The offline verdict, and the model's reply where that verdict is unsure and the claim names nothing
        the passages lack (else None): the claim is measured once for both."""
        claim, passages = strip_markers(claim), [p for p in passages if p.strip()]
        if not claim or not passages:
            return self.offline.judge(claim, passages), None
        evidence = self.offline.evidence(claim, passages)
        verdict = self.offline.verdict(evidence)
        if not self.band.unsure(verdict.score) or evidence.missing_numbers or evidence.missing_names:
            return verdict, None
        return verdict, self.check.reply(claim, self.offline.focused(claim, passages, keep=MODEL_READS))
