"""The Chroma server stopped while the assistant serves: a clear error naming it, then recovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.errors import StoreUnavailableError
from tests.conftest import CORPUS, ChromaServer

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
