"""The web app: FastAPI routes (API, source pages, widget files) with the Gradio chat mounted at `/`."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from assistant import Assistant, Settings
from assistant.feedback import FeedbackStore, RecentAnswers
from ui.api import add_error_handlers, api_router
from ui.chat import build_chat
from ui.feedback_api import feedback_router
from ui.guards import Guards
from ui.openai_api import openai_router
from ui.pages import pages_router

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
# No system font is fetched from a CDN: Gradio's default theme would ask Google Fonts for its typefaces.
# Buttons one shade darker and links lighter in dark mode than Soft's own: white on indigo-500 is 4.46:1 and
# indigo-500 links on the dark background 4.28:1, under WCAG AA's 4.5:1 (axe's color-contrast rule).
THEME = gr.themes.Soft(
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
).set(
    button_primary_background_fill="*primary_600",
    button_primary_background_fill_hover="*primary_700",
    button_primary_background_fill_dark="*primary_600",
    button_primary_background_fill_hover_dark="*primary_700",
    link_text_color_dark="*primary_300",
    link_text_color_hover_dark="*primary_200",
)
HEAD = '<script src="/app-static/app.js" defer></script>'
# Rating and export buttons under each answer (ui/static/feedback.js); their own file, so the page's script stays small.
HEAD += '<script src="/app-static/feedback.js" defer></script><link rel="stylesheet" href="/app-static/feedback.css">'


def create_app(bot: Assistant, settings: Settings | None = None) -> FastAPI:
    """The whole web app; `settings` (default: the assistant's) gives the web-facing knobs."""
    settings = settings or bot.settings
    # FastAPIOffline serves Swagger UI's files itself (plain FastAPI links them from a CDN); no ReDoc: its
    # bundle still fetches a logo from cdn.redoc.ly.
    app = FastAPIOffline(
        docs_url=None,  # ui/pages.py serves /docs: Swagger UI's files, with repairs for accessibility
        redoc_url=None,
        title="News assistant",
        summary="Answers questions only from news articles; every sentence cites an exact passage.",
        version="0.1.0",
    )
    add_error_handlers(app)
    answers = RecentAnswers()  # every answer given, by id: what feedback and export refer to
    store = FeedbackStore.from_settings(settings) if settings.feedback else None
    if store is not None:
        store.start()  # migrations; a database that is down now is tried again on the first vote
    app.include_router(api_router(bot, settings, answers))
    app.include_router(feedback_router(answers, store, settings))
    app.include_router(openai_router(bot, settings, answers))  # /v1: OpenAI's wire format
    app.mount("/app-static", StaticFiles(directory=STATIC), name="static")

    app.include_router(pages_router(bot, settings))  # /embed, /embed.js, /embed/profile, /source

    common = {"theme": THEME, "head": HEAD, "css_paths": [STATIC / "app.css"], "footer_links": []}
    gr.mount_gradio_app(app, build_chat(bot, settings, compact=True, answers=answers), path="/widget", **common)
    gr.mount_gradio_app(app, build_chat(bot, settings, answers=answers), path="/", **common)
    app.add_middleware(Guards, settings=settings)
    return app


def server_config(app: FastAPI, host: str = "127.0.0.1", port: int = 7860) -> uvicorn.Config:
    """How uvicorn runs the app, for `serve` and the tests alike.

    uvicorn's own proxy-header handling is off: by default it trusts `X-Forwarded-For` from 127.0.0.1,
    so any local client could pick its address; `ui.guards` reads the header from listed proxies only.
    """
    return uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False)


M_ARENA_MAX = -8  # glibc's mallopt parameter behind the MALLOC_ARENA_MAX environment variable


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas before the worker threads start.

    glibc gives each thread that allocates its own arena (up to 8 per core) and keeps it; with 16
    readers the threads running the embedding model pushed the server to 1.76 GiB RSS, 1.44-1.48 GiB
    with 2 arenas at about the same throughput (benchmarks/README.md).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl has no arenas to cap)
        return


def serve(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the app on the configured articles (blocking)."""
    limit_malloc_arenas()
    bot = Assistant()
    app = create_app(bot)
    print(f"News assistant: http://{host}:{port}/  (widget: /embed, API docs: /docs)", flush=True)
    uvicorn.Server(server_config(app, host, port)).run()
