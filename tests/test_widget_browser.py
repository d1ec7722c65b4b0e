"""The widget as educators and their readers meet it, in a real Chromium against the real app: per-site
profiles and their refusals, the conversation kept across reloads, the message limits, the keyboard path,
and a learning platform's hostile CSS. One app server (uvicorn in a thread) with four profiles, and one
"course site" on another port that three of them list.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
import pytest

from assistant import Assistant, Settings
from tests.browser_support import (
    VIEWS,
    Page,
    Watched,
    ask,
    box,
    corpus_copy,
    expect,
    playwright_sync,
    reply_of,
    serve_folder,
    serving,
)
from tests.conftest import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server]

ANSWERABLE = "What does Russia supply to Mongolia?"
OFF_TOPIC = "What is the capital of France?"  # refused: quick, and still a message that counts
HOSTILE_PAGE = (Path(__file__).parent / "data" / "course" / "hostile.html").read_text(encoding="utf-8")
PLAIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Course page</title></head>
<body><main><h1>Geography 101</h1><p>This week's reading. <a href="#syllabus">Syllabus</a></p></main>
{snippet}</body></html>"""
ACCENT = "#0f766e"
GEO101 = {
    "title": "GEO 101 reading assistant",
    "greeting": "Ask about this week's two articles on Mongolia.",
    "starters": [ANSWERABLE, "What share of Mongolia's exports go to China?"],
    "accent": ACCENT,
    "position": "left",
    "label": "Ask GEO 101",
}
SHOTS = Path(os.environ.get("WIDGET_SHOTS", "")) if os.environ.get("WIDGET_SHOTS") else None


@dataclass
class Course:
    bot: Assistant
    app: str
    site: str


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    corpus = corpus_copy(tmp_path_factory, "widget-corpus", CORPUS)
    site_dir = tmp_path_factory.mktemp("course-site")
    site_server, site = serve_folder(site_dir)
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("widget-data"),
        corpus_dir=corpus,
        model="extractive",
        rate_limit_per_minute=1000,
        widget_profiles={
            "geo101": {**GEO101, "origins": [site]},
            "geo101-dark": {**GEO101, "theme": "dark", "position": "right", "origins": [site]},
            "tiny": {"origins": [site], "messages_per_session": 2},
            "greeter": {"origins": [site], "open_on_load": True},
            "elsewhere": {"origins": ["https://school.example"]},
        },
    )  # no embed_origins: the widget without a profile may be shown by this server's pages only
    bot = Assistant(settings)
    with serving(bot) as app:
        pages = {"geo101": "geo101", "dark": "geo101-dark", "tiny": "tiny", "nope": "nope", "elsewhere": "elsewhere"}
        pages["greeter"] = "greeter"
        for name, profile in pages.items():
            snippet = f'<script src="{app}/embed.js" data-profile="{profile}" defer></script>'
            (site_dir / f"{name}.html").write_text(HOSTILE_PAGE.replace("{snippet}", snippet), encoding="utf-8")
            (site_dir / f"plain-{name}.html").write_text(PLAIN_PAGE.format(snippet=snippet), encoding="utf-8")
        no_profile = f'<script src="{app}/embed.js" defer></script>'
        (site_dir / "none.html").write_text(PLAIN_PAGE.format(snippet=no_profile), encoding="utf-8")
        frame = f'<iframe id="plain" src="{app}/widget/?profile=nope" title="News assistant"></iframe>'
        (site_dir / "frame-nope.html").write_text(PLAIN_PAGE.format(snippet=frame), encoding="utf-8")
        yield Course(bot=bot, app=app, site=site)
    site_server.shutdown()


def launch(page: Page, url: str) -> playwright_sync.FrameLocator:
    """Open a course page and its widget with the mouse; the chat's frame."""
    page.goto(url)
    launcher = page.locator("#news-assistant-launcher")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    return page.frame_locator("#news-assistant-panel iframe")


def deep_focus(page: Page) -> str:
    """Where focus is, through the widget's shadow root: the id or class of the focused element there,
    "frame" for the chat's frame, else the tag name of whatever on the course page has it."""
    return str(
        page.evaluate(
            """() => {
        const host = document.querySelector('news-assistant-widget');
        if (document.activeElement !== host) return 'page:' + document.activeElement.tagName;
        const inner = host.shadowRoot.activeElement;
        if (!inner) return 'page:host';
        return inner.tagName === 'IFRAME' ? 'frame' : (inner.id || inner.className);
      }"""
        )
    )


def style_of(locator: playwright_sync.Locator, *names: str) -> dict[str, str]:
    return dict(
        locator.evaluate("(el, names) => names.map(n => [n, getComputedStyle(el).getPropertyValue(n)])", list(names))
    )


def test_a_profile_shapes_the_launcher_and_the_chat(course: Course, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{course.site}/plain-geo101.html")
    launcher = page.locator("#news-assistant-launcher")
    expect(launcher).to_have_text(GEO101["label"])
    assert box(launcher)["x"] < 100  # position = "left"
    assert style_of(launcher, "background-color")["background-color"] == "rgb(15, 118, 110)"  # the accent
    widget = launch(page, f"{course.site}/plain-geo101.html")
    expect(widget.locator(".widget-header h1")).to_have_text(GEO101["title"])
    expect(widget.locator(".widget-header .greeting")).to_have_text(GEO101["greeting"])
    expect(widget.locator("#starters button")).to_have_text(GEO101["starters"])
    expect(widget.locator("#ask")).to_have_css("background-color", "rgb(15, 118, 110)")
    widget.locator("#starters button").first.click()  # a starter is asked as if typed
    expect(widget.locator("#chat .answer-plain a.cite").first).to_be_visible()
    expect(widget.locator("#chat .question").first).to_have_text(ANSWERABLE)

    policies = {
        query: httpx.get(f"{course.app}/widget/{query}").headers["content-security-policy"]
        for query in ("?profile=geo101", "?profile=elsewhere", "")
    }
    assert policies == {
        "?profile=geo101": f"frame-ancestors 'self' {course.site}",
        "?profile=elsewhere": "frame-ancestors 'self' https://school.example",
        "": "frame-ancestors 'self'",  # no profile, no embed_origins: deny by default
    }


@pytest.mark.parametrize(
    ("page_name", "says"),
    [
        ("nope.html", "This server has no widget profile named “nope”"),
        ("elsewhere.html", "{site} may not show the assistant of profile “elsewhere”"),
        ("none.html", "{site} may not show the assistant of this server"),
    ],
)
def test_an_unknown_profile_or_site_is_refused_with_a_message(
    course: Course, watched: Watched, page_name: str, says: str
) -> None:
    page = watched.page
    page.goto(f"{course.site}/{page_name}")
    page.locator("#news-assistant-launcher").click()
    panel = page.locator("#news-assistant-panel")
    expect(panel.get_by_role("alert")).to_contain_text(says.format(site=course.site))
    expect(panel.locator("iframe")).to_have_count(0)  # no frame to be left blank


def test_a_plain_frame_naming_an_unknown_profile_shows_why(course: Course, watched: Watched) -> None:
    watched.page.goto(f"{course.site}/frame-nope.html")
    refused = watched.page.frame_locator("#plain")
    expect(refused.get_by_role("alert")).to_contain_text("no widget profile named “nope”")
    expect(refused.locator("#question")).to_have_count(0)


def test_a_profile_may_open_the_chat_on_load_without_taking_focus(course: Course, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{course.site}/plain-greeter.html")
    expect(page.frame_locator("#news-assistant-panel iframe").locator("#question textarea")).to_be_visible()
    expect(page.locator("#news-assistant-launcher")).to_have_attribute("aria-expanded", "true")
    assert deep_focus(page) == "page:BODY"  # the reader was not moved


def test_the_embed_page_builds_the_snippet_and_previews_it(course: Course, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{course.app}/embed")
    snippet = page.locator("#script-snippet")
    expect(snippet).to_have_text(f'<script src="{course.app}/embed.js" data-label="Ask the articles" defer></script>')
    expect(page.locator("#origins")).to_contain_text("Only this server's own pages")
    expect(page.locator("#iframe-snippet")).to_contain_text(f'<iframe src="{course.app}/widget/"')  # as text
    expect(page.locator("#iframe-snippet iframe")).to_have_count(0)
    page.select_option("#profile", "geo101")
    page.select_option("#theme", "dark")
    page.select_option("#position", "right")  # over the profile's "left"
    expect(snippet).to_have_text(
        f'<script src="{course.app}/embed.js" data-profile="geo101" data-theme="dark" data-position="right" '
        "defer></script>"
    )
    expect(page.locator("#origins li")).to_have_text([course.site])
    preview = page.frame_locator("#preview")
    launcher = preview.locator("#news-assistant-launcher")
    expect(launcher).to_have_text(GEO101["label"])
    page.locator("#preview").scroll_into_view_if_needed()  # the launcher is fixed at the preview's bottom
    assert box(launcher)["x"] > 300  # the snippet's position wins over the profile's "left"
    launcher.click()
    chat = preview.frame_locator("#news-assistant-panel iframe")
    expect(chat.locator(".widget-header h1")).to_have_text(GEO101["title"])
    expect(chat.locator("body")).to_have_class(re.compile(r"\bdark\b"))  # data-theme="dark"


def test_the_conversation_survives_a_reload_until_a_new_chat(course: Course, watched: Watched) -> None:
    page = watched.page
    widget = launch(page, f"{course.site}/geo101.html")
    answer = ask(widget, ANSWERABLE)
    text = answer.locator(".answer-text").inner_text()
    quotes = reply_of(answer).locator(".evidence blockquote").all_inner_texts()

    page.reload()
    widget = launch(page, f"{course.site}/geo101.html")
    kept = widget.locator("#chat .answer")
    expect(kept).to_have_count(1)
    expect(kept.locator(".answer-text")).to_have_text(text)
    expect(reply_of(kept).locator(".evidence blockquote")).to_have_text(quotes)
    expect(widget.locator("#chat .question")).to_have_text([ANSWERABLE])
    followed = ask(widget, "And what does China buy from it?")  # the kept turns are the follow-up's history
    expect(followed).to_have_class(re.compile("answer-"))

    widget.locator("#clear").click()  # "New chat"
    expect(widget.locator("#chat .answer")).to_have_count(0)
    page.reload()
    widget = launch(page, f"{course.site}/geo101.html")
    expect(widget.locator("#question textarea")).to_be_visible()
    page.wait_for_timeout(1500)  # the kept conversation, if any, comes back with the page's first event
    expect(widget.locator("#chat .answer")).to_have_count(0)


def test_the_session_limit_holds_across_reloads(course: Course, watched: Watched) -> None:
    page = watched.page
    widget = launch(page, f"{course.site}/plain-tiny.html")
    for _ in range(2):
        expect(ask(widget, OFF_TOPIC)).to_have_class(re.compile("answer-refused"))
    over = ask(widget, OFF_TOPIC)
    expect(over).to_have_class(re.compile("answer-error"))
    expect(over).to_contain_text("at most 2 questions in one session")
    page.reload()
    widget = launch(page, f"{course.site}/plain-tiny.html")
    expect(widget.locator("#chat .answer-refused")).to_have_count(2)  # the kept conversation
    expect(ask(widget, ANSWERABLE)).to_contain_text("at most 2 questions in one session")


def test_keyboard_only_open_ask_cite_return_close(course: Course, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{course.site}/geo101.html")
    page.locator("body").focus()
    page.keyboard.press("Shift+Tab")  # backwards from the top: the launcher is the page's last stop
    assert deep_focus(page) == "news-assistant-launcher"
    page.keyboard.press("Enter")
    widget = page.frame_locator("#news-assistant-panel iframe")
    box = widget.locator("#question textarea")
    expect(box).to_be_focused()
    page.keyboard.type(ANSWERABLE)
    page.keyboard.press("Enter")
    answer = widget.locator("#chat .answer-plain")
    expect(answer.locator("a.cite").first).to_be_visible()
    expect(widget.locator("#announcer")).to_contain_text(answer.locator(".answer-text").inner_text())

    cite = answer.locator(".answer-text a.cite").last
    for _ in range(40):  # back from the box through the buttons to the answer's last citation
        if cite.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(cite).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.locator(".source-close")).to_be_focused()
    expect(widget.frame_locator("#source-frame").locator("mark#passage")).to_be_visible()
    page.keyboard.press("Escape")  # back to the chat, at the citation
    expect(cite).to_be_focused()

    page.keyboard.press("Tab")
    for _ in range(30):  # focus cannot leave the open panel for the course page
        page.keyboard.press("Tab")
        assert not deep_focus(page).startswith("page:"), deep_focus(page)
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        assert not deep_focus(page).startswith("page:"), deep_focus(page)

    box.focus()
    page.keyboard.press("Escape")  # closes the panel from inside the chat
    expect(page.locator("#news-assistant-panel")).to_be_hidden()
    assert deep_focus(page) == "news-assistant-launcher"
    page.keyboard.press("Enter")  # and again, closed from the panel's own button
    expect(box).to_be_focused()
    page.keyboard.press("Shift+Tab")
    for _ in range(40):
        if deep_focus(page) == "close":
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#news-assistant-panel")).to_be_hidden()
    assert deep_focus(page) == "news-assistant-launcher"


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_panel_moves_only_for_readers_who_accept_motion(
    course: Course, browser: playwright_sync.Browser, motion: Literal["reduce", "no-preference"]
) -> None:
    context = browser.new_context(reduced_motion=motion)
    try:
        page = context.new_page()
        widget = launch(page, f"{course.site}/plain-geo101.html")
        expect(widget.locator("#question textarea")).to_be_visible()
        panel = page.locator("#news-assistant-panel")
        duration = style_of(panel, "transition-duration")["transition-duration"]
        inside = widget.locator("#ask").evaluate("el => getComputedStyle(el).transitionDuration")
        if motion == "reduce":
            assert duration == "0s", duration
            assert all(float(d.rstrip("s")) <= 0.0001 for d in inside.split(",")), inside  # app.css inside the frame
        else:
            assert duration != "0s"
    finally:
        context.close()


PAGES = {"light": "geo101", "dark": "dark", "phone": "geo101"}  # "dark": the profile with theme = "dark"
MEASURED = ["font-size", "font-family", "line-height", "padding-top", "border-top-width", "background-color", "display"]


def measure(page: Page) -> dict[str, object]:
    launcher, panel = page.locator("#news-assistant-launcher"), page.locator("#news-assistant-panel")
    frame = panel.locator("iframe")
    # The panel slides in over 0.2 s; a box read mid-slide is off by a fraction of a pixel (a CI failure).
    panel.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
    return {
        "launcher": launcher.bounding_box(),
        "launcher style": style_of(launcher, *MEASURED),
        "panel": panel.bounding_box(),
        "panel style": style_of(panel, *MEASURED),
        "frame": frame.bounding_box(),
        "frame style": style_of(frame, "border-top-width", "width", "height"),
    }


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_hostile_course_page_leaves_the_launcher_and_panel_as_they_are(
    course: Course, browser: playwright_sync.Browser, tmp_path: Path, view: str
) -> None:
    """The same widget on a plain page and on a learning platform's page whose CSS restyles every element
    (`* { font-size: 20px !important }`, `button { display: block }`, `iframe { border: 12px solid red }`)."""
    context = VIEWS[view].context(browser)
    try:
        page = context.new_page()
        sizes = {}
        for kind in ("plain-", ""):
            widget = launch(page, f"{course.site}/{kind}{PAGES[view]}.html")
            expect(widget.locator("#question textarea")).to_be_visible()
            sizes[kind or "hostile"] = measure(page)
        assert sizes["hostile"] == sizes["plain-"]
        fits = "el => el.scrollHeight <= el.clientHeight + 1"
        assert widget.locator("html").evaluate(fits)  # greeting, starters, box and buttons all in the panel
        ask(widget, ANSWERABLE)
        assert widget.locator("html").evaluate(fits)
        shots = SHOTS or tmp_path
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"widget-{view}.png"))
    finally:
        context.close()
