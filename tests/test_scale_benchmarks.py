"""The CI smoke run of the benchmarks: small sizes, real parts; the figures themselves are in benchmarks/README.md."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from testsupport.procs import app_environment, run_module

pytestmark = pytest.mark.slow


def run_benchmark(tmp_path: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m module args` from the repository on a private data dir; it must exit 0."""
    done = run_module(module, *args, env=app_environment(tmp_path / "data"))
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.mark.parametrize(
    ("module", "args"),
    [("benchmarks.bench_core", ["--rounds", "1"]), ("benchmarks.bench_scale", ["--small"])],
)
def test_benchmark_runs_and_prints_its_figures(tmp_path: Path, module: str, args: list[str]) -> None:
    done = run_benchmark(tmp_path, module, *args)
    ratio = re.search(r"ingest / raw embedding throughput[^:]*: (\d+\.\d+)", done.stdout)
    assert ratio and float(ratio.group(1)) > 0.3, done.stdout
    recall = re.search(r"recall@5 over \d+ labelled questions: ours (\d\.\d+), LangChain", done.stdout)
    assert recall and float(recall.group(1)) >= 0.5, done.stdout
    assert re.search(r"p50 \d+\.\d ms, p95 \d+\.\d ms", done.stdout)


@pytest.mark.server
def test_http_benchmark_serves_concurrent_readers_without_errors(tmp_path: Path) -> None:
    """A real `assistant serve` on 127.0.0.1: cold start, then 4 concurrent readers for 5 s, none failing."""
    done = run_benchmark(tmp_path, "benchmarks.bench_http", "--small")
    assert re.search(r"cold start, `assistant serve` to the first answer: \d+\.\d s", done.stdout), done.stdout
    answers = re.search(r"4 concurrent readers for 5 s: (\d+\.\d) answers/s", done.stdout)
    assert answers and float(answers.group(1)) > 0, done.stdout
    assert "errors: 0 (goal 0)" in done.stdout, done.stdout
    assert re.search(r"server peak RSS: \d\.\d\d GiB", done.stdout), done.stdout


def test_answering_benchmark_compares_with_the_replaced_design(tmp_path: Path) -> None:
    """Both designs answer the same questions in one run; the evidence reaches the reader before the answer."""
    done = run_benchmark(tmp_path, "benchmarks.bench_answering", "--models", "extractive", "--questions", "2")
    rows = re.findall(
        r"^(replaced \(\w+\)|evidence first \(this checkout\))\s+extractive\s+evidence p50 (\d+) ms", done.stdout, re.M
    )
    assert [design.split()[0] for design, _ in rows] == ["replaced", "evidence"], done.stdout
