"""The same code path against a real `chroma run` server, chosen through CHROMA_HOST/CHROMA_PORT."""

from __future__ import annotations

from pathlib import Path

import chromadb
import pytest

from assistant import Assistant
from tests.conftest import CORPUS
from testsupport.procs import ChromaServer

pytestmark = pytest.mark.server


def test_ingest_and_ask_through_a_chroma_server(
    tmp_path: Path, chroma_server: ChromaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server.port))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    bot = Assistant()
    assert bot.settings.chroma_host == "127.0.0.1"
    assert not (tmp_path / "data" / "chroma").exists(), "the embedded store must not be used"

    answer = bot.ask("What share of Mongolia's exports go to China?")
    assert "90 %" in answer.text and answer.citations

    server = chromadb.HttpClient(host="127.0.0.1", port=chroma_server.port)
    assert server.get_collection("news").count() > 0
    assert bot.ingest(show_progress=False).chunks_embedded == 0
