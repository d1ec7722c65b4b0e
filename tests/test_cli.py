"""The real `assistant` CLI, driven through Typer's runner on a temp data dir."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant_cli import app
from tests.conftest import CORPUS

runner = CliRunner()


def test_ingest_then_ask_with_sources(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    again = runner.invoke(app, ["ingest", str(CORPUS)])
    assert "2 unchanged" in again.output and "0 chunks embedded" in again.output

    result = runner.invoke(app, ["ask", "What share of Mongolia's exports go to China?"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "90 %" in output and "[1]" in output
    assert "Sources" in output and "Putin visit a delicate balancing act" in output
    # The evidence first (numbered quotes with outlet and date), then the answer, then the sources.
    assert output.index("Evidence") < output.index("Answer") < output.index("Sources")
    evidence = output[output.index("Evidence") : output.index("Answer")]
    assert "[1] “" in evidence and "90 %" in evidence
    assert "Asia Times" in evidence and "September 2024" in evidence
    sources = output[output.index("Sources") :]
    assert "Asia Times" in sources and "September 2024" in sources


def test_ask_json(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    result = runner.invoke(app, ["ask", "--json", "What is the capital of France?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["refused"] is True and data["citations"] == [] and data["evidence"] == []

    result = runner.invoke(app, ["ask", "--json", "What does Russia supply to Mongolia?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["refused"] is False and data["evidence"]
    assert {c["number"] for c in data["evidence"]} <= {c["number"] for c in data["citations"]}
    assert all({"publisher", "date", "kind", "quote"} <= set(c) for c in data["evidence"])


def test_chat_keeps_history(monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    session = "What does Russia supply to Mongolia?\nAnd what does China buy from it?\nexit\n"
    result = runner.invoke(app, ["chat"], input=session)
    assert result.exit_code == 0, result.output
    assert "electricity" in result.output
    assert "90 %" in result.output


def test_sources_lists_the_articles(monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    result = runner.invoke(app, ["sources"])
    assert "mongolia-veering-towards-us" in result.output and "Henrik Rothen" in result.output


def test_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "Error:" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 1 and "empty" in result.output
