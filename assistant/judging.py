"""The public door to judging: whether passages support a claim, with the offline judge that verification
uses, and what decides its verdicts. The evals (and anything else outside the library) judge through here."""

from __future__ import annotations

from pathlib import Path

from assistant import gazetteer, judge, judge_features, judge_figures, judge_roles, model_check, text
from assistant.answer.llm import LLMAnswerer
from assistant.answer.registry import ANSWERERS, resolve
from assistant.embeddings import load_embeddings
from assistant.judge import JudgeVerdict, OfflineJudge
from assistant.model_check import BAND_PATH, CheckBand, ModelCheck, SettledJudge, load_band
from assistant.prompts import PROMPTS_DIR

__all__ = ["CheckBand", "JudgeVerdict", "ModelCheck", "OfflineJudge", "SettledJudge", "filtered_by_offline_judge"]
__all__ += ["load_band", "model_check_files", "offline_judge", "offline_judge_files"]


def offline_judge(model_path: Path | None = None, batch_size: int = 64) -> OfflineJudge:
    """The offline judge on an embedding model (default: the packaged one, as `Settings` has it):
    `offline_judge().judge(claim, passages)`."""
    return OfflineJudge(load_embeddings(model_path, batch_size))


def offline_judge_files() -> list[Path]:
    """The files whose change changes the offline judge's verdicts: its code and its fitted weights."""
    modules = (judge, judge_features, judge_figures, judge_roles, gazetteer, text)
    return [Path(str(module.__file__)) for module in modules] + [judge.WEIGHTS_PATH]


def model_check_files() -> list[Path]:
    """The files whose change changes what the model's one-word check decides, model aside."""
    return [Path(str(model_check.__file__)), PROMPTS_DIR / "check.txt", BAND_PATH]


def filtered_by_offline_judge(model: str) -> bool:
    """True for answerers whose sentences pass the offline judge before they are shown (the language models)."""
    factory = ANSWERERS.get(resolve(model))
    target = getattr(factory, "func", factory)  # the backends register as partial(LLMAnswerer, backend=...)
    return isinstance(target, type) and issubclass(target, LLMAnswerer)
