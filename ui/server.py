"""The web app: FastAPI routes (API, source pages, widget files) with the Gradio chat mounted at `/`."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Annotated

import gradio as gr
import uvicorn
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from assistant import Assistant, Settings
from assistant.feedback import FeedbackStore, RecentAnswers
from ui.api import add_error_handlers, api_router
from ui.chat import build_chat
from ui.feedback_api import feedback_router
from ui.guards import Guards
from ui.openai_api import openai_router

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
# No system font is fetched from a CDN: Gradio's default theme would ask Google Fonts for its typefaces.
THEME = gr.themes.Soft(
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)
HEAD = '<script src="/app-static/app.js" defer></script>'
# Rating and export buttons under each answer (ui/static/feedback.js); their own file, so the page's script stays small.
HEAD += '<script src="/app-static/feedback.js" defer></script><link rel="stylesheet" href="/app-static/feedback.css">'
# The source page runs no script and loads nothing: article text can do no harm there even if escaping failed.
SOURCE_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def create_app(bot: Assistant, settings: Settings | None = None) -> FastAPI:
    """The whole web app; `settings` (default: the assistant's) gives the web-facing knobs."""
    settings = settings or bot.settings
    # FastAPIOffline serves Swagger UI's files itself (plain FastAPI links them from a CDN); no ReDoc: its
    # bundle still fetches a logo from cdn.redoc.ly.
    app = FastAPIOffline(
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
    app.include_router(openai_router(bot, settings))  # /v1: OpenAI's wire format
    app.mount("/app-static", StaticFiles(directory=STATIC), name="static")

    @app.get("/embed.js", include_in_schema=False)
    def embed_js() -> FileResponse:
        return FileResponse(STATIC / "embed.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    def embed_page(request: Request) -> HTMLResponse:
        base = public_base(request, settings)
        script = Markup('<script src="{}/embed.js" data-label="Ask the articles" defer></script>').format(base)
        iframe = Markup(
            '<iframe src="{}/widget/" title="News assistant" width="400" height="640" style="border:0"></iframe>'
        ).format(base)
        html = templates.get_template("embed.html").render(
            script_snippet=str(script),
            iframe_snippet=str(iframe),
            script_tag=script,
            origins=settings.embed_origins,
        )
        return HTMLResponse(html)

    @app.get("/source", response_class=HTMLResponse, include_in_schema=False)
    def source_hint() -> HTMLResponse:
        return HTMLResponse(
            '<!doctype html><meta charset="utf-8"><style>:root{color-scheme:light dark}'
            "body{font:15px/1.5 system-ui,sans-serif;margin:1rem;opacity:.75}</style>"
            "<p>Click a citation such as [1] or an article title to read the source here, "
            "with the quoted passage highlighted.</p>",
            headers={"Content-Security-Policy": SOURCE_CSP},
        )

    @app.get("/source/{article_id:path}", response_class=HTMLResponse, tags=["articles"])
    def source(
        article_id: str,
        start: Annotated[int | None, Query(ge=0)] = None,
        end: Annotated[int | None, Query(ge=0)] = None,
        theme: Annotated[str, Query(pattern="^(light|dark|auto)$")] = "auto",
    ) -> HTMLResponse:
        """An article as a page, the passage `text[start:end]` highlighted and scrolled to (`#passage`)."""
        article = bot.article(article_id)
        if article is None:
            raise HTTPException(404, f"No indexed article has the id {article_id!r}.")
        text = article.text
        if start is None or end is None:
            start = end = 0
        if not start <= end <= len(text):
            raise HTTPException(422, f"start and end must satisfy 0 <= start <= end <= {len(text)}.")
        html = templates.get_template("source.html").render(
            article=article, theme=theme, before=text[:start], passage=text[start:end], after=text[end:]
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": SOURCE_CSP})

    common = {"theme": THEME, "head": HEAD, "css_paths": [STATIC / "app.css"], "footer_links": []}
    gr.mount_gradio_app(app, build_chat(bot, settings, compact=True, answers=answers), path="/widget", **common)
    gr.mount_gradio_app(app, build_chat(bot, settings, answers=answers), path="/", **common)
    app.add_middleware(Guards, settings=settings)
    return app


def public_base(request: Request, settings: Settings) -> str:
    """This server's address for the snippets: the configured `public_url`, else the address the
    connection reached (the socket's, not the `Host` header, which any client can write)."""
    if settings.public_url:
        return settings.public_url
    scheme = request.url.scheme
    host, port = request.scope.get("server") or ("127.0.0.1", 7860)
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


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
