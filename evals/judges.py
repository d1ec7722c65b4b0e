"""The judges an eval can use, and their measured accuracy on the labelled claims.

Every run measures the offline judge on the claims set (dev and held-out splits, a few seconds),
so each report says how far its faithfulness figures can be trusted.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel
from sklearn.metrics import balanced_accuracy_score

from assistant import Assistant
from assistant.embeddings import load_embeddings
from assistant.judge import OfflineJudge
from assistant.models import BACKENDS, chat_model
from evals.dataset import CLAIMS_PATH, LabelledClaim, load_claims
from evals.llm_judge import LLMJudge
from evals.metrics import Judge

JUDGES = ("offline", "llm", "llm:<model>")
# Accuracy of the slow judges, measured by `python -m evals.judge_accuracy` and read by every report.
MEASURED = Path(__file__).parent / "results" / "judges"


class JudgeAccuracy(BaseModel):
    """Balanced accuracy (mean of the recall on supported and on unsupported claims) per split."""

    dev: float
    heldout: float
    dev_pairs: int
    heldout_pairs: int


class JudgeInfo(BaseModel):
    name: str
    offline_accuracy: JudgeAccuracy
    accuracy: JudgeAccuracy | None = None  # the judge in use, when it is not the offline one and was measured


def judge_accuracy(judge: Judge, claims: list[LabelledClaim]) -> JudgeAccuracy:
    if isinstance(judge, OfflineJudge):
        judge.prefetch([(c.claim, [c.passage]) for c in claims])
    verdicts = [judge.judge(c.claim, [c.passage]).supported for c in claims]
    scores = {}
    for split in ("dev", "heldout"):
        pairs = [(c.supported, v) for c, v in zip(claims, verdicts, strict=True) if c.split == split]
        scores[split] = float(balanced_accuracy_score(*zip(*pairs, strict=True))) if pairs else 0.0
    return JudgeAccuracy(
        dev=scores["dev"],
        heldout=scores["heldout"],
        dev_pairs=sum(c.split == "dev" for c in claims),
        heldout_pairs=sum(c.split == "heldout" for c in claims),
    )


@functools.cache
def offline_accuracy(claims_path: Path, mtime_ns: int, model_path: Path | None) -> JudgeAccuracy:
    """Measured once per process and claims file: the judge's code cannot change under a running process."""
    return judge_accuracy(OfflineJudge(load_embeddings(model_path)), load_claims(claims_path))


def make_judge(name: str, bot: Assistant) -> tuple[Judge, JudgeInfo]:
    settings = bot.settings
    offline = OfflineJudge(load_embeddings(settings.embedding_model_path, settings.embedding_batch_size))
    accuracy = offline_accuracy(CLAIMS_PATH, CLAIMS_PATH.stat().st_mtime_ns, settings.embedding_model_path)
    info = JudgeInfo(name=name, offline_accuracy=accuracy)
    if name == "offline":
        return offline, info
    if name == "llm" or name.startswith("llm:"):
        backend = name.partition(":")[2] or "local"
        if backend not in BACKENDS:
            raise ValueError(f"Unknown judge model {backend!r}. Choose one of: {', '.join(BACKENDS)}.")
        measured = MEASURED / f"llm-{backend}.json"
        if measured.is_file():
            info.accuracy = JudgeAccuracy.model_validate_json(measured.read_text(encoding="utf-8"))
        return LLMJudge(chat_model(backend, settings), name=f"llm:{backend}", retries=settings.llm_retries), info
    raise ValueError(f"Unknown judge {name!r}. Choose one of: {', '.join(JUDGES)}.")
