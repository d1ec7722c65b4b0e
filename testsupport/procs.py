"""Real processes for the tests and benchmarks: the `assistant` CLI, `assistant serve`, a `chroma run`
server, a reader process, and the ports they listen on.

python -m testsupport.procs QUESTIONS.json OUT.jsonl STOP_FILE   # a reader, until STOP_FILE exists
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f}s")


def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Terminate a process; kill it if it has not ended within `timeout` (uvicorn waits for requests in flight)."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_ingest(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    """`assistant ingest [args]` from the repository with `env` (see `app_environment`); it must exit 0."""
    return subprocess.run(
        assistant_command("ingest", *args), cwd=REPO, env=env, check=True, capture_output=True, timeout=timeout
    )


def run_module(module: str, *args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m module args` from the repository with `env`, its output captured as text (not checked)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def serving(
    env: dict[str, str], port: int, *, stderr: int | IO[bytes] | None = subprocess.DEVNULL
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `assistant serve --port PORT` with `env`, stopped on leaving; the caller waits for it as it needs."""
    process = subprocess.Popen(
        assistant_command("serve", "--port", str(port)), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr
    )
    try:
        yield process
    finally:
        stop(process)


def chroma_executable() -> str:
    return shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))


class ChromaServer:
    """A real `chroma run` on 127.0.0.1 at a free port, stoppable and restartable on the same data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [chroma_executable(), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


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
