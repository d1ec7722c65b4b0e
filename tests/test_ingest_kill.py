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

from benchmarks.corpus_gen import write_corpus
from benchmarks.procs import REPO, app_environment, assistant_command

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
    started = time.monotonic()
    assert run_ingest(corpus, reference_dir, tmp_path / "reference.log").wait(timeout=600) == 0
    duration = time.monotonic() - started

    killed_dir = tmp_path / "killed"
    moments = []
    for attempt in range(KILLS):
        log = tmp_path / f"killed-{attempt}.log"
        process = run_ingest(corpus, killed_dir, log)
        # Wait until it embeds, then kill at a random moment within the rest of a full run.
        deadline = time.monotonic() + 300
        while progress(log) is None and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(rng.uniform(0, duration / 2))
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
