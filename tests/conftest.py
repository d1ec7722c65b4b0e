"""Shared fixtures: every test's on-disk state lives in a temp dir; the parts are the real ones."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from tests.browser_support import browser, watched  # noqa: F401  (the browser tests' fixtures)
from testsupport.procs import REPO, ChromaServer

CORPUS = REPO / "corpus"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's settings, data dir or Chroma server."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "no-such-config.toml"))
    for name in list(os.environ):
        if name.startswith("ASSISTANT_") and name not in {"ASSISTANT_DATA_DIR", "ASSISTANT_CONFIG"}:
            monkeypatch.delenv(name)
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("CHROMA_PORT", raising=False)
    # The default model is `auto` (the local LLM when installed): tests that want a model pin it.
    monkeypatch.setenv("ASSISTANT_MODEL", "extractive")


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on a private data dir that holds the bundled corpus, indexed once per session."""
    data_dir = tmp_path_factory.mktemp("bundled-data")
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, model="extractive")


@pytest.fixture(scope="session")
def bot(bundled_settings: Settings) -> Assistant:
    """The default assistant on the bundled articles (read-only: tests must not ingest into it)."""
    return Assistant(bundled_settings)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server")
    server.start()
    try:
        yield server
    finally:
        server.stop()
