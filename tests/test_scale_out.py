"""Scale-out: two app processes share one `chroma run` server while a third ingests into it.

Readers keep answering through the ingest, every quote they cite is exact in the final
articles (a half-ingested article is never cited), and both see the new articles once committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import pytest

from tests.conftest import CORPUS
from testsupport.corpus_gen import write_corpus
from testsupport.procs import REPO, ChromaServer, app_environment, run_ingest

pytestmark = [pytest.mark.slow, pytest.mark.server]

READERS = 2
NEW_ARTICLES = 30


def articles_in(port: int) -> dict[str, str]:
    """Committed article texts by id, read straight from the Chroma server."""
    records = chromadb.HttpClient(host="127.0.0.1", port=port).get_collection("news-articles")
    got = records.get(where={"kind": "article"}, include=["documents"])
    return dict(zip(got["ids"], got["documents"] or [], strict=True))


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_two_app_processes_serve_from_one_chroma_server_while_a_third_ingests(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    port = chroma_server.port
    env = app_environment(tmp_path / "ingester", port)
    run_ingest(env, str(CORPUS))

    generated = write_corpus(tmp_path / "new", NEW_ARTICLES, seed=21)
    last = generated[-1]  # ingested last: readers can only cite it once the whole ingest committed it
    questions = ["What share of Mongolia's exports go to China?", "What does Russia supply to Mongolia?"]
    questions += [a.question for a in generated[:: NEW_ARTICLES // 5]] + [last.question]
    questions_file = tmp_path / "questions.json"
    questions_file.write_text(json.dumps(questions), encoding="utf-8")
    stop = tmp_path / "stop"

    logs = [tmp_path / f"reader-{n}.jsonl" for n in range(READERS)]
    readers = [
        subprocess.Popen(
            [sys.executable, "-m", "testsupport.procs", str(questions_file), str(log), str(stop)],
            cwd=REPO,
            env=app_environment(tmp_path / f"reader-{n}", port),
            stderr=subprocess.PIPE,
        )
        for n, log in enumerate(logs)
    ]
    try:
        deadline = time.monotonic() + 180
        while not all(log.exists() and log.stat().st_size for log in logs):
            assert all(r.poll() is None for r in readers), "a reader exited before answering"
            assert time.monotonic() < deadline, "readers did not start answering"
            time.sleep(0.5)

        ingest_started = time.time()
        run_ingest(env, str(tmp_path / "new"), timeout=600)
        ingest_ended = time.time()
        # Each reader answers the newest article's question, from the shared server, within a bounded time.
        deadline = time.monotonic() + 120
        while not all(
            any(r["time"] > ingest_ended and r["question"] == last.question for r in read_log(log)) for log in logs
        ):
            assert time.monotonic() < deadline, "readers never answered after the ingest"
            time.sleep(0.5)
    finally:
        stop.touch()
        for reader in readers:
            try:
                reader.wait(timeout=60)
            except subprocess.TimeoutExpired:
                reader.kill()
                reader.wait()

    final = articles_in(port)
    assert len(final) == 2 + NEW_ARTICLES
    for log in logs:
        records = read_log(log)
        errors = [r["error"] for r in records if "error" in r]
        assert not errors, errors
        during = [r for r in records if ingest_started <= r["time"] <= ingest_ended]
        assert during, "no answer was given while the ingest ran"
        for record in records:
            for citation in record["citations"]:
                assert citation["kind"] in {"text", "metadata"}
                if citation["kind"] == "text":  # a metadata citation quotes the article's card, not its text
                    text = final[citation["article_id"]]
                    assert text[citation["start"] : citation["end"]] == citation["quote"]
        after = [r for r in records if r["time"] > ingest_ended and r["question"] == last.question]
        assert any(c["article_id"] == last.article_id for r in after for c in r["citations"]), (
            f"a reader did not cite {last.article_id} after it was ingested"
        )
