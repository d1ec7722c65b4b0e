"""Real processes for the benchmarks and fault tests: the `assistant` CLI and a reader process.

python -m benchmarks.procs QUESTIONS.json OUT.jsonl STOP_FILE   # a reader, until STOP_FILE exists
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def assistant_command(*args: str) -> list[str]:
    """The `assistant` console script, run by this interpreter (works without an installed entry point)."""
    return [sys.executable, "-c", "from assistant_cli import app; app()", *args]


def app_environment(data_dir: Path, chroma_port: int | None = None, **extra: str) -> dict[str, str]:
    """This process's environment with the assistant pointed at `data_dir` (and a Chroma server if given).

    The answerer is the extractive one unless `extra` says otherwise: the default (`auto`) would be a
    local LLM wherever it is installed, which answers in seconds, not milliseconds.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_"))}
    # No assistant.toml from the working directory: the process sees only what is set here.
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_CONFIG=str(data_dir / "none.toml"), PYTHONPATH=str(REPO))
    env.update(ASSISTANT_MODEL="extractive")
    env.update(extra)
    if chroma_port is not None:
        env.update(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma_port))
    return env


def read_until_stopped(questions_file: Path, out_file: Path, stop_file: Path) -> None:
    """An app process that serves: ask the questions in turn until `stop_file` exists, one JSON line each.

    Each line holds the question, the error (if any) and the citations, so a test can check every
    quote against the final articles after the run.
    """
    from assistant import Assistant
    from assistant.errors import AssistantError

    bot = Assistant(auto_ingest=False, model="extractive")
    questions = json.loads(questions_file.read_text(encoding="utf-8"))
    with out_file.open("a", encoding="utf-8") as out:
        for turn in itertools.count():
            if stop_file.exists():
                return
            question = questions[turn % len(questions)]
            record: dict[str, Any] = {"question": question, "time": time.time()}
            try:
                answer = bot.ask(question)
                record.update(refused=answer.refused, citations=[c.model_dump() for c in answer.citations])
            except AssistantError as error:
                record["error"] = f"{type(error).__name__}: {error}"
            out.write(json.dumps(record) + "\n")
            out.flush()


if __name__ == "__main__":
    read_until_stopped(*(Path(arg) for arg in sys.argv[1:4]))
