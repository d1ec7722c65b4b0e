"""What the browser tests share: Debian's Chromium driven by Playwright, a page that records what it tried,
static sites on other ports, the real app in a thread, and the steps of asking in the chat.
`tests/conftest.py` makes the `browser` and `watched` fixtures available to every test module."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import playwright.sync_api as playwright_sync
import pytest
import uvicorn

from assistant import Assistant
from testsupport.procs import free_port, wait_for_port

Page = playwright_sync.Page
expect = playwright_sync.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

FINISHED = re.compile(r"answer-(plain|checked|refused|error)\b")
STEP_TIMEOUT_MS = 60_000  # an answer on 2 busy cores; the first one also warms the answerer
# Assertions wait as long as steps do: a source frame opened while other suites load both cores took over
# Playwright's default 5 s once (the accessibility scan). A missing element still fails, only later.
expect.set_options(timeout=STEP_TIMEOUT_MS)


def corpus_copy(tmp_path_factory: pytest.TempPathFactory, name: str, *sources: Path) -> Path:
    """A fresh folder holding the articles of `sources` (folders), for an app of its own to index."""
    corpus = tmp_path_factory.mktemp(name)
    for source in (path for folder in sources for path in folder.iterdir()):
        shutil.copy(source, corpus / source.name)
    return corpus


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_sync.Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)")
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page with everything it tried: requests, dialogs, console errors."""

    page: Page
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def foreign_requests(self, *allowed_origins: str) -> list[str]:
        origins = {urlsplit(origin).netloc for origin in allowed_origins}
        parts = [(url, urlsplit(url)) for url in self.requests]
        return [url for url, part in parts if part.scheme not in {"data", "blob"} and part.netloc not in origins]


@pytest.fixture
def watched(browser: playwright_sync.Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    seen = Watched(page)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))

    def on_dialog(dialog: playwright_sync.Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield seen
    finally:
        context.close()


def ask(scope: Page | playwright_sync.FrameLocator, question: str) -> playwright_sync.Locator:
    """Type a question, press Enter, and return the finished answer (streaming done, sources rendered).
    Its reply (`reply_of`) holds the evidence block before it."""
    answers = scope.locator("#chat .answer")
    before = answers.count()
    box = scope.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    answer = answers.nth(before)
    expect(answer).to_have_class(FINISHED)
    return answer


def reply_of(answer: playwright_sync.Locator) -> playwright_sync.Locator:
    """The whole reply an answer belongs to: the evidence block, then the answer."""
    return answer.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' reply ')][1]")


def open_widget(page: Page, site: str) -> playwright_sync.FrameLocator:
    page.goto(site + "/")
    launcher = page.locator("#news-assistant-launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    return page.frame_locator("#news-assistant-panel iframe")


@contextmanager
def serving(bot: Assistant) -> Iterator[str]:
    """The real app for `bot` (its own settings) on 127.0.0.1 in a thread; yields its address."""
    from ui.server import create_app  # the web stack loads only for the tests that serve it

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(bot), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class View:
    """A reader's screen: its size and its colour scheme."""

    width: int
    height: int
    scheme: Literal["light", "dark"]

    def context(self, browser: playwright_sync.Browser) -> playwright_sync.BrowserContext:
        return browser.new_context(viewport={"width": self.width, "height": self.height}, color_scheme=self.scheme)


VIEWS = {"light": View(1280, 900, "light"), "dark": View(1280, 900, "dark"), "phone": View(390, 844, "light")}


def box(locator: playwright_sync.Locator) -> playwright_sync.FloatRect:
    """Where an element is drawn; it must be drawn."""
    found = locator.bounding_box()
    assert found is not None, locator
    return found
