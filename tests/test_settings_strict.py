"""Strict settings: a name that is no setting, or a value out of range, is an error naming the field, from
assistant.toml, a keyword or an override; a turn is one message everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from assistant import Assistant, Message, Settings
from assistant_cli import app

HISTORY = [
    Message(role="user", content="What does Russia supply to Mongolia?"),
    Message(role="assistant", content="Fuel and electricity [1]."),
]
FOLLOW_UP = "And what does China buy from it?"


def test_a_typo_in_assistant_toml_is_an_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "assistant.toml"
    config.write_text("retrival_k = 3\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    with pytest.raises(ValidationError, match="retrival_k"):
        Settings()


def test_the_command_line_names_the_typo_without_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "assistant.toml"
    config.write_text("retrival_k = 3\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 1
    assert "retrival_k" in result.output and "Traceback" not in result.output


def test_a_typo_in_a_keyword_is_an_error_naming_it() -> None:
    with pytest.raises(ValidationError, match="retrival_k"):
        Assistant(retrival_k=3)


@pytest.mark.parametrize(("name", "value"), [("retrieval_k", 0), ("evidence_sentences", 99), ("retrival_k", 3)])
def test_overrides_are_validated(bundled_settings: Settings, name: str, value: int) -> None:
    with pytest.raises(ValidationError, match=name):
        Assistant(bundled_settings, **{name: value})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=name):
        bundled_settings.with_overrides(**{name: value})


def test_overrides_keep_the_other_settings(bundled_settings: Settings) -> None:
    changed = bundled_settings.with_overrides(retrieval_k=3)
    assert changed.retrieval_k == 3
    assert changed.model_dump(exclude={"retrieval_k"}) == bundled_settings.model_dump(exclude={"retrieval_k"})


def test_limits_are_settings() -> None:
    for limit in ("history_turns", "rewrite_history_turns", "max_history_turn_tokens", "max_history_tokens"):
        assert limit in Settings.model_fields


@pytest.mark.parametrize(("turns", "reads_the_earlier_question"), [(1, False), (2, True)])
def test_a_turn_is_one_message(bot: Assistant, turns: int, reads_the_earlier_question: bool) -> None:
    """Reading the last turn only sees the assistant's reply; the last two turns include the user's question."""
    limited = Assistant(bot.settings, history_turns=turns)
    standalone = limited.ask(FOLLOW_UP, HISTORY).thoughts.standalone_question
    assert ("Russia" in standalone) is reads_the_earlier_question, standalone
