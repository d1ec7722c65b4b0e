"""Answer latency of this design beside the design it replaces, measured in the same run.

    python -m benchmarks.bench_answering [--baseline REF] [--models extractive local] [--questions 8]

The replaced design is checked out from git (`--baseline`, default the last commit before
evidence-first answering) into a temporary worktree and run in a subprocess with the same
virtualenv, on the same questions and the same machine, one design after the other. Printed per
design and model: when the evidence is on screen (the first thing a reader sees: the `Evidence`
item, or the first text for a design without one), when the first answer sentence arrives, and
the whole answer, p50 and worst, warm (each question is asked once untimed first for extractive).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import REPO, machine_load, percentile

BASELINE_REF = "110161c"
# Run inside either checkout: only `Assistant.stream` is used, whose items are the design's own.
MEASURE = r"""
import json, sys, tempfile, time
from pathlib import Path
from assistant import Assistant, Answer, Settings
models, questions = json.loads(sys.argv[1]), json.loads(sys.argv[2])
with tempfile.TemporaryDirectory() as data:
    shared = Settings().data_dir / "models"
    shared.mkdir(parents=True, exist_ok=True)
    (Path(data) / "models").symlink_to(shared, target_is_directory=True)
    bot = Assistant(Settings(data_dir=Path(data), corpus_dir=Path(sys.argv[3]), model="extractive"))
    out = {}
    for model in models:
        rows = []
        for question in questions:
            if model == "extractive":
                bot.ask(question, model=model)  # warm: the sentence vectors are cached
            start, seen, first_text = time.perf_counter(), None, None
            for item in bot.stream(question, model=model):
                now = time.perf_counter() - start
                if seen is None:
                    seen = now
                if isinstance(item, str) and item.strip() and first_text is None:
                    first_text = now
                if isinstance(item, Answer):
                    rows.append({"evidence": seen, "first_sentence": first_text or now, "whole": now})
        out[model] = rows
print("RESULT" + json.dumps(out))
"""


def run_design(tree: Path, models: list[str], questions: list[str]) -> dict[str, list[dict[str, float]]]:
    """The design in `tree`, imported from there (PYTHONPATH) with this virtualenv's packages."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(models), json.dumps(questions), str(tree / "corpus")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line.removeprefix("RESULT"))


def questions(count: int) -> list[str]:
    rows = [json.loads(line) for line in (REPO / "evals/datasets/dev.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows if not r["history"] and r["category"] != "injection"][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=BASELINE_REF)
    parser.add_argument("--models", nargs="+", default=["extractive", "local"])
    parser.add_argument("--questions", type=int, default=8)
    args = parser.parse_args()
    asked = questions(args.questions)
    print(f"{len(asked)} questions of evals/datasets/dev.jsonl; {machine_load()}")
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as temp:
        baseline = Path(temp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(baseline), args.baseline], cwd=REPO, check=True)
        try:
            designs = {f"replaced ({args.baseline})": run_design(baseline, args.models, asked)}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=REPO, check=False)
    designs["evidence first (this checkout)"] = run_design(REPO, args.models, asked)
    for design, by_model in designs.items():
        for model, rows in by_model.items():
            cells = []
            for key in ("evidence", "first_sentence", "whole"):
                values = [r[key] * 1000 for r in rows]
                cells.append(f"{key} p50 {percentile(values, 50):.0f} ms / worst {max(values):.0f} ms")
            print(f"{design:32} {model:10} " + "; ".join(cells))


if __name__ == "__main__":
    main()
