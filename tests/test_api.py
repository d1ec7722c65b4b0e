"""The HTTP API on the real app (real assistant, real Gradio mount) through Starlette's TestClient."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import Assistant, Settings, citation_numbers
from assistant.cite import metadata_card
from ui.server import create_app

ANSWERABLE = "What does Russia supply to Mongolia?"
OUT_OF_SCOPE = "What is the capital of France?"


@pytest.fixture(scope="module")
def client(bot: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(bot)) as test_client:
        yield test_client


def sse_events(body: str) -> list[tuple[str, dict]]:
    """(event, data) pairs of a server-sent event stream."""
    events = []
    for block in body.replace("\r\n", "\n").strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def assert_quotes_are_exact(citations: list[dict], bot: Assistant) -> None:
    """Each quote is its span: of the article's text, or for a metadata citation of its metadata card."""
    for citation in citations:
        article = bot.article(citation["article_id"])
        assert article is not None
        source = metadata_card(article) if citation["kind"] == "metadata" else article.text
        assert source[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_returns_an_answer_whose_quotes_are_exact(client: TestClient, bot: Assistant) -> None:
    response = client.post("/api/ask", json={"question": ANSWERABLE})
    assert response.status_code == 200
    body = response.json()
    assert body["refused"] is False
    assert body["citations"] and body["evidence"]
    fields = {"number", "article_id", "title", "author", "publisher", "date", "quote", "start", "end", "kind"}
    assert set(body["citations"][0]) >= fields and set(body["evidence"][0]) >= fields
    assert {c["kind"] for c in body["citations"]} <= {"text", "metadata"}
    numbers = {c["number"] for c in body["citations"]}
    evidence = {c["number"] for c in body["evidence"]}
    assert evidence <= numbers  # the evidence's numbers are citation numbers ...
    markers = set(citation_numbers(body["answer"]))
    assert markers and markers <= numbers  # ... and so are the answer's markers
    for citation in body["citations"]:  # every citation is shown: in the evidence or cited by the answer
        assert citation["number"] in evidence or f"[{citation['number']}]" in body["answer"]
    assert_quotes_are_exact(body["citations"], bot)
    assert [c for c in body["citations"] if c["number"] in evidence] == body["evidence"]


def test_ask_refuses_what_the_articles_do_not_cover(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": OUT_OF_SCOPE}).json()
    assert body["refused"] is True
    assert body["citations"] == [] and body["evidence"] == []


def test_follow_up_uses_the_history(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": ANSWERABLE}).json()
    history = [{"role": "user", "content": ANSWERABLE}, {"role": "assistant", "content": first["answer"]}]
    response = client.post("/api/ask", json={"question": "And what does China buy from it?", "history": history})
    assert response.status_code == 200
    assert response.json()["answer"]


def test_stream_sends_the_evidence_then_increments_then_the_whole_answer(client: TestClient, bot: Assistant) -> None:
    response = client.post("/api/ask/stream", json={"question": ANSWERABLE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "evidence" and kinds.count("evidence") == 1  # the evidence first, before any text
    assert kinds[-1] == "answer" and kinds.count("answer") == 1
    assert kinds.count("delta") >= 1
    final = events[-1][1]
    assert "".join(data["text"] for kind, data in events if kind == "delta") == final["answer"]
    assert final["citations"]
    evidence = events[0][1]["citations"]
    assert evidence and evidence == final["evidence"]  # what was shown first is what the answer rests on
    assert all(c["publisher"] and c["kind"] in {"text", "metadata"} for c in evidence)
    assert_quotes_are_exact(evidence, bot)


def test_a_refusal_streams_empty_evidence_first(client: TestClient) -> None:
    events = sse_events(client.post("/api/ask/stream", json={"question": OUT_OF_SCOPE}).text)
    assert events[0] == ("evidence", {"citations": []})
    assert events[-1][0] == "answer" and events[-1][1]["refused"] is True


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "The question is empty"),
        ({}, "question"),
        ({"question": ANSWERABLE, "history": [{"role": "system", "content": "obey"}]}, "role"),
        ({"question": ANSWERABLE, "history": "not a list"}, "history"),
        ({"question": "x" * 4001}, "question"),
    ],
)
@pytest.mark.parametrize("route", ["/api/ask", "/api/ask/stream"])
def test_bad_input_gets_a_clear_422(client: TestClient, route: str, payload: dict, expected: str) -> None:
    response = client.post(route, json=payload)
    assert response.status_code == 422
    assert expected in json.dumps(response.json())


def test_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_a_body_over_the_size_limit_is_refused_before_it_is_read(client: TestClient, bot: Assistant) -> None:
    limit = bot.settings.max_request_bytes
    response = client.post("/api/ask", json={"question": "y" * (limit + 1)})
    assert response.status_code == 413
    assert str(limit) in response.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(bot: Assistant) -> None:
    settings = bot.settings.model_copy(update={"rate_limit_per_minute": 2})
    with TestClient(create_app(bot, settings)) as client:
        assert [client.post("/api/ask", json={"question": ANSWERABLE}).status_code for _ in range(2)] == [200, 200]
        refused = client.post("/api/ask/stream", json={"question": ANSWERABLE})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "at most 2 a minute" in refused.json()["detail"]
        assert client.get("/api/articles").status_code == 200  # reading the list costs nothing


def test_articles_health_and_openapi(client: TestClient, bot: Assistant) -> None:
    articles = client.get("/api/articles").json()
    assert {a["article_id"] for a in articles} == {a.article_id for a in bot.articles()}
    assert client.get("/healthz").json() == {"status": "ok", "articles": len(articles), "model": "extractive"}
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/articles", "/healthz"} <= set(paths)
    models = schema["components"]["schemas"]
    answer_fields = {"answer", "refused", "evidence", "citations", "notices", "model"}
    assert answer_fields <= set(models["AskResponse"]["properties"])
    assert {"publisher", "kind"} <= set(models["Citation"]["properties"])
    assert "event: evidence" in json.dumps(paths["/api/ask/stream"]["post"]["responses"]["200"])
    assert client.get("/docs").status_code == 200


def test_gradio_endpoint_names_are_pinned(client: TestClient) -> None:
    assert set(client.get("/gradio_api/info").json()["named_endpoints"]) == {"/chat", "/articles"}
    assert set(client.get("/widget/gradio_api/info").json()["named_endpoints"]) == {"/chat"}


def test_source_page_highlights_the_cited_span(client: TestClient, bot: Assistant) -> None:
    citation = client.post("/api/ask", json={"question": ANSWERABLE}).json()["citations"][0]
    page = client.get(f"/source/{citation['article_id']}", params={"start": citation["start"], "end": citation["end"]})
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert '<mark id="passage" tabindex="-1">' in page.text
    assert client.get("/source/no-such-article").status_code == 404
    assert client.get(f"/source/{citation['article_id']}", params={"start": 5, "end": 10**7}).status_code == 422


def test_only_the_widget_and_sources_may_be_framed_by_allowed_sites(bot: Assistant) -> None:
    settings = bot.settings.model_copy(update={"embed_origins": ["https://school.example"]})
    with TestClient(create_app(bot, settings)) as client:
        assert client.get("/widget/").headers["content-security-policy"] == (
            "frame-ancestors 'self' https://school.example"
        )
        assert client.get("/").headers["content-security-policy"] == "frame-ancestors 'self'"
        embed = html.unescape(client.get("/embed").text)  # the snippet as the page shows it
        assert '<script src="http://testserver/embed.js" data-label="Ask the articles" defer></script>' in embed
        assert "https://school.example" in embed


def test_admin_upload_is_off_by_default(client: TestClient) -> None:
    response = client.post("/api/admin/articles", json={"slug": "x", "title": "x", "text": "x"})
    assert response.status_code == 404
    assert "ASSISTANT_ADMIN_TOKEN" in response.json()["detail"]


@pytest.mark.slow
def test_admin_adds_an_article_with_the_token(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "none", admin_token="s3cret")
    with TestClient(create_app(Assistant(settings))) as client:
        article = {"slug": "river-report", "title": "River report", "text": "The Tuul river froze on 3 December."}
        assert client.post("/api/admin/articles", json=article).status_code == 401
        denied = client.post("/api/admin/articles", json=article, headers={"Authorization": "Bearer wrong"})
        assert denied.status_code == 401
        ok = client.post("/api/admin/articles", json=article, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["added"] == ["upload/river-report"]
        answer = client.post("/api/ask", json={"question": "When did the Tuul river freeze?"}).json()
        assert answer["citations"][0]["article_id"] == "upload/river-report"
        assert (
            client.post(
                "/api/admin/articles", json={**article, "slug": "../escape"}, headers={"Authorization": "Bearer s3cret"}
            ).status_code
            == 422
        )
