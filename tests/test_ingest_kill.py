"""An `assistant ingest` killed with SIGKILL at random moments, then re-run, ends as an uninterrupted one."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import time
from pathlib import Path

import chromadb
import pytest

from testsupport.corpus_gen import write_corpus
from testsupport.procs import REPO, app_environment, assistant_command

pytestmark = pytest.mark.slow

ARTICLES = 60  # ~420 chunks: two embedding batches, so a kill can land between commits
KILLS = 4
PROGRESS = re.compile(r"Embedding chunks:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")


def run_ingest(corpus: Path, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as stderr:
        return subprocess.Popen(
            assistant_command("ingest", str(corpus)),
            cwd=REPO,
            env=app_environment(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def progress(log: Path) -> tuple[int, int] | None:
    """The last (done, total) the ingest's progress bar showed, if it started embedding."""
    found = PROGRESS.findall(log.read_text(errors="replace"))
    return (int(found[-1][0]), int(found[-1][1])) if found else None


def wait_for_progress(process: subprocess.Popen[bytes], log: Path) -> float | None:
    """When the ingest started embedding (monotonic time), or None if it ended without embedding."""
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if progress(log) is not None:
            return time.monotonic()
        time.sleep(0.05)
    return None


def snapshot(data_dir: Path) -> tuple[list[str], int, dict[str, str]]:
    """Sorted chunk ids, the collection's row count, and the committed articles with their hashes."""
    client = chromadb.PersistentClient(path=str(data_dir / "chroma"))
    chunks = client.get_collection("news")
    ids = chunks.get(include=[])["ids"]
    records = client.get_collection("news-articles").get(where={"kind": "article"}, include=["metadatas"])
    hashes = {i: str(m["content_hash"]) for i, m in zip(records["ids"], records["metadatas"] or [], strict=True)}
    return sorted(ids), chunks.count(), hashes


def test_ingest_killed_at_random_moments_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, ARTICLES, seed=11)
    rng = random.Random(20261123)

    reference_dir = tmp_path / "reference"
    reference_log = tmp_path / "reference.log"
    process = run_ingest(corpus, reference_dir, reference_log)
    embedding_started = wait_for_progress(process, reference_log)
    assert process.wait(timeout=600) == 0
    reference_progress = progress(reference_log)
    assert embedding_started is not None and reference_progress is not None
    seconds_per_chunk = (time.monotonic() - embedding_started) / reference_progress[1]

    killed_dir = tmp_path / "killed"
    moments = []
    for attempt in range(KILLS):
        log = tmp_path / f"killed-{attempt}.log"
        process = run_ingest(corpus, killed_dir, log)
        # A re-run embeds only what earlier runs did not commit, so aim within this run's own remaining work.
        if wait_for_progress(process, log) is not None:
            remaining = progress(log)
            assert remaining is not None
            time.sleep(rng.uniform(0.05, 0.8) * remaining[1] * seconds_per_chunk)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        moments.append((alive, progress(log)))
    assert sum(alive for alive, _ in moments) >= KILLS // 2, f"too few kills hit a running ingest: {moments}"

    assert run_ingest(corpus, killed_dir, tmp_path / "final.log").wait(timeout=600) == 0
    reference_ids, reference_count, reference_records = snapshot(reference_dir)
    ids, count, records = snapshot(killed_dir)
    assert count == len(ids) == len(set(ids)), "duplicate chunk rows"
    assert (ids, count) == (reference_ids, reference_count)
    assert records == reference_records
    assert len(records) == ARTICLES
