"""The LLM judge end to end on a real model server: SmolLM2 through the `openai` backend.

SmolLM2-135M is too small to judge well, so these tests check the path (claims split, each
verified, verdicts in the report, its accuracy shown), not the quality of its verdicts; the local
Qwen model's accuracy is measured by `python -m evals.judge_accuracy --judge llm`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from assistant import Settings
from assistant.models import chat_model
from assistant_cli import app
from evals.dataset import DEV_PATH
from evals.llm_judge import LLMJudge
from tests.llm_servers import ModelServer, smollm2_path

pytestmark = [pytest.mark.slow, pytest.mark.llm]
PASSAGE = "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper."


@pytest.fixture(scope="module")
def smollm2() -> Iterator[ModelServer]:
    server = ModelServer(smollm2_path()).start()
    try:
        deadline = time.monotonic() + 120
        while httpx.get(server.base_url.removesuffix("/v1") + "/health").status_code != 200:  # 503 while loading
            assert time.monotonic() < deadline, "the model server did not finish loading"
            time.sleep(0.5)
        yield server
    finally:
        server.kill()


def test_llm_judge_splits_claims_and_verifies_each(smollm2: ModelServer) -> None:
    settings = Settings(openai_base_url=smollm2.base_url, openai_model="smollm2")
    judge = LLMJudge(chat_model("openai", settings), name="llm:openai")
    claims = judge.claims("China takes 90 % of Mongolia's exports, and most of them are coal and copper.")
    assert 1 <= len(claims) <= 5 and all(isinstance(c, str) and c for c in claims)
    verdict = judge.judge("China takes 90 % of Mongolia's exports. [1]", [PASSAGE])
    assert 0.0 <= verdict.score <= 1.0 and verdict.reasons and verdict.reasons[0].startswith("llm:openai")
    assert not judge.judge("China takes 90 % of Mongolia's exports.", []).supported


def test_eval_with_the_llm_judge_reports_its_verdicts(
    smollm2: ModelServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_OPENAI_BASE_URL", smollm2.base_url)
    monkeypatch.setenv("ASSISTANT_OPENAI_MODEL", "smollm2")
    dataset = tmp_path / "two.jsonl"
    dataset.write_text("\n".join(DEV_PATH.read_text().splitlines()[:2]) + "\n")
    result = CliRunner().invoke(
        app, ["eval", "--dataset", str(dataset), "--judge", "llm:openai", "--out", str(tmp_path)]
    )
    assert result.exit_code in (0, 1), result.output  # its verdicts, not the run, may miss the bar
    assert "Judge used: llm:openai" in result.output and "Offline judge balanced accuracy" in result.output
    report = json.loads((tmp_path / "report.json").read_text())
    sentences = [s for r in report["runs"][0]["results"] for s in r["sentences"]]
    assert sentences and all(s["reasons"][0].startswith("llm:openai") for s in sentences)
