"""RAGAS and DeepEval interoperate with our evals: every run exports RAGAS's columns, and their question
sets (JSONL or CSV) run as ours. A real eval on the bundled articles is exported, read back and, where
an interpreter with `ragas` is at hand, loaded by ragas itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant_cli import app
from evals.dataset import DatasetError, load_questions
from evals.interop import RAGAS_COLUMNS

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
ARTICLES = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
VERBATIM = "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper."
# RAGAS's `EvaluationDataset.to_csv` goes through pandas, which writes a list cell as Python's repr.
RAGAS_CSV = (
    "user_input,reference,reference_contexts\n"
    f"What share of Mongolia's exports go to China?,90 %,\"['{VERBATIM}']\"\n"
    "Who supplies most of Mongolia's fuel?,Russia supplies most of Mongolia's fuel and electricity,"
    "\"['Russia sells Mongolia nearly all of its fuel.']\"\n"
)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One eval of the RAGAS-style CSV on the bundled articles (extractive), shared by the tests below."""
    out = tmp_path_factory.mktemp("ragas-run")
    (out / "questions.csv").write_text(RAGAS_CSV, encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ASSISTANT_DATA_DIR", str(out / "data"))
        env.setenv("ASSISTANT_MODEL", "extractive")
        args = ["eval", "--dataset", str(out / "questions.csv"), "--corpus", str(CORPUS), "--out", str(out)]
        args += ["--judge", "offline"]  # the export is tested here, not the judge: no local model to start
        result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output  # two questions: a bar may miss
    return out


def test_ragas_and_deepeval_sets_map_onto_our_questions(tmp_path: Path) -> None:
    ragas_csv = tmp_path / "ragas.csv"
    ragas_csv.write_text(RAGAS_CSV, encoding="utf-8")
    short, long = load_questions(ragas_csv)
    assert short.id == "ragas-2" and short.question == "What share of Mongolia's exports go to China?"
    assert short.answerable and short.category == "single_fact" and short.key_facts == ["90 %"]
    assert short.reference_contexts == [VERBATIM] and short.gold == []  # gold is found in the corpus at run time
    assert long.key_facts == [] and "too long" in long.notes and long.reference.startswith("Russia supplies")

    deepeval = tmp_path / "deepeval.jsonl"
    rows = [
        {"input": "What is Mongolia's GDP?", "expected_output": "", "answerable": False},
        {"input": "Roughly how many people live in Mongolia?", "expected_output": "3.3 million",
         "context": ["Mongolia, a nation of only 3.3 million people"], "retrieval_context": ["not gold"]},
    ]  # fmt: skip
    deepeval.write_text("".join(json.dumps(row) + "\n" for row in rows))
    gdp, people = load_questions(deepeval)
    assert not gdp.answerable and gdp.category == "unanswerable" and gdp.key_facts == []
    assert people.key_facts == ["3.3 million"] and people.reference_contexts == [
        "Mongolia, a nation of only 3.3 million people"
    ]

    bad = tmp_path / "bad.csv"
    bad.write_text("user_input,reference\nWhat?,yes\n,no\n")
    with pytest.raises(
        DatasetError, match=r"bad.csv:3: no question: expected a column question \(ours\) or user_input \(RAGAS\)"
    ):
        load_questions(bad)


def test_every_run_exports_ragas_columns(run_dir: Path) -> None:
    rows = [json.loads(line) for line in (run_dir / "ragas.jsonl").read_text().splitlines()]
    report = json.loads((run_dir / "report.json").read_text())
    assert len(rows) == len(report["runs"][0]["results"]) == 2
    for row, result in zip(rows, report["runs"][0]["results"], strict=True):
        assert list(row)[: len(RAGAS_COLUMNS)] == list(RAGAS_COLUMNS)
        assert row["user_input"] == result["question"] and row["response"] == result["answer"]
        assert row["retrieved_contexts"] and all(
            any(c in text for text in ARTICLES.values()) for c in row["retrieved_contexts"]
        )
        assert row["model"] == "extractive" and row["judge"] == "offline" and row["id"] == result["id"]
    share, fuel = rows
    assert share["reference"] == "90 %" and share["reference_contexts"] == [VERBATIM]
    # The paraphrased context is in no article: it is not gold, and the report says so.
    assert (
        fuel["reference_contexts"] == []
        and "1 of 1 reference contexts not verbatim" in report["runs"][0]["results"][1]["notes"]
    )
    assert report["runs"][0]["results"][0]["citation_recall"] == 1.0


def test_the_export_reads_back_as_a_question_set(run_dir: Path) -> None:
    again = load_questions(run_dir / "ragas.jsonl")
    original = load_questions(run_dir / "questions.csv")
    assert [(q.id, q.question, q.answerable, q.key_facts) for q in again] == [
        (q.id, q.question, q.answerable, q.key_facts) for q in original
    ]


def test_real_ragas_loads_the_export(run_dir: Path) -> None:
    """ragas 0.4.3 cannot install beside our pins (evals/README.md): RAGAS_PYTHON may name a Python that has it."""
    python = os.environ.get("RAGAS_PYTHON", sys.executable)
    script = (
        "import json, sys; from ragas import EvaluationDataset; d = EvaluationDataset.from_jsonl(sys.argv[1]); "
        "print(json.dumps([s.model_dump() for s in d.samples]))"
    )
    if subprocess.run([python, "-c", "import ragas"], capture_output=True).returncode:
        pytest.skip(f"ragas is not importable by {python}: set RAGAS_PYTHON to an interpreter that has it")
    done = subprocess.run([python, "-c", script, str(run_dir / "ragas.jsonl")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    samples = json.loads(done.stdout.splitlines()[-1])
    rows = [json.loads(line) for line in (run_dir / "ragas.jsonl").read_text().splitlines()]
    assert [{k: s[k] for k in RAGAS_COLUMNS} for s in samples] == [{k: r[k] for k in RAGAS_COLUMNS} for r in rows]
