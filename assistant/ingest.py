"""Read articles from a folder: .txt and .md verbatim, .html reduced to its main text.

Site boilerplate that survives (a share bar in a .txt, "Advertisement" inside an HTML article body)
stays in the stored text, so that citation offsets point into exactly what was read; chunking skips
it (see `assistant.boilerplate`), so it is never retrieved or quoted.

Metadata comes from a sidecar `<name>.meta.json` (title, author, publisher, date, source) when
present, else from the document itself. Files that cannot be read are skipped with a warning
that names them; the rest are still ingested.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from assistant.errors import EmptyCorpusError
from assistant.schema import Article

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
META_SUFFIX = ".meta.json"


@dataclass
class LoadedCorpus:
    articles: list[Article]
    skipped: list[tuple[Path, str]] = field(default_factory=list)


class UnreadableFileError(Exception):
    pass


def load_corpus(folder: Path) -> LoadedCorpus:
    """Every readable article under `folder` (recursively), sorted by path for stable ids."""
    if not folder.is_dir():
        raise EmptyCorpusError(f"Corpus folder {folder} does not exist or is not a folder.")
    corpus = LoadedCorpus(articles=[])
    seen: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        article_id = path.relative_to(folder).with_suffix("").as_posix()
        if article_id in seen:
            corpus.skipped.append((path, f"another file already provides article id {article_id!r}"))
            continue
        try:
            corpus.articles.append(read_article(path, article_id))
            seen.add(article_id)
        except UnreadableFileError as error:
            corpus.skipped.append((path, str(error)))
    for path, reason in corpus.skipped:
        log.warning("Skipped %s: %s", path, reason)
    if not corpus.articles:
        raise EmptyCorpusError(f"No readable articles in {folder}: looked for {', '.join(ARTICLE_SUFFIXES)} files.")
    return corpus


def read_article(path: Path, article_id: str) -> Article:
    raw = _read_utf8(path)
    if path.suffix.lower() in (".html", ".htm"):
        text, found = _html_main_text(raw)
    else:
        text, found = raw, {"title": _first_line(raw)}
    if not text.strip():
        raise UnreadableFileError("it holds no text")
    meta = {**{k: v for k, v in found.items() if v}, **_sidecar_meta(path)}
    meta.setdefault("title", article_id)
    meta.setdefault("source", path.name)
    digest = hashlib.sha256(json.dumps([text, meta], sort_keys=True).encode()).hexdigest()
    return Article(article_id=article_id, text=text, content_hash=digest, **meta)


def _read_utf8(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFileError(f"cannot be read ({error.strerror or error})") from error
    if b"\x00" in data:
        raise UnreadableFileError("looks binary (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"is not valid UTF-8 (byte {error.start})") from error


def _html_main_text(html: str) -> tuple[str, dict[str, str]]:
    """Main text without navigation, ads and footers, via trafilatura; plus what metadata it finds."""
    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    found: dict[str, str] = {}
    meta = trafilatura.extract_metadata(html)
    if meta is not None:
        for ours, theirs in (("title", "title"), ("author", "author"), ("date", "date"), ("publisher", "sitename")):
            value = getattr(meta, theirs, None)
            if value:
                found[ours] = str(value)
    return text, found


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200]
    return ""


def _sidecar_meta(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.stem + META_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UnreadableFileError(f"its metadata file {sidecar.name} is not valid JSON ({error})") from error
    allowed = ("title", "author", "publisher", "date", "source")
    return {key: str(data[key]) for key in allowed if data.get(key)}
