"""The Chroma server stopped while the assistant serves: a clear error naming it, then recovery."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from assistant import Assistant, Settings
from assistant.errors import StoreUnavailableError
from tests.conftest import CORPUS
from testsupport.procs import ChromaServer, app_environment, free_port, run_ingest, serving, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.server]

QUESTION = "What share of Mongolia's exports go to China?"


def test_stopped_chroma_server_gives_a_clear_error_and_the_same_assistant_recovers(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", corpus_dir=CORPUS, chroma_host="127.0.0.1", chroma_port=chroma_server.port
    )
    bot = Assistant(settings)
    before = bot.ask(QUESTION)
    assert before.citations

    chroma_server.stop()
    where = f"127.0.0.1:{chroma_server.port}"
    for call in (
        lambda: bot.ask(QUESTION),
        lambda: bot.ask("What does Russia supply to Mongolia?"),
        bot.articles,
        lambda: bot.article(before.citations[0].article_id),
        lambda: bot.ingest(CORPUS, show_progress=False),
    ):
        with pytest.raises(StoreUnavailableError, match=where):
            call()

    chroma_server.start()
    after = bot.ask(QUESTION)
    assert after.text == before.text and after.citations == before.citations
    assert bot.ingest(CORPUS, show_progress=False).chunks_embedded == 0


def test_web_app_answers_503_naming_the_server_while_it_is_down_and_recovers(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    """A real `assistant serve` process: errors are JSON naming host:port, never a crash or a traceback."""
    env = app_environment(tmp_path / "data", chroma_server.port, ASSISTANT_AUTO_INGEST="false")
    run_ingest(env, str(CORPUS))
    port = free_port()
    where = f"127.0.0.1:{chroma_server.port}"
    with serving(env, port, stderr=subprocess.PIPE) as app:
        wait_for_port(port, timeout=180, process=app)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            before = client.post("/api/ask", json={"question": QUESTION})
            assert before.status_code == 200 and before.json()["citations"], before.text

            chroma_server.stop()
            for response in (
                client.post("/api/ask", json={"question": QUESTION}),
                client.post("/api/ask", json={"question": "What does Russia supply to Mongolia?"}),
                client.get("/api/articles"),
            ):
                assert response.status_code == 503, response.text
                assert where in response.json()["detail"] and "Traceback" not in response.text
            assert app.poll() is None, "the app exited when the Chroma server stopped"

            chroma_server.start()
            after = client.post("/api/ask", json={"question": QUESTION})
            assert after.status_code == 200, after.text
            same = {key: value for key, value in after.json().items() if key != "answer_id"}  # each answer its own id
            assert same == {key: value for key, value in before.json().items() if key != "answer_id"}
    assert app.stderr is not None and b"Traceback" not in app.stderr.read()
