"""Two real app processes (`assistant serve`) writing feedback into one database at the same time.

Each process has its own index (its own data directory) and the same `ASSISTANT_DATABASE_URL`: a SQLite
file in WAL mode, or the PostgreSQL server started here. Both start on the fresh database together (both
run the migrations), then readers rate answers on both at once; every vote must be there afterwards.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.feedback import FeedbackStore
from tests.pg_server import PostgresServer, postgres_server
from testsupport.procs import app_environment, free_port, run_ingest, serving, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.server]
QUESTIONS = [
    "What does Russia supply to Mongolia?",
    "What share of Mongolia's exports go to China?",
    "Why did Putin's visit to Mongolia draw criticism?",
    'What is Mongolia\'s "third neighbour" policy?',
]
VOTES_PER_SERVER = 24


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    yield from postgres_server()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled articles indexed, copied for each app process (ingest once)."""
    folder = tmp_path_factory.mktemp("feedback-index")
    run_ingest(app_environment(folder))
    return folder


@pytest.fixture(params=["sqlite", pytest.param("postgresql")])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared' / 'feedback.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


def rate_many(url: str, worker: int) -> list[str]:
    """Ask and rate `VOTES_PER_SERVER` answers on one server; the ids of the answers rated."""
    rated = []
    with httpx.Client(base_url=url, timeout=120) as http:
        for number in range(VOTES_PER_SERVER):
            asked = http.post("/api/ask", json={"question": QUESTIONS[number % len(QUESTIONS)]})
            assert asked.status_code == 200, asked.text
            answer_id = asked.json()["answer_id"]
            body = {"answer_id": answer_id, "rating": "up" if number % 2 else "down", "comment": f"{worker}-{number}"}
            voted = http.post("/api/feedback", json=body)
            assert voted.status_code == 201, voted.text
            rated.append(answer_id)
    return rated


def test_two_app_processes_write_feedback_at_once(database: str, indexed: Path, tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    envs = []
    for number in range(2):
        shutil.copytree(indexed, tmp_path / f"app-{number}")
        envs.append(
            app_environment(
                tmp_path / f"app-{number}",
                ASSISTANT_AUTO_INGEST="false",
                ASSISTANT_DATABASE_URL=database,
                ASSISTANT_RATE_LIMIT_PER_MINUTE="10000",
            )
        )
    with contextlib.ExitStack() as stack:
        processes = [stack.enter_context(serving(env, port)) for env, port in zip(envs, ports, strict=True)]
        for process, port in zip(processes, ports, strict=True):
            wait_for_port(port, timeout=180, process=process)
        with ThreadPoolExecutor(4) as pool:  # two readers on each server, all at once
            jobs = [pool.submit(rate_many, f"http://127.0.0.1:{port}", n) for n, port in enumerate(ports * 2)]
            rated = [answer_id for job in jobs for answer_id in job.result()]
    rows = FeedbackStore(database).records()
    assert len(rated) == 4 * VOTES_PER_SERVER
    assert sorted(row.answer_id for row in rows) == sorted(rated)
    assert {row.comment for row in rows} == {f"{w}-{n}" for w in range(4) for n in range(VOTES_PER_SERVER)}
