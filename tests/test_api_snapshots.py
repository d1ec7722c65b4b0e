"""Whole responses of the API's main routes, compared with saved snapshots (tests/snapshots/*.json).

A change to any field, its name, its value or its place, fails here, so a change to what clients receive
is a deliberate one: rerun with UPDATE_SNAPSHOTS=1 to rewrite the files, then review their diff.
Volatile fields (random ids, clock times) are replaced by "<volatile>" before comparing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant import Assistant
from ui.server import create_app

SNAPSHOTS = Path(__file__).with_name("snapshots")
VOLATILE_KEYS = {"answer_id", "created", "id"}
ANSWERABLE = "What does Russia supply to Mongolia?"
REFUSED = "Who won the 2022 World Cup?"


@pytest.fixture(scope="module")
def client(bot: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(bot)) as test_client:
        yield test_client


def normalised(value: Any) -> Any:
    """The response with its volatile fields replaced; stable ids (a model's, an article's) are kept."""
    if isinstance(value, dict):
        return {
            key: "<volatile>" if key in VOLATILE_KEYS and _volatile(key, item) else normalised(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return value


def _volatile(key: str, value: Any) -> bool:
    if key == "id":  # a completion's "chatcmpl-..." is random; a model's id ("extractive") is not
        return isinstance(value, str) and value.startswith("chatcmpl-")
    if key == "created":
        return value != 0
    return True


def sse_events(body: str) -> list[list[Any]]:
    events = []
    for block in body.replace("\r\n", "\n").strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if "event" in fields:
            events.append([fields["event"], json.loads(fields["data"])])
    return events


def matches_snapshot(name: str, status: int, body: Any) -> None:
    path = SNAPSHOTS / f"{name}.json"
    got = {"status": status, "body": normalised(body)}
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8")), f"{name}: the response differs from {path}"


@pytest.mark.parametrize(
    ("name", "method", "path", "payload"),
    [
        ("healthz", "GET", "/healthz", None),
        ("articles", "GET", "/api/articles", None),
        ("ask-answered", "POST", "/api/ask", {"question": ANSWERABLE}),
        ("ask-refused", "POST", "/api/ask", {"question": REFUSED}),
        ("ask-follow-up", "POST", "/api/ask", {
            "question": "And what does China buy from it?",
            "history": [{"role": "user", "content": ANSWERABLE}, {"role": "assistant", "content": "Fuel [1]."}],
        }),
        ("ask-invalid", "POST", "/api/ask", {"question": ""}),
        ("v1-models", "GET", "/v1/models", None),
        ("v1-chat-completion", "POST", "/v1/chat/completions", {
            "model": "extractive", "messages": [{"role": "user", "content": ANSWERABLE}],
        }),
    ],
)  # fmt: skip
def test_route_matches_its_snapshot(
    client: TestClient, name: str, method: str, path: str, payload: dict[str, Any] | None
) -> None:
    response = client.request(method, path, json=payload)
    matches_snapshot(name, response.status_code, response.json())


def test_stream_matches_its_snapshot(client: TestClient) -> None:
    response = client.post("/api/ask/stream", json={"question": ANSWERABLE})
    matches_snapshot("ask-stream", response.status_code, sse_events(response.text))


def test_volatile_fields_are_normalised_and_nothing_else() -> None:
    body = {"id": "chatcmpl-1a", "created": 1796148016, "answer_id": "x", "data": [{"id": "extractive", "created": 0}]}
    assert normalised(body) == {
        "id": "<volatile>",
        "created": "<volatile>",
        "answer_id": "<volatile>",
        "data": [{"id": "extractive", "created": 0}],
    }
