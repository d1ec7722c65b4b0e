"""The app's own pages besides the chat: the embed page for educators (with its live preview), the launcher
script, the profile check the launcher makes, the API docs, and the source pages the citations open.
HTML from templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from markupsafe import Markup
from pydantic import BaseModel

from assistant import Assistant, Settings
from assistant.profiles import PROFILE_ID
from ui.frames import FramePolicy
from ui.html import render

IFRAME = '<iframe src="{}/widget/" title="News assistant" width="400" height="640" style="border:0"></iframe>'
STATIC = Path(__file__).resolve().parent / "static"
# The source page runs no script and loads nothing: article text can do no harm there even if escaping failed.
SOURCE_CSP = "default-src 'none'; style-src 'unsafe-inline'"
Theme = Annotated[str, Query(pattern="^(light|dark|auto)$")]
Choice = Annotated[str, Query(pattern="^(light|dark|auto|right|left|)$")]  # "": the profile's own
ProfileQuery = Annotated[str, Query(pattern=f"({PROFILE_ID})|^$", max_length=40)]


class LauncherProfile(BaseModel):
    """What the launcher needs to know about its profile: how it looks, and whether this site may show it."""

    allowed: bool
    reason: str = ""
    title: str = "News assistant"
    label: str = "Ask the articles"
    theme: str = "auto"
    position: str = "right"
    accent: str = "#1d4ed8"
    open_on_load: bool = False


def pages_router(bot: Assistant, settings: Settings) -> APIRouter:
    router = APIRouter()
    frames = FramePolicy(settings)

    @router.get("/embed.js", include_in_schema=False)
    def embed_js() -> FileResponse:
        return FileResponse(STATIC / "embed.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @router.get("/embed/profile", include_in_schema=False)
    def launcher_profile(request: Request, id: Annotated[str, Query(max_length=100)] = "") -> JSONResponse:
        """Read by embed.js on any site, so open to all (CORS): it tells that site whether it may show the widget."""
        site = request.headers.get("origin")
        same = request.headers.get("sec-fetch-site") == "same-origin" or site == public_base(request, settings)
        access = frames.access(id or None, None if same else site)
        profile = settings.widget_profiles.get(id)
        shown = profile.model_dump(include=set(LauncherProfile.model_fields)) if profile else {}
        body = LauncherProfile(allowed=access.allowed, reason=access.reason, **shown)
        headers = {"Access-Control-Allow-Origin": "*", "Vary": "Origin", "Cache-Control": "no-cache"}
        return JSONResponse(body.model_dump(), headers=headers)

    @router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    def embed_page(request: Request) -> HTMLResponse:
        base = public_base(request, settings)
        profiles = {name: frames.origins(name) or [] for name in settings.widget_profiles}
        return HTMLResponse(
            render(
                "embed.html",
                script_snippet=snippet(base, "", "", ""),
                iframe_snippet=str(Markup(IFRAME).format(base)),  # shown as text, escaped
                base=base,
                default_origins=settings.embed_origins,
                profiles=profiles,
                titles={name: p.title for name, p in settings.widget_profiles.items()},
            )
        )

    @router.get("/embed/preview", response_class=HTMLResponse, include_in_schema=False)
    def embed_preview(
        request: Request, profile: ProfileQuery = "", theme: Choice = "", position: Choice = ""
    ) -> HTMLResponse:
        """A sample course page holding the snippet the form built: the preview on /embed frames it."""
        script = Markup(snippet(public_base(request, settings), profile, theme, position))
        return HTMLResponse(render("embed_preview.html", script_tag=script))

    @router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(render("api_docs.html"))

    @router.get("/source", response_class=HTMLResponse, include_in_schema=False)
    def source_hint() -> HTMLResponse:
        return HTMLResponse(render("source_hint.html"), headers={"Content-Security-Policy": SOURCE_CSP})

    @router.get("/source/{article_id:path}", response_class=HTMLResponse, tags=["articles"])
    def source(
        article_id: str,
        start: Annotated[int | None, Query(ge=0)] = None,
        end: Annotated[int | None, Query(ge=0)] = None,
        theme: Theme = "auto",
    ) -> HTMLResponse:
        """An article as a page, the passage `text[start:end]` highlighted and scrolled to (`#passage`)."""
        article = bot.article(article_id)
        if article is None:
            raise HTTPException(404, f"No indexed article has the id {article_id!r}.")
        start, end = passage_bounds(start, end, len(article.text))
        text = article.text
        html = render(
            "source.html", article=article, theme=theme, before=text[:start], passage=text[start:end], after=text[end:]
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": SOURCE_CSP})

    return router


def passage_bounds(start: int | None, end: int | None, length: int) -> tuple[int, int]:
    """The passage to highlight: none unless both ends are given, and then within the article (else a 422)."""
    if start is None or end is None:
        return 0, 0
    if not start <= end <= length:
        raise HTTPException(422, f"start and end must satisfy 0 <= start <= end <= {length}.")
    return start, end


def snippet(base: str, profile: str, theme: str, position: str) -> str:
    """The one line an educator pastes; only the options chosen are written ("": the profile's own; a profile
    brings its own label too). `ui/static/embed-page.js` builds the same line as the form changes."""
    chosen = {"profile": profile, "theme": theme, "position": position}
    options = {"label": "Ask the articles"} if not profile else {}
    options |= {name: value for name, value in chosen.items() if value}
    attributes = Markup("").join(Markup(' data-{}="{}"').format(name, value) for name, value in options.items())
    return str(Markup('<script src="{}/embed.js"{} defer></script>').format(base, attributes))


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
