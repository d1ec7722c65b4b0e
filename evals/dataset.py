"""The two dataset formats: eval questions (`dev.jsonl`) and labelled claims (`claims.jsonl`).

Both are read from JSON Lines (one object per line) or YAML (a list of objects), chosen by the
file's suffix, so evaluators can bring their own questions. Errors name the file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.schema import Message

DATASETS = Path(__file__).parent / "datasets"
DEV_PATH = DATASETS / "dev.jsonl"
CLAIMS_PATH = DATASETS / "claims.jsonl"

Category = Literal[
    "single_fact",
    "two_fact",
    "metadata",
    "cross_article",
    "unanswerable",
    "false_premise",
    "follow_up",
    "injection",
    "contradiction",
]
# `tune` questions may guide development and fitting; `heldout` ones are only ever measured.
Split = Literal["tune", "heldout"]


class GoldPassage(BaseModel):
    """A passage that supports the answer: an exact substring of the article, located at scoring time."""

    model_config = ConfigDict(extra="forbid")

    article_id: str
    quote: str = Field(min_length=1)


class EvalQuestion(BaseModel):
    """One question with what a correct answer must (key_facts) and must not (forbidden) contain."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: Category
    question: str = Field(min_length=1)
    history: list[Message] = Field(default_factory=list)
    answerable: bool
    key_facts: list[str] = Field(default_factory=list, description="Each must appear in the answer (any case).")
    gold: list[GoldPassage] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list, description="None may appear in the answer (any case).")
    split: Split = "tune"
    notes: str = ""


class LabelledClaim(BaseModel):
    """A (claim, passage, supported?) pair for measuring a judge; `split` keeps held-out pairs out of tuning."""

    model_config = ConfigDict(extra="forbid")

    id: str
    claim: str = Field(min_length=1)
    article_id: str
    passage: str = Field(min_length=1)
    supported: bool
    kind: str
    split: Literal["dev", "heldout"]


class DatasetError(ValueError):
    """A dataset file that cannot be read; the message names the file and the line or item."""


Row = TypeVar("Row", bound=BaseModel)


def load_rows(path: Path, model: type[Row]) -> list[Row]:
    """Read `path` (.jsonl, .json lines, .yaml, .yml) into `model` rows, rejecting duplicate ids."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    text = path.read_text(encoding="utf-8")
    rows: list[Row] = []
    if path.suffix in {".yaml", ".yml"}:
        try:
            items = yaml.safe_load(text) or []
        except yaml.YAMLError as error:
            raise DatasetError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(items, list):
            raise DatasetError(f"{path}: expected a list of items at the top level")
        for number, item in enumerate(items, 1):
            rows.append(_validate(model, item, f"{path}: item {number}"))
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                rows.append(_validate_json(model, line, f"{path}:{number}"))
    ids = [getattr(row, "id", None) for row in rows]
    duplicates = sorted({i for i in ids if i is not None and ids.count(i) > 1})
    if duplicates:
        raise DatasetError(f"{path}: duplicate ids: {', '.join(duplicates)}")
    if not rows:
        raise DatasetError(f"{path}: no items")
    return rows


def _validate(model: type[Row], item: object, where: str) -> Row:
    try:
        return model.model_validate(item)
    except ValidationError as error:
        raise DatasetError(f"{where}: {_short(error)}") from None


def _validate_json(model: type[Row], line: str, where: str) -> Row:
    try:
        return model.model_validate_json(line)
    except ValidationError as error:
        raise DatasetError(f"{where}: {_short(error)}") from None


def _short(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}" for e in error.errors())


def load_questions(path: Path = DEV_PATH) -> list[EvalQuestion]:
    return load_rows(path, EvalQuestion)


def load_claims(path: Path = CLAIMS_PATH) -> list[LabelledClaim]:
    return load_rows(path, LabelledClaim)
