"""Feedback and export over real HTTP: the real app on uvicorn on 127.0.0.1, a real database behind it.

Answers come from the real assistant on the bundled articles; votes land in a real SQLite file (or
the PostgreSQL server started here), read back through the operator's export, the CLI and the raw
driver. Each client has its own X-Forwarded-For address (127.0.0.1 is a trusted proxy here), so
each test has its own rate-limit bucket.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from assistant import Assistant
from assistant_cli import app as cli
from tests.pg_server import PostgresServer, postgres_server
from tests.test_abuse import Server, start
from testsupport.procs import free_port

pytestmark = [pytest.mark.slow, pytest.mark.server]
ADMIN = "feedback-admin"
QUESTION = "What does Russia supply to Mongolia?"
FOLLOW_UP = "And what share of its exports go to China?"
_addresses = (f"203.0.113.{n}" for n in itertools.count(1))


def client(server: Server) -> httpx.Client:
    return server.client(next(_addresses))


def ask(http: httpx.Client, question: str = QUESTION, history: list[dict[str, str]] | None = None) -> dict:
    response = http.post("/api/ask", json={"question": question, "history": history or []})
    assert response.status_code == 200, response.text
    return response.json()


def serve(bot: Assistant, tmp: Path, **overrides: object) -> Iterator[Server]:
    """A server with its own data directory (its own feedback database), the bundled articles' index."""
    settings = {
        "trusted_proxies": ["127.0.0.1"],
        "admin_token": SecretStr(ADMIN),
        "rate_limit_per_minute": 3,
        "feedback_comment_chars": 300,
        "data_dir": tmp,
    }
    yield from start(bot, **(settings | overrides))


@pytest.fixture(scope="module")
def server(bot: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(bot, tmp_path_factory.mktemp("feedback-app"))


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    yield from postgres_server()


def admin_export(server: Server) -> list[dict]:
    response = client(server).get("/api/admin/feedback", headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_vote_is_stored_with_the_answer_and_the_operator_exports_it(server: Server) -> None:
    http = client(server)
    answer = ask(http)
    comment = "Clear — and the quote <b>is</b> right."
    response = http.post("/api/feedback", json={"answer_id": answer["answer_id"], "rating": "up", "comment": comment})
    assert response.status_code == 201, response.text
    assert response.json() == {"saved": True, "answer_id": answer["answer_id"], "rating": "up", "comment": comment}

    [row] = [r for r in admin_export(server) if r["answer_id"] == answer["answer_id"]]
    assert (row["rating"], row["comment"], row["question"], row["history"]) == ("up", comment, QUESTION, [])
    assert (row["answer"], row["refused"], row["model"]) == (answer["answer"], False, "extractive")
    cited = [(c["number"], c["article_id"], c["start"], c["end"], c["quote"]) for c in row["citations"]]
    assert cited == [(c["number"], c["article_id"], c["start"], c["end"], c["quote"]) for c in answer["citations"]]
    assert row["settings"]["retrieval_k"] == server.bot.settings.retrieval_k
    stored = json.dumps(row)
    assert "127.0.0.1" not in stored and "203.0.113." not in stored and "python-httpx" not in stored  # no personal data


def test_the_operator_export_needs_the_admin_token(server: Server) -> None:
    assert client(server).get("/api/admin/feedback").status_code == 401
    wrong = client(server).get("/api/admin/feedback", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "admin token" in wrong.json()["detail"]


def test_an_unknown_answer_id_is_a_clear_404(server: Server) -> None:
    response = client(server).post("/api/feedback", json={"answer_id": "no-such-answer", "rating": "down"})
    assert response.status_code == 404
    assert "No answer with the id 'no-such-answer'" in response.json()["detail"]
    exported = client(server).post("/api/export", json={"answer_ids": ["no-such-answer"]})
    assert exported.status_code == 404 and "no-such-answer" in exported.json()["detail"]


def test_a_comment_is_bounded(server: Server) -> None:
    http = client(server)
    answer_id = ask(http)["answer_id"]
    long = http.post("/api/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "x" * 301})
    assert long.status_code == 422 and "at most 300 characters; this one has 301" in long.json()["detail"]
    huge = http.post("/api/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "x" * 40_000})
    assert huge.status_code == 413  # the gate's body bound, before the route reads anything
    assert answer_id not in {r["answer_id"] for r in admin_export(server)}


def test_feedback_and_export_count_against_the_clients_questions_per_minute(server: Server) -> None:
    http = client(server)
    answer_id = ask(http)["answer_id"]  # 1 of 3
    assert http.post("/api/feedback", json={"answer_id": answer_id, "rating": "up"}).status_code == 201
    assert http.post("/api/export", json={"answer_ids": [answer_id]}).status_code == 200
    refused = http.post("/api/feedback", json={"answer_id": answer_id, "rating": "down"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_a_conversation_exports_as_json_and_markdown(server: Server) -> None:
    http, second = client(server), client(server)
    with http.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as stream:
        lines = [line for line in stream.iter_lines() if line.startswith("data: ")]
    first = json.loads(lines[-1].removeprefix("data: "))
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": first["answer"]}]
    follow = ask(http, FOLLOW_UP, history)
    ids = [first["answer_id"], follow["answer_id"]]

    exported = second.post("/api/export", json={"answer_ids": ids, "format": "json"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-disposition"] == 'attachment; filename="conversation.json"'
    turns = exported.json()["turns"]
    assert [(t["question"], t["history"], t["answer"]) for t in turns] == [
        (QUESTION, [], first["answer"]),
        (FOLLOW_UP, history, follow["answer"]),
    ]
    assert [t["citations"] for t in turns] == [first["citations"], follow["citations"]]
    for citation in turns[1]["citations"]:
        article = server.bot.article(citation["article_id"])
        assert article is not None and article.text[citation["start"] : citation["end"]] == citation["quote"]

    markdown = second.post("/api/export", json={"answer_ids": ids, "format": "markdown"})
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    text = markdown.text
    assert "## 1. What does Russia supply to Mongolia?" in text and "## 2. And what share" in text
    citation = follow["citations"][0]
    assert f"characters {citation['start']}–{citation['end']}" in text and citation["publisher"] in text


def test_with_feedback_off_the_route_says_so_and_answers_still_export(
    bot: Assistant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("feedback-off")
    for off in serve(bot, folder, feedback=False):
        http = client(off)
        answer_id = ask(http)["answer_id"]
        response = http.post("/api/feedback", json={"answer_id": answer_id, "rating": "up"})
        assert response.status_code == 404 and "Feedback is off" in response.json()["detail"]
        assert http.post("/api/export", json={"answer_ids": [answer_id]}).status_code == 200
    assert not (folder / "feedback.sqlite3").exists()  # off means no database at all


def test_an_unreachable_database_keeps_answering_and_says_feedback_was_not_saved(
    bot: Assistant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    down = SecretStr(f"postgresql+psycopg://feedback@127.0.0.1:{free_port()}/feedback")
    for server in serve(bot, tmp_path_factory.mktemp("feedback-down"), database_url=down):
        http = client(server)
        answer = ask(http)
        assert answer["citations"] and not answer["refused"]
        response = http.post("/api/feedback", json={"answer_id": answer["answer_id"], "rating": "up"})
        assert response.status_code == 503
        assert response.json()["detail"].startswith("Your feedback could not be saved: the feedback database")
        assert "127.0.0.1" not in response.json()["detail"]  # the reader is not told where the database is


def test_feedback_on_postgresql_is_read_back_with_the_driver(
    bot: Assistant, postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    for server in serve(bot, tmp_path_factory.mktemp("feedback-pg"), database_url=SecretStr(url)):
        http = client(server)
        answer = ask(http)
        saved = http.post(
            "/api/feedback", json={"answer_id": answer["answer_id"], "rating": "down", "comment": "dated"}
        )
        assert saved.status_code == 201, saved.text
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        row = connection.execute("SELECT rating, comment, question, model, citations FROM feedback").fetchone()
    assert row is not None and row[:4] == ("down", "dated", QUESTION, "extractive")
    assert [(c["article_id"], c["start"], c["end"]) for c in row[4]] == [
        (c["article_id"], c["start"], c["end"]) for c in answer["citations"]
    ]
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", url)  # the operator's CLI reads the same database
    result = CliRunner().invoke(cli, ["feedback", "export", "--json"])
    assert result.exit_code == 0, result.output
    [exported] = json.loads(result.output)
    assert (exported["answer_id"], exported["comment"]) == (answer["answer_id"], "dated")
    plain = CliRunner().invoke(cli, ["feedback", "export"])
    assert "DOWN" in plain.output and "comment: dated" in plain.output and QUESTION in plain.output
