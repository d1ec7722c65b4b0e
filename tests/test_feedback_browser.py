"""Rating and export buttons in a real browser: Playwright on Debian's Chromium, the real app on uvicorn.

A reader clicks thumbs up or down under an answer, adds a comment, and the vote is read back from the
app's SQLite file; the Export buttons download the conversation. The widget (`/widget/`) has the same
buttons; with feedback off the rating buttons are not there at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_sync
import pytest
from playwright.sync_api import expect

from assistant import Assistant
from assistant.feedback import FeedbackStore
from tests.test_abuse import Server, start

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server]
QUESTION = "What does Russia supply to Mongolia?"
STEP_MS = 90_000  # an answer on 2 busy cores


@pytest.fixture
def page(browser: playwright_sync.Browser) -> Iterator[playwright_sync.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(STEP_MS)
    opened.on("dialog", lambda dialog: dialog.dismiss())
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture(scope="module")
def app(bot: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start(bot, rate_limit_per_minute=1000, data_dir=tmp_path_factory.mktemp("feedback-browser"))


def ask(page: playwright_sync.Page, question: str = QUESTION) -> playwright_sync.Locator:
    """Ask in the chat; the finished answer's tools (where the rating buttons go)."""
    tools = page.locator("#chat .answer-tools")
    before = tools.count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(tools).to_have_count(before + 1, timeout=STEP_MS)
    return tools.nth(before)


def answer_id(tools: playwright_sync.Locator) -> str:
    """The answer's id, from its tools' class (`answer-id-<id>`)."""
    classes = (tools.get_attribute("class") or "").split()
    return next(name.removeprefix("answer-id-") for name in classes if name.startswith("answer-id-"))


def stored(server: Server) -> list[dict]:
    store = FeedbackStore.from_settings(server.settings)  # the app's own database file, read afresh
    try:
        return [record.model_dump(mode="json") for record in store.records()]
    finally:
        store.close()


def download(page: playwright_sync.Page, button: str) -> str:
    with page.expect_download() as event:
        page.locator(button).click()
    path = event.value.path()
    assert event.value.suggested_filename.startswith("conversation.")
    return Path(path).read_text(encoding="utf-8")


def test_a_reader_rates_an_answer_comments_and_exports_the_conversation(
    app: Server, page: playwright_sync.Page
) -> None:
    page.goto(app.url + "/")
    tools = ask(page)
    rated = answer_id(tools)
    tools.locator(".feedback-up").click()
    expect(tools.locator(".feedback-status")).to_have_text("Thanks, saved. A comment is welcome too.")
    expect(tools.locator(".feedback-up")).to_have_attribute("aria-pressed", "true")
    tools.locator("textarea").fill("Exactly the passage I needed.")
    tools.locator(".feedback-send").click()
    expect(tools.locator(".feedback-status")).to_have_text("Thanks, your comment was saved.")
    [row] = [r for r in stored(app) if r["answer_id"] == rated]
    assert (row["rating"], row["comment"], row["question"]) == ("up", "Exactly the passage I needed.", QUESTION)
    assert row["citations"] and all(c["end"] > c["start"] for c in row["citations"])

    follow = ask(page, "And what share of Mongolia's exports go to China?")
    markdown = download(page, "#export-md")
    assert "## 1. What does Russia supply to Mongolia?" in markdown and "## 2. And what share" in markdown
    assert "Sources:" in markdown
    exported = json.loads(download(page, "#export-json"))
    assert [t["answer_id"] for t in exported["turns"]] == [rated, answer_id(follow)]
    assert exported["turns"][1]["history"][0] == {"role": "user", "content": QUESTION}


def test_the_widget_has_the_same_buttons(app: Server, page: playwright_sync.Page) -> None:
    page.goto(app.url + "/widget/")
    tools = ask(page)
    tools.locator(".feedback-down").click()
    expect(tools.locator(".feedback-status")).to_have_text("Thanks, saved. A comment is welcome too.")
    [row] = [r for r in stored(app) if r["answer_id"] == answer_id(tools)]
    assert row["rating"] == "down" and row["comment"] is None
    assert QUESTION in download(page, "#export-md")


def test_with_feedback_off_no_rating_buttons_are_shown(
    bot: Assistant, page: playwright_sync.Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("feedback-off-browser")
    for server in start(bot, rate_limit_per_minute=1000, data_dir=folder, feedback=False):
        for path in ("/", "/widget/"):
            page.goto(server.url + path)
            tools = ask(page)
            expect(tools).to_have_class(re.compile(r"\bfeedback-off\b"))
            expect(page.locator("#chat .feedback-up, #chat .feedback-down")).to_have_count(0)
            assert QUESTION in download(page, "#export-md")  # export is not feedback: it stays
