"""The two dataset formats: eval questions (`dev.jsonl`) and labelled claims (`claims.jsonl`).

Both are read from JSON Lines (one object per line), YAML (a list of objects) or CSV (a header row;
list cells as JSON or Python lists), chosen by the file's suffix, so evaluators can bring their own
questions. Question sets written for RAGAS (`user_input`, `reference`, `reference_contexts`) or
DeepEval (`input`, `expected_output`, `context`) are mapped onto ours (`foreign_question`). Errors
name the file and line.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant import Message

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
    reference: str = Field(default="", description="A reference answer, as RAGAS and DeepEval sets carry one.")
    reference_contexts: list[str] = Field(
        default_factory=list, description="Passages that answer it, article unknown: gold where verbatim in the corpus."
    )


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
    """Read `path` (.jsonl, .yaml, .yml, .csv) into `model` rows, rejecting duplicate ids."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    convert = foreign_question if model is EvalQuestion else None
    rows: list[Row] = []
    for where, number, item in _items(path):
        if convert is not None and isinstance(item, dict):
            if not item.keys() & {*QUESTION_KEYS, "id", "category"}:  # not one of ours: say what a question is
                raise DatasetError(f"{where}: no question: expected a column {' or '.join(QUESTION_KEYS.values())}")
            item = convert(item, f"{path.stem}-{number}")
        try:
            rows.append(model.model_validate(item))
        except ValidationError as error:
            raise DatasetError(f"{where}: {_short(error)}") from None
    ids = [getattr(row, "id", None) for row in rows]
    duplicates = sorted({i for i in ids if i is not None and ids.count(i) > 1})
    if duplicates:
        raise DatasetError(f"{path}: duplicate ids: {', '.join(duplicates)}")
    if not rows:
        raise DatasetError(f"{path}: no items")
    return rows


def _items(path: Path) -> Iterator[tuple[str, int, object]]:
    """(where, number, item) for each item of the file, where naming the file and line or item."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        try:
            items = yaml.safe_load(text) or []
        except yaml.YAMLError as error:
            raise DatasetError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(items, list):
            raise DatasetError(f"{path}: expected a list of items at the top level")
        yield from ((f"{path}: item {n}", n, item) for n, item in enumerate(items, 1))
    elif path.suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        for row in reader:
            cells = {key: _cell(value) for key, value in row.items() if key and value not in (None, "")}
            yield f"{path}:{reader.line_num}", reader.line_num, cells
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield f"{path}:{number}", number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise DatasetError(f"{path}:{number}: not valid JSON: {error.msg}") from None


def _cell(value: str) -> object:
    """A CSV cell: a list when written as one (JSON, or Python's repr as pandas writes RAGAS's lists)."""
    if value.startswith("[") and value.endswith("]"):
        for parse in (json.loads, ast.literal_eval):
            try:
                return parse(value)
            except (ValueError, SyntaxError):
                continue
    return value


QUESTION_KEYS = {"question": "question (ours)", "user_input": "user_input (RAGAS)", "input": "input (DeepEval)"}
# A reference answer this short can be asked to appear in the answer as it is; a longer one cannot.
MAX_FACT_WORDS = 4
FALSE_WORDS = {"false", "no", "0"}


def foreign_question(item: dict[str, Any], default_id: str) -> dict[str, Any]:
    """A RAGAS or DeepEval row as one of ours; our own rows pass through.

    Answerable unless the row says `answerable: false` or `category: unanswerable`. The reference
    becomes the one key fact only when it is at most MAX_FACT_WORDS words (a sentence-long reference
    would never appear verbatim in an answer). The reference contexts become gold at run time where
    they occur verbatim in the corpus (`with_context_gold`); an imported question has no other gold.
    """
    if "question" in item or not item.keys() & {"user_input", "input"}:
        return item  # ours, or missing its question: validation names what is missing
    if "user_input" in item:
        question, reference, contexts = item["user_input"], item.get("reference"), item.get("reference_contexts")
    else:  # DeepEval: `context` is the ideal context; `retrieval_context` is what an app retrieved, not gold
        question, reference, contexts = item["input"], item.get("expected_output"), item.get("context")
    answerable = str(item.get("answerable", True)).lower() not in FALSE_WORDS and item.get("category") != "unanswerable"
    reference = str(reference or "").strip()
    short = reference and len(reference.split()) <= MAX_FACT_WORDS
    return {
        "id": str(item.get("id") or default_id),
        "category": item.get("category") or ("single_fact" if answerable else "unanswerable"),
        "split": item.get("split", "tune"),
        "question": question,
        "answerable": answerable,
        "key_facts": [reference.rstrip(".")] if answerable and short else [],
        "reference": reference,
        "reference_contexts": [contexts] if isinstance(contexts, str) else list(contexts or []),
        "notes": "" if short or not reference else "reference too long to require verbatim: no key facts",
    }


def with_context_gold(question: EvalQuestion, texts: dict[str, str]) -> EvalQuestion:
    """Reference contexts found verbatim in an article become gold passages; the rest are named in the notes."""
    gold, missing = list(question.gold), 0
    for context in question.reference_contexts:
        article_id = next((a for a, text in texts.items() if context.strip() and context.strip() in text), None)
        if article_id is None:
            missing += 1
        else:
            gold.append(GoldPassage(article_id=article_id, quote=context.strip()))
    if not missing:
        return question.model_copy(update={"gold": gold})
    note = f"{missing} of {len(question.reference_contexts)} reference contexts not verbatim in the corpus: not gold"
    return question.model_copy(update={"gold": gold, "notes": "; ".join(filter(None, [question.notes, note]))})


def _short(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}" for e in error.errors())


def load_questions(path: Path = DEV_PATH) -> list[EvalQuestion]:
    return load_rows(path, EvalQuestion)


def load_claims(path: Path = CLAIMS_PATH) -> list[LabelledClaim]:
    return load_rows(path, LabelledClaim)
