"""The judges an eval can use, which judge grades each model, and how accurate each judge is.

A language model's sentences (`local`, `openai`, `ollama`) are filtered by the offline judge before
anyone sees them, so the offline judge's faithfulness figure for such a model grades its own filter:
near 100 % by construction. `auto` (the default) picks by measurement where the local model is
installed: those models are graded by the LLM judge, everything else by `offline+llm` (the offline
judge, the model settling what it is unsure of: more accurate than the offline judge on the news
claims, as accurate on WiCE, and about a second a sentence where the LLM judge takes 7-9 s, but for
the language models their filter's own check). Without the local model the offline judge grades
everything, and the report says the language models' figure is circular.

Every judge carries its balanced accuracy on each labelled set (`evals/judge_sets.py`), read from
`results/judges/<judge>.json` (written by `python -m evals.judge_accuracy`) so a report costs no
judging of its own. Each file holds a fingerprint of the code that judged; when the offline judge
changed since, the two sets in this repository are measured again (seconds) and WiCE is marked stale.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from pathlib import Path

from pydantic import BaseModel
from sklearn.metrics import balanced_accuracy_score

from assistant import (
    BACKENDS,
    ModelCheck,
    OfflineJudge,
    Settings,
    SettledJudge,
    chat_model,
    filtered_by_offline_judge,
    load_band,
    local_model_installed,
    model_check_files,
    offline_judge,
    offline_judge_files,
)
from assistant import resolve_model as resolve
from evals.dataset import CLAIMS_PATH
from evals.judge_sets import NEWS_DEV_CLAIMS, Case, LabelledSet, Part, claims_set
from evals.llm_judge import PROMPTS, LLMJudge
from evals.metrics import Judge

JUDGES = ("auto", "offline", "llm", "llm:<model>", "offline+llm", "offline+llm:<model>")
MEASURED = Path(__file__).parent / "results" / "judges"
SET_NAMES = ("claims", "news-dev", "wice-dev")
MEASURE_COMMAND = "python -m evals.judge_accuracy"
CIRCULAR = (
    "circular: these sentences were already filtered by this judge, which removed the ones it found "
    "unsupported, so its faithfulness figure is near 100 % by construction (install the local model, "
    "or pass --judge llm:<model>, for an independent grade)"
)
SAME_CHECKS = (
    "partly circular: these sentences were filtered by the offline judge, which is part of this judge, and "
    "the unsure ones settled by a model's one-word check as here; pass --judge llm for an independent grade"
)
SELF_GRADED = (
    "the answering model grades its own sentences: a different check from the offline judge that "
    "filtered them, but not an independent one"
)


class PartAccuracy(BaseModel):
    """Balanced accuracy (mean recall on supported and on unsupported pairs) on one part of a set."""

    balanced_accuracy: float
    pairs: int


class SetAccuracy(BaseModel):
    """A judge on one labelled set, tuning and held-out parts apart; `None` where it was not measured."""

    labelled_set: str
    tune: PartAccuracy | None = None
    heldout: PartAccuracy | None = None
    measured: str = "not measured"
    stale: bool = False  # the judge's code or weights changed after this was measured


class JudgeCard(BaseModel):
    """A judge used in a run, with its accuracy on every labelled set (in `SET_NAMES` order)."""

    name: str
    accuracy: list[SetAccuracy]

    def heldout_summary(self) -> str:
        """'claims 0.75 (76), news-dev 0.84 (76), wice-dev not measured': what a judge-based figure sits beside."""
        parts = []
        for item in self.accuracy:
            part = item.heldout
            figure = f"{part.balanced_accuracy:.2f} ({part.pairs})" if part else "not measured"
            parts.append(f"{item.labelled_set} {figure}{' stale' if part and item.stale else ''}")
        return ", ".join(parts)


class Grading(BaseModel):
    """Who graded one model's sentences, who filtered them before, and why the grade may not be independent."""

    judge: str
    filtered_by: str | None = None
    warning: str | None = None


class MeasuredJudge(BaseModel):
    """The file `python -m evals.judge_accuracy` writes for one judge."""

    judge: str
    measured_on: str
    command: str
    fingerprint: str
    sets: list[SetAccuracy]


def judge_name(requested: str) -> str:
    """'llm' is the local model, 'offline+llm' the offline judge with the local model settling what it is
    unsure of (`assistant/model_check.py`); else offline, llm:<a backend> or offline+llm:<a backend>."""
    if requested in ("llm", "offline+llm"):
        return f"{requested}:local"
    base, _, backend = requested.partition(":")
    if requested == "offline" or (base in ("llm", "offline+llm") and backend in BACKENDS):
        return requested
    if base in ("llm", "offline+llm") and backend:
        raise ValueError(f"Unknown judge model {backend!r}. Choose one of: {', '.join(BACKENDS)}.")
    raise ValueError(f"Unknown judge {requested!r}. Choose one of: {', '.join(JUDGES)}.")


def grading(requested: str, model: str) -> Grading:
    """The judge for `model`'s faithfulness: `auto` avoids grading a filter with itself where a model can judge."""
    filtered_by = "offline" if filtered_by_offline_judge(model) else None
    if requested == "auto":
        name = ("llm:local" if filtered_by else "offline+llm:local") if local_model_installed() else "offline"
    else:
        name = judge_name(requested)
    if filtered_by == name:
        return Grading(judge=name, filtered_by=filtered_by, warning=CIRCULAR)
    if filtered_by and name.startswith("offline+"):
        return Grading(judge=name, filtered_by=filtered_by, warning=SAME_CHECKS)
    if name == f"llm:{resolve(model)}":
        return Grading(judge=name, filtered_by=filtered_by, warning=SELF_GRADED)
    return Grading(judge=name, filtered_by=filtered_by)


def make_judge(name: str, settings: Settings) -> Judge:
    """A judge by its full name (`offline`, `llm:<backend>` or `offline+llm:<backend>`, as `judge_name` returns)."""
    if name == "offline":
        return offline_judge(settings.embedding_model_path, settings.embedding_batch_size)
    kind, _, backend = judge_name(name).partition(":")
    model = chat_model(backend, settings)
    if kind == "offline+llm":
        offline = offline_judge(settings.embedding_model_path, settings.embedding_batch_size)
        return SettledJudge(offline, ModelCheck(model), load_band("judge"), name=f"llm:{backend}")
    return LLMJudge(model, name=name, retries=settings.llm_retries)


def fingerprint(judge: str) -> str:
    """A hash of what decides the judge's verdicts: its code and weights (offline), its code and prompts
    (an LLM judge), or both halves and the band between them (a settled judge)."""
    files = []
    if judge.startswith("offline"):
        files += offline_judge_files()
    if judge.startswith("offline+"):
        files += model_check_files()
    if judge.startswith("llm"):
        files += [Path(__file__).with_name("llm_judge.py"), *sorted(PROMPTS.glob("judge_*.txt"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def measured_path(judge: str) -> Path:
    return MEASURED / f"{judge.replace(':', '-')}.json"


def load_measured(judge: str) -> MeasuredJudge | None:
    path = measured_path(judge)
    return MeasuredJudge.model_validate_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def save_measured(judge: str, sets: list[SetAccuracy], note: str = "") -> Path:
    """Record a judge's accuracies with today's date and the fingerprint of the code that produced them."""
    today = datetime.date.today().isoformat()
    stamped = [s.model_copy(update={"measured": f"{today}, {MEASURE_COMMAND}{note}", "stale": False}) for s in sets]
    record = MeasuredJudge(
        judge=judge, measured_on=today, command=MEASURE_COMMAND + note, fingerprint=fingerprint(judge), sets=stamped
    )
    MEASURED.mkdir(parents=True, exist_ok=True)
    path = measured_path(judge)
    path.write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def measure(judge: Judge, labelled: LabelledSet, cases: dict[Part, list[Case]] | None = None) -> SetAccuracy:
    """Balanced accuracy per part; `cases` replaces the set's parts (a sample, for slow judges)."""
    parts = cases if cases is not None else labelled.parts
    if isinstance(judge, OfflineJudge):
        judge.prefetch([(c.claim, list(c.passages)) for part in parts.values() for c in part])
    scores = {}
    for part, rows in parts.items():
        if rows:
            says = [judge.judge(c.claim, list(c.passages)).supported for c in rows]
            accuracy = float(balanced_accuracy_score([c.supported for c in rows], says))
            scores[part] = PartAccuracy(balanced_accuracy=accuracy, pairs=len(rows))
    return SetAccuracy(labelled_set=labelled.name, measured="this run", **scores)


def judge_card(name: str, settings: Settings) -> JudgeCard:
    """The judge's accuracy on every labelled set: measured files where current, else what can be redone now."""
    record = load_measured(name)
    current = record is not None and record.fingerprint == fingerprint(name)
    found = {s.labelled_set: s.model_copy(update={"stale": not current}) for s in (record.sets if record else [])}
    if name == "offline" and not current:
        found |= {s.labelled_set: s for s in _offline_now(settings.embedding_model_path, fingerprint(name))}
    return JudgeCard(name=name, accuracy=[found.get(n, SetAccuracy(labelled_set=n)) for n in SET_NAMES])


@functools.cache
def _offline_now(model_path: Path | None, version: str) -> tuple[SetAccuracy, ...]:
    """The offline judge on the two sets in this repository (seconds), once per process and judge version."""
    judge = offline_judge(model_path)
    return tuple(
        measure(judge, s) for s in (claims_set("claims", CLAIMS_PATH), claims_set("news-dev", NEWS_DEV_CLAIMS))
    )
