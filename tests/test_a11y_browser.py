"""Accessibility by measurement: axe-core (the real engine, bundled by axe-playwright-python) finds no serious
or critical violation on any page a reader or an educator meets, in light and dark and at phone width.

Pages: the app with an answer and its source open; the widget's launcher on a course page, its open chat
with an answer, and its source view; the embed page and its preview; the API docs. Each frame is scanned
in its own document (axe is injected into it), so a cross-origin frame is scanned too.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from assistant import Assistant, Settings
from tests.browser_support import VIEWS, Page, ask, corpus_copy, expect, playwright_sync, serve_folder, serving
from tests.conftest import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server]

ANSWERABLE = "What does Russia supply to Mongolia?"
BLOCKING = {"serious", "critical"}
# Frames are scanned one by one: axe would otherwise wait on frames it was never injected into.
OPTIONS = {"resultTypes": ["violations"], "iframes": False}
COURSE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Course page</title></head>
<body><main><h1>Geography 101</h1><p>This week's reading.</p></main>{snippet}</body></html>"""
REPORT = os.environ.get("AXE_REPORT")  # a JSON file to write the counts to, for a person to read
axe = Axe()


@dataclass
class Site:
    app: str
    course: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    corpus = corpus_copy(tmp_path_factory, "a11y-corpus", CORPUS)
    course_dir = tmp_path_factory.mktemp("a11y-course")
    course_server, course = serve_folder(course_dir)
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("a11y-data"),
        corpus_dir=corpus,
        model="extractive",
        rate_limit_per_minute=1000,
        widget_profiles={"geo101": {"origins": [course], "title": "GEO 101 reading assistant"}},
    )
    with serving(Assistant(settings)) as app:
        snippet = f'<script src="{app}/embed.js" data-profile="geo101" defer></script>'
        (course_dir / "index.html").write_text(COURSE_PAGE.format(snippet=snippet), encoding="utf-8")
        yield Site(app=app, course=course)
    course_server.shutdown()


def violations(scope: Page | playwright_sync.Frame, context: Any = None) -> list[dict[str, Any]]:
    result = axe.run(scope, context=context, options=OPTIONS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "where": v["nodes"][0]["target"]}
        for v in result.response["violations"]
    ]


def frame_of(page: Page, selector: str) -> playwright_sync.Frame:
    frame = page.locator(selector).element_handle().content_frame()
    assert frame is not None, selector
    return frame


def open_source(
    chat: Page | playwright_sync.FrameLocator, answer: playwright_sync.Locator, frame: playwright_sync.Locator
) -> None:
    """Open the answer's first citation in the source panel. The scan needs the panel open; the click path is
    asserted by tests/test_ui_browser.py and test_widget_browser.py. Once in a CI run (2026-12-03) the panel
    never loaded after the click, most likely a click that landed while the chat re-rendered the finished
    answer, so the click waits for the answer's rating buttons and is made again (twice at most) when the
    panel did not start loading the source."""
    expect(chat.locator("#chat .feedback").last).to_be_visible()  # the last thing added to a finished answer
    for attempt in range(3):
        answer.locator(".answer-text a.cite").first.click()
        try:
            expect(frame).to_have_attribute("src", re.compile(r"/source/"), timeout=10_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def scan_app(page: Page, site: Site) -> dict[str, list[dict[str, Any]]]:
    page.goto(site.app + "/")
    answer = ask(page, ANSWERABLE)
    open_source(page, answer, page.locator("#source-frame"))
    expect(page.frame_locator("#source-frame").locator("mark#passage")).to_be_visible()
    return {"app": violations(page), "app source": violations(frame_of(page, "#source-frame"))}


def scan_widget(page: Page, site: Site) -> dict[str, list[dict[str, Any]]]:
    page.goto(site.course + "/")
    launcher = page.locator("#news-assistant-launcher")
    expect(launcher).to_be_visible()
    found = {"widget launcher": violations(page, {"include": [["news-assistant-widget"]]})}
    launcher.click()
    widget = page.frame_locator("#news-assistant-panel iframe")
    answer = ask(widget, ANSWERABLE)
    found["widget panel"] = violations(page, {"include": [["news-assistant-widget"]]})
    chat = frame_of(page, "#news-assistant-panel iframe")
    found["widget chat"] = violations(chat)
    open_source(widget, answer, widget.locator("#source-frame"))
    expect(widget.frame_locator("#source-frame").locator("mark#passage")).to_be_visible()
    found["widget source view"] = violations(chat)
    source = chat.locator("#source-frame").element_handle().content_frame()
    assert source is not None
    found["widget source"] = violations(source)
    return found


def scan_pages(page: Page, site: Site) -> dict[str, list[dict[str, Any]]]:
    page.goto(site.app + "/embed")
    preview = page.frame_locator("#preview")
    expect(preview.locator("#news-assistant-launcher")).to_be_visible()
    found = {"embed": violations(page), "embed preview": violations(frame_of(page, "#preview"))}
    page.goto(site.app + "/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    found["docs"] = violations(page)
    return found


@pytest.mark.parametrize("view", list(VIEWS))
def test_no_serious_or_critical_violation_anywhere(
    site: Site, browser: playwright_sync.Browser, view: str, tmp_path: Path
) -> None:
    context = VIEWS[view].context(browser)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        found = {**scan_app(page, site), **scan_widget(page, site), **scan_pages(page, site)}
    finally:
        context.close()
    if REPORT:
        report = Path(REPORT)
        previous = json.loads(report.read_text()) if report.exists() else {}
        report.write_text(json.dumps({**previous, view: found}, indent=1))
    blocking = {name: [v for v in found_here if v["impact"] in BLOCKING] for name, found_here in found.items()}
    assert {name: v for name, v in blocking.items() if v} == {}
