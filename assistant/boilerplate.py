"""Find site boilerplate in an article's text: share bars, navigation, "Read more" links, ads, notices, credits.

Why hand-written: trafilatura drops page furniture only while it still has the HTML tree, and it keeps
what sits inside the article body ("Advertisement", "Read more: ..."); .txt and .md articles arrive as
plain text, where no library recognises a share bar flattened to "Share this withEmailFacebookMessenger".
The rules look at one line at a time and only at words that name web-page furniture in general, never at
what a particular site or corpus says, and they keep a doubtful line: losing a real sentence costs an
answer, keeping a share bar costs a little retrieval noise.

The article text itself is never changed, so citations keep pointing into it; `chunk_article` skips
these spans instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# Words that name page furniture: what a share bar offers, where it shares to, what a page sells or credits.
SHARE_ACTIONS = frozenset({"share", "tweet", "email", "print", "bookmark", "comments", "follow", "related"})
PLATFORMS = frozenset(
    {"facebook", "twitter", "whatsapp", "messenger", "linkedin", "pinterest", "reddit", "telegram", "tumblr"}
    | {"flipboard", "instagram", "youtube", "tiktok", "snapchat", "bluesky", "mastodon"}
)
PAGE_LABELS = frozenset({"newsletter", "newsletters", "subscribe", "unsubscribe", "advertisement", "sponsored"})
PHOTO_AGENCIES = frozenset({"getty", "shutterstock", "alamy", "istock"})
FURNITURE_WORDS = SHARE_ACTIONS | PLATFORMS | PAGE_LABELS | PHOTO_AGENCIES
# Navigation labels: furniture only inside a navigation bar, since a line "Home" or "Search" may head a section.
NAVIGATION_WORDS = frozenset({"home", "menu", "search", "login", "logout", "signin", "register", "account", "contact"})
# Words that glue furniture into phrases ("Share this with", "Follow us on", "Copy link") but are not furniture.
# "the" and "a" are left out so that a heading such as "The email" stays.
LINKING_WORDS = frozenset(
    {"this", "with", "on", "us", "our", "for", "to", "and", "or", "via", "in", "at", "of", "by", "now", "also", "see"}
    | {"more", "read", "link", "copy", "sign", "up", "log", "here", "click", "article", "story", "page", "free"}
    | {"images", "image", "photo", "today", "back", "top", "next", "previous"}
)
VOCABULARY = FURNITURE_WORDS | NAVIGATION_WORDS | LINKING_WORDS
LONGEST_WORD = max(map(len, VOCABULARY))

# A longer line is a paragraph of prose: the whole-line rules never drop one.
MAX_LINE_CHARS = 300
# A credit is short: a longer tail after "Photo:" is prose.
CREDIT = r".{1,100}$"

# What ends a section label: "Related: <headline>", "Related - <headline>", "Recommended for you"; not "Related-party".
SEPARATOR_OR_END = r"(?:\s*[:|»›]|\s+[–—-]\s|\s*$)"

# Whole lines that are furniture by how they start (matched on the line without Markdown decoration).
FURNITURE_LINE = re.compile(
    rf"""
      (?:read|see)\ (?:more|also|next)\b                       # "Read more: <another article's headline>"
    | also\ read\b
    | (?:related|recommended|more\ on\ this|most\ read|most\ popular|most\ viewed)(?:\ \w+){{0,2}}{SEPARATOR_OR_END}
    | you\ (?:may|might)\ also\ like\b
    | (?:advertisement|advert|ad|sponsored(?:\ content)?|story\ continues\ below(?:\ this)?\ advertisement)\W*$
    | (?:sign\ up|subscribe|register)\b.{{0,200}}\bnewsletters?\b
    | follow\ us\b
    | (?:click|tap)\ here\b
    | (?:we|this\ (?:web)?site|our\ (?:web)?site|this\ page)\b.{{0,80}}\bcookies\b   # a site speaking of itself
    | by\ (?:continuing|using|clicking|browsing)\b.{{0,150}}\b(?:agree|accept|consent)
    | (?:accept|reject|manage|allow)(?:\ all)?\ cookies\b
    | cookie\ (?:policy|settings|preferences|notice|consent)\b
    | (?:copyright\s*)?(?:©|\(c\)\s*\d{{4}})                      # "(c)" alone opens a legal list item
    | copyright\s+\d{{4}}                                         # "Copyright holders sued ..." is news
    | .*\ball\ rights\ reserved\b
    | <?(?:https?://|www\.)\S+$                                 # a bare URL
    | !\[[^\]]*\]\([^)]*\)$                                     # a Markdown image
    """,
    re.IGNORECASE | re.VERBOSE,
)

# An image credit closing a line, with the caption text before it kept when that is a sentence of its own:
# "Trucks at the mine. Photo: A. Person / Getty Images", "Image: Getty Images", "(Photo by A. Person)".
TRAILING_CREDIT = re.compile(
    rf"""
      (?:^|(?<=[.!?]))\s*
      (?:(?:top|main|header|featured|cover|lead)\s+)?
      (?:image|photo|photograph|picture|pic|illustration|graphic|video|caption|credit)s?
      (?:\s+(?:credit|source|courtesy))?\s*:{CREDIT}
    | (?:^|(?<=[.!?]))\s*(?:image|photo|picture)s?\s+(?:by|courtesy\s+of)\b{CREDIT}
    | (?:^|(?<=[.!?]))[^.!?/\n]{{0,80}}/\s*
      (?:getty\s+images|shutterstock|alamy|istock(?:photo)?|afp|reuters|ap|epa|pa)\b(?:\s+via\s+getty\s+images)?\W*$
    | \((?:image|photo|picture|credit)s?(?:\s*:|\s+by\b)[^()\n]{{0,100}}\)\W*$
    """,
    re.IGNORECASE | re.VERBOSE,
)

MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\([^)\s]*\)")
MARKDOWN_DECORATION = re.compile(r"^(?:[#>*+-]+\s+|\d+[.)]\s+)+|[*_`]+")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+")
NAV_SEPARATOR = re.compile(r"\s*[|•·»›]\s*|\s+>\s+")
NAV_ITEM = re.compile(r"[^\W\d_]+(?: [^\W\d_]+){0,2}")
# A token where one word ends and the next begins without a space ("withEmail", "TwitterLinkedIn"):
# link texts run together when a page's share bar is flattened to text.
GLUED = re.compile(r"[a-z][A-Z]")
TOKEN = re.compile(r"\S+")
LETTERS_ONLY = re.compile(r"[^\W\d_]+")


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each stretch of site furniture in `text`, sorted and not overlapping.

    Whole lines (share bars, "Read more: ...", "Advertisement", cookie notices, navigation, bare URLs)
    and parts of lines (a share bar glued to a sentence, an image credit after a caption) alike.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\r\n]+", text):
        start = line.start() + len(line.group()) - len(line.group().lstrip())
        content = line.group().strip()
        if not content:
            continue
        if _is_furniture_line(content):
            spans.append((start, start + len(content)))
            continue
        spans.extend((start + a, start + b) for a, b in _glued_share_bars(content))
        if len(content) <= MAX_LINE_CHARS and (credit := TRAILING_CREDIT.search(content)):
            lead = len(credit.group()) - len(credit.group().lstrip())
            spans.append((start + credit.start() + lead, start + len(content)))
    return _merged(spans)


def content_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches between boilerplate that hold any text; all of `text` when none is found."""
    kept: list[tuple[int, int]] = []
    cursor = 0
    for start, end in [*boilerplate_spans(text), (len(text), len(text))]:
        if text[cursor:start].strip():
            kept.append((cursor, start))
        cursor = end
    return kept


def _is_furniture_line(line: str) -> bool:
    """Judged on what a reader sees: Markdown links count by their text, emphasis and list marks not at all."""
    if len(line) > MAX_LINE_CHARS:
        return False
    plain = MARKDOWN_DECORATION.sub("", MARKDOWN_LINK.sub(r"\1", line)).strip()
    if FURNITURE_LINE.match(plain) or TRAILING_CREDIT.match(plain):
        return True
    return _all_furniture_words(plain, FURNITURE_WORDS) or _is_navigation_bar(plain)


def _all_furniture_words(text: str, furniture: frozenset[str]) -> bool:
    """Every word is furniture or glue, at least one is furniture: "Share this withEmailFacebook", "Follow us on X".

    One word outside the vocabulary keeps the line: "Facebook said on Tuesday ..." is news.
    """
    pieces: list[str] = []
    for word in WORD.finditer(text):
        word_pieces = _vocabulary_pieces(re.sub(r"[-'’]", "", word.group().lower()))
        if word_pieces is None:
            return False
        pieces.extend(word_pieces)
    return any(piece in furniture for piece in pieces)


def _is_navigation_bar(text: str) -> bool:
    """Three or more short items between separators, one of them furniture: "Home | World | Business".

    A line opening with "|" is a Markdown table row, which is content.
    """
    if text.startswith("|") or not NAV_SEPARATOR.search(text):
        return False
    items = [item for item in NAV_SEPARATOR.split(text) if item]
    return (
        len(items) >= 3
        and all(NAV_ITEM.fullmatch(item) for item in items)
        and any(_all_furniture_words(item, FURNITURE_WORDS | NAVIGATION_WORDS) for item in items)
    )


def _glued_share_bars(line: str) -> list[tuple[int, int]]:
    """Spans of share bars inside a line: a glued token naming two or more furniture words, with the
    furniture and glue words around it ("Share this withEmailFacebookMessengerTwitter Copy link").

    Only glued tokens start one, since prose never runs words together, but it does say "on Facebook".
    """
    hits = [hit.start() for hit in GLUED.finditer(line)]
    if not hits:
        return []
    tokens = list(TOKEN.finditer(line))
    token_starts = [token.start() for token in tokens]
    spans: list[tuple[int, int]] = []
    for index in sorted({bisect_right(token_starts, hit) - 1 for hit in hits}):
        pieces = _vocabulary_pieces("".join(LETTERS_ONLY.findall(tokens[index].group())).lower())
        if pieces is None or sum(piece in FURNITURE_WORDS for piece in pieces) < 2:
            continue
        first = last = index
        while first > 0 and _is_vocabulary_token(tokens[first - 1].group()):
            first -= 1
        while last + 1 < len(tokens) and _is_vocabulary_token(tokens[last + 1].group()):
            last += 1
        spans.append((tokens[first].start(), tokens[last].end()))
    return spans


def _is_vocabulary_token(token: str) -> bool:
    """A bare word (no punctuation, which would end or join a sentence) made of vocabulary words."""
    return bool(LETTERS_ONLY.fullmatch(token)) and _vocabulary_pieces(token.lower()) is not None


@lru_cache(maxsize=8192)
def _vocabulary_pieces(word: str) -> tuple[str, ...] | None:
    """`word` (lower case, letters only) cut into the fewest vocabulary words, or None when it cannot be."""
    if not word.isalpha():
        return None
    fewest: list[tuple[str, ...] | None] = [(), *([None] * len(word))]
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - LONGEST_WORD), end):
            before = fewest[start]
            current = fewest[end]
            if (
                before is not None
                and word[start:end] in VOCABULARY
                and (current is None or len(before) + 1 < len(current))
            ):
                fewest[end] = (*before, word[start:end])
    return fewest[-1]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
