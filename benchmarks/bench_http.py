"""The HTTP API under load, and cold start, on a real `assistant serve` on 127.0.0.1.

- cold start: from starting `assistant serve` (articles already indexed) to the first answer;
- 16 concurrent readers posting /api/ask for a bounded time: throughput, p50/p95, errors (goal 0),
  peak RSS of the server process and its children (goal <= 1.5 GiB).

The answerer is the extractive one (`auto` would pick a local LLM where installed), and the
per-client rate limit is raised for the run: every reader comes from 127.0.0.1.

    python -m benchmarks.bench_http [--readers 16 --seconds 30]     # bundled corpus, dev questions
    python -m benchmarks.bench_http --data-dir D --articles 1000     # an index built by bench_scale
    python -m benchmarks.bench_http --small                          # CI smoke run: 4 readers, 5 s
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from benchmarks.common import DEV_SET, latency_line, machine_load
from testsupport.corpus_gen import articles
from testsupport.procs import app_environment, free_port, run_ingest, serving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--data-dir", type=Path, help="an existing index; default: the bundled corpus, indexed here")
    parser.add_argument("--articles", type=int, help="with --data-dir: ask about generated articles 0..N-1")
    parser.add_argument("--small", action="store_true", help="4 readers for 5 s: the CI smoke run")
    args = parser.parse_args()
    if args.small:
        args.readers, args.seconds = 4, 5.0

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        # app_environment pins the extractive answerer.
        env = app_environment(data_dir, ASSISTANT_RATE_LIMIT_PER_MINUTE="1000000", ASSISTANT_AUTO_INGEST="false")
        if args.data_dir is None:
            run_ingest(env)
        if args.articles:
            bodies = [{"question": a.question, "history": []} for a in articles(args.articles)][:200]
        else:
            rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
            bodies = [{"question": r["question"], "history": r.get("history") or []} for r in rows]

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        with serving(env, port) as server:
            first = cold_start(url, bodies[0], server)
            print(f"cold start, `assistant serve` to the first answer: {first - started:.1f} s")
            load(url, bodies, args.readers, args.seconds, psutil.Process(server.pid))


def cold_start(url: str, body: dict, server: subprocess.Popen[bytes], timeout: float = 300) -> float:
    """The moment the first /api/ask returned 200."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=60) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                if client.post(f"{url}/api/ask", json=body).status_code == 200:
                    return time.perf_counter()
            except httpx.TransportError:
                time.sleep(0.1)
    raise TimeoutError("no answer from the server")


def rss(process: psutil.Process) -> int:
    """Resident memory of a process and its children (a model server, if any), in bytes."""
    total = 0
    for each in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += each.memory_info().rss
    return total


def load(url: str, bodies: list[dict], readers: int, seconds: float, server: psutil.Process) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    peak_rss = rss(server)
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def reader(offset: int) -> None:
        with httpx.Client(timeout=60) as client:
            turn = offset
            while time.monotonic() < stop:
                body = bodies[turn % len(bodies)]
                turn += 1
                begun = time.perf_counter()
                try:
                    response = client.post(f"{url}/api/ask", json=body)
                    problem = (
                        None if response.status_code == 200 else f"HTTP {response.status_code}: {response.text[:200]}"
                    )
                except httpx.HTTPError as error:
                    problem = f"{type(error).__name__}: {error}"
                with lock:
                    if problem:
                        errors.append(problem)
                    else:
                        latencies.append(time.perf_counter() - begun)

    threads = [threading.Thread(target=reader, args=(n * 7,)) for n in range(readers)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        peak_rss = max(peak_rss, rss(server))
        time.sleep(0.2)
    elapsed = time.perf_counter() - begun
    print(f"{readers} concurrent readers for {seconds:.0f} s: {len(latencies) / elapsed:.1f} answers/s")
    print(latency_line("  /api/ask under load", latencies))
    print(f"  errors: {len(errors)} (goal 0){': ' + errors[0] if errors else ''}")
    print(f"  server peak RSS: {peak_rss / 2**30:.2f} GiB (goal <= 1.5 GiB)")
    print(machine_load())


if __name__ == "__main__":
    main()
