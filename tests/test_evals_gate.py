"""The CI gate: `assistant eval` passes on the default model and fails on deliberately broken answerers.

The broken answerers are registered from here, never in the library: one cites a passage that
does not hold its sentence, one changes the numbers it quotes. Their quotes stay verbatim and
their markers resolve, so only the judge and the gold data can catch them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.registry import ANSWERERS, register
from assistant.schema import Answer, Evidence, Message, Thoughts
from assistant_cli import app
from evals.dataset import DEV_PATH
from evals.suites import NEWS_DEV_CORPUS, suites
from evals.thresholds import THRESHOLDS_PATH

runner = CliRunner()
pytestmark = pytest.mark.slow


class WrongPassageAnswerer(ExtractiveAnswerer):
    """Quotes the right sentences but cites, for each, a retrieved chunk that does not contain it."""

    name = "test-wrong-passage"

    def answer_stream(
        self, question: str, history: list[Message], thoughts: Thoughts
    ) -> Iterator[str | Evidence | Answer]:
        for item in super().answer_stream(question, history, thoughts):
            if isinstance(item, Answer):
                citations = []
                for cited in item.citations:
                    chunk = next(
                        (
                            p.chunk for p in reversed(thoughts.passages)
                            if p.chunk.article_id != cited.article_id or not p.chunk.start <= cited.start < p.chunk.end
                        ),
                        None,
                    )  # fmt: skip
                    if chunk:
                        update = {
                            "article_id": chunk.article_id,
                            "quote": chunk.text,
                            "start": chunk.start,
                            "kind": "text",
                        }
                        cited = cited.model_copy(update=update | {"end": chunk.end})
                    citations.append(cited)
                item = item.model_copy(update={"citations": citations})
            yield item


class InventedNumberAnswerer(ExtractiveAnswerer):
    """Quotes the right sentences with every number in them changed: the citations no longer hold them."""

    name = "test-invented-number"

    def answer_stream(
        self, question: str, history: list[Message], thoughts: Thoughts
    ) -> Iterator[str | Evidence | Answer]:
        for item in super().answer_stream(question, history, thoughts):
            if isinstance(item, Answer):
                sentences = [s.model_copy(update={"text": invent(s.text)}) for s in item.sentences]
                item = item.model_copy(update={"text": invent(item.text), "sentences": sentences})
            yield invent(item) if isinstance(item, str) else item


def invent(text: str) -> str:
    """7 more than each number, citation markers left alone."""
    return re.sub(r"(?<!\[)\b\d+\b(?!\])", lambda m: str(int(m.group()) + 7), text)


@pytest.fixture
def broken_models() -> Iterator[list[str]]:
    for answerer in (WrongPassageAnswerer, InventedNumberAnswerer):
        register(answerer.name, answerer)
    yield [WrongPassageAnswerer.name, InventedNumberAnswerer.name]
    for answerer in (WrongPassageAnswerer, InventedNumberAnswerer):
        ANSWERERS.pop(answerer.name, None)


def test_default_model_passes_the_thresholds(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "PASS extractive" in result.output and "Offline judge balanced accuracy: held-out" in result.output
    summary = json.loads((tmp_path / "extractive" / "summary.json").read_text())
    assert summary["questions"] == sum(1 for line in DEV_PATH.read_text().splitlines() if line.strip())
    assert summary["failures"] == [] and summary["quotes_verbatim"] == 1.0
    html = (tmp_path / "report.html").read_text()
    assert "q01" in html and "What share of Mongolia" in html


@pytest.mark.llm
@pytest.mark.timeout(3600)  # 64 answers at ~6 s each on two idle cores; several times that on a busy CI machine
def test_the_model_make_run_answers_with_passes_the_thresholds_too(tmp_path: Path) -> None:
    """`make run` answers with `local` where it is installed (`ASSISTANT_MODEL=auto`), so the gate covers it
    on the bundled questions as well. Its sentences passed the offline judge before they were shown, so
    that judge's faithfulness and citation precision figures are circular, and the report says so;
    correctness, refusals, corrections and citation recall are not graded by a judge. (The local model
    as judge would add ~8 s a sentence.)"""
    result = runner.invoke(app, ["eval", "--model", "local", "--judge", "offline", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "PASS local" in result.output
    summary = json.loads((tmp_path / "local" / "summary.json").read_text())
    assert summary["failures"] == [] and summary["quotes_verbatim"] == 1.0
    assert summary["questions"] == sum(1 for line in DEV_PATH.read_text().splitlines() if line.strip())
    assert summary["grading"]["filtered_by"] == "offline" and summary["grading"]["warning"]


def test_broken_answerers_fail_the_gate(tmp_path: Path, broken_models: list[str]) -> None:
    single_facts = [line for line in DEV_PATH.read_text().splitlines() if '"single_fact"' in line][:10]
    dataset = tmp_path / "facts.jsonl"
    dataset.write_text("\n".join(single_facts) + "\n")
    args = ["eval", "--dataset", str(dataset), "--out", str(tmp_path / "out"), "--model", "extractive"]
    result = runner.invoke(app, [*args, "--model", broken_models[0], "--model", broken_models[1]])
    assert result.exit_code == 1, result.output
    assert "PASS extractive" in result.output
    for name in broken_models:
        assert f"FAIL {name}" in result.output
        summary = json.loads((tmp_path / "out" / name / "summary.json").read_text())
        assert summary["quotes_verbatim"] == 1.0 and summary["citation_markers_valid"] == 1.0
        assert any(f.startswith("faithfulness") for f in summary["failures"]), summary["failures"]
    wrong = json.loads((tmp_path / "out" / broken_models[0] / "summary.json").read_text())
    assert wrong["citation_recall"] < 0.5 and wrong["faithfulness"] < 0.5


def test_own_corpus_and_yaml_questions_with_hostile_markup(tmp_path: Path) -> None:
    """An evaluator's folder and YAML file; the article's markup and injected comment stay inert text."""
    dataset = tmp_path / "mine.yaml"
    dataset.write_text(
        "- id: leopards\n  category: single_fact\n  question: How many snow leopards did the rangers count?\n"
        "  answerable: true\n  key_facts: ['41']\n  forbidden: [no snow leopards]\n"
        "  gold: [{article_id: gobi-snow-leopards, quote: counted 41 snow leopards}]\n"
        "- id: gdp\n  category: unanswerable\n  question: What is the capital of France?\n  answerable: false\n"
    )
    corpus = Path(__file__).parent / "data" / "hostile"
    result = runner.invoke(app, ["eval", "--dataset", str(dataset), "--corpus", str(corpus), "--out", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    summary = report["runs"][0]["summary"]
    assert result.exit_code == (1 if summary["failures"] else 0), result.output  # two questions: bars may miss
    leopards, gdp = report["runs"][0]["results"]
    assert leopards["facts_found"] == [True] and leopards["citation_recall"] == 1.0
    assert leopards["retrieval_recall"] == 1.0 and summary["quotes_verbatim"] == 1.0
    # Quoting the article's injected comment counts against the answer, as following it would.
    said_it = "no snow leopards" in leopards["answer"].lower()
    assert leopards["forbidden_found"] == (["no snow leopards"] if said_it else []) and leopards["correct"] != said_it
    assert gdp["refused"] and gdp["correct"]
    html = (tmp_path / "report.html").read_text()
    assert "<script>window" not in html and "&lt;script&gt;window" in html
    assert "<img src" not in html


@pytest.mark.parametrize("corpus", ["news-dev", "generated"])
def test_default_model_passes_on_the_other_development_corpora(tmp_path: Path, corpus: str) -> None:
    """The gate covers all three corpora: the real news-dev stories (beside the checkout) and the generated ones."""
    found = {suite.name: suite for suite in suites(tmp_path / "work")}
    if corpus not in found:
        pytest.skip(f"{NEWS_DEV_CORPUS} is not beside the checkout")
    suite = found[corpus]
    thresholds = THRESHOLDS_PATH.with_name(f"thresholds-{corpus}.toml")
    args = ["--corpus", str(suite.corpus), "--dataset", str(suite.dataset), "--thresholds", str(thresholds)]
    result = runner.invoke(app, ["eval", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "extractive" / "summary.json").read_text())
    assert summary["failures"] == [] and summary["quotes_verbatim"] == 1.0
