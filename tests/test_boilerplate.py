"""Site boilerplate is left out of chunks for .txt, .md and .html alike; offsets still point into the stored text."""

from __future__ import annotations

from pathlib import Path

from assistant.boilerplate import boilerplate_spans
from assistant.chunking import chunk_article
from assistant.ingest import read_article
from assistant.schema import Article

# Real sentences, two of which mention Facebook and Twitter as news rather than as share buttons.
SENTENCES = [
    "The copper mine in the south of the country will double its output by 2027, its operator said on Monday.",
    "Facebook said on Tuesday it would open an office in the capital to serve advertisers in the region.",
    "Officials expect the new smelter to employ about 2,000 people once it opens next spring.",
    "Video of the opening ceremony spread quickly on Facebook, Twitter and WhatsApp.",
    "Environmental groups have asked the ministry to publish the mine's water-use permits.",
]
# What a reader of the page never meant to read; each is checked for by the part that only furniture has.
FURNITURE_MARKERS = ["withEmail", "Read more", "Advertisement", "cookies", "Getty", "newsletter", "Follow us"]


def assert_chunks_are_clean(article: Article) -> None:
    chunks = chunk_article(article, chunk_tokens=60, overlap_tokens=15)
    assert chunks
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text
        for marker in FURNITURE_MARKERS:
            assert marker not in chunk.text, (marker, chunk.text)
    for sentence in SENTENCES:
        assert any(sentence in chunk.text for chunk in chunks), sentence


def test_txt_share_bar_ads_notices_and_credits_are_left_out_of_chunks(tmp_path: Path) -> None:
    text = f"""Copper mine expands

Share this withEmailFacebookMessengerTwitterLinkedIn

{SENTENCES[0]} {SENTENCES[1]}

Read more: Coal exports hit a record as demand recovers

Advertisement

{SENTENCES[2]}

We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies.

Image: Getty Images

{SENTENCES[3]}
Sign up for our newsletter
{SENTENCES[4]}
Follow us on Facebook and Twitter
"""
    path = tmp_path / "mine.txt"
    path.write_text(text, encoding="utf-8")
    article = read_article(path, "mine")
    assert article.text == text, "the stored text stays verbatim: citations quote it"
    assert_chunks_are_clean(article)


def test_md_furniture_in_markdown_dress_is_left_out_of_chunks(tmp_path: Path) -> None:
    text = f"""# Copper mine expands

[Share on Facebook](https://facebook.com/x) | [Share on Twitter](https://twitter.com/x) | [Email](mailto:x)

{SENTENCES[0]}

![Trucks at the mine](https://example.com/trucks.jpg)
*Image: Getty Images*

{SENTENCES[1]} {SENTENCES[2]}

**Advertisement**

> {SENTENCES[3]}

- **Read more:** [Coal exports hit a record](https://example.com/coal)
- [Sign up for our newsletter](https://example.com/newsletter)

{SENTENCES[4]}

_This site uses cookies. Accept all cookies to continue._
"""
    path = tmp_path / "mine.md"
    path.write_text(text, encoding="utf-8")
    article = read_article(path, "mine")
    assert article.text == text
    assert_chunks_are_clean(article)


def test_html_furniture_that_trafilatura_keeps_in_the_article_body_is_left_out_of_chunks(tmp_path: Path) -> None:
    paragraphs = [
        SENTENCES[0],
        "Share this withEmailFacebookMessengerTwitterLinkedIn",
        "Advertisement",
        SENTENCES[1],
        "Image: Getty Images",
        SENTENCES[2],
        "Read more: Coal exports hit a record as demand recovers",
        "We use cookies to improve your experience. By continuing to browse you agree to our use of cookies.",
        SENTENCES[3],
        "Sign up for our newsletter",
        SENTENCES[4],
    ]
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    html = f"""<!doctype html><html><head><title>Copper mine expands</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Copper mine expands</h1>
{body}
</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"""
    path = tmp_path / "mine.html"
    path.write_text(html, encoding="utf-8")
    article = read_article(path, "mine")
    assert "Advertisement" in article.text, "trafilatura keeps in-body furniture, so the stored text has it"
    assert_chunks_are_clean(article)


def test_spans_are_exactly_the_furniture_and_news_about_platforms_stays() -> None:
    news = [
        "Facebook said on Tuesday it would open an office in the capital.",
        "The video spread quickly on Facebook, Twitter and WhatsApp.",
        "Related-party transactions rose 5% in 2023.",
        "Copyright holders sued the company on Monday.",
        "Follow the money",
        "The email",
        "The image: a country caught between two powers.",
    ]
    furniture_lines = [
        "Share this withEmailFacebookMessengerTwitterLinkedIn Copy link",
        "Read more: Coal exports hit a record",
        "Home | World | Business | Sport",
        "https://example.com/news/2024/copper-mine",
        "Story continues below advertisement",
        "© 2024 Example News. All rights reserved.",
        "*Photo: A. Person*",
    ]
    # Furniture that ends a line of news: only the furniture goes.
    caption, credit = "Trucks queue at the border crossing.", "Photo: A. Person / Getty Images"
    sentence, share_bar = "He posted the letter on Facebook.", "Share this withEmailFacebookTwitter"
    text = "\n".join([*news[:3], *furniture_lines, *news[3:], f"{caption} {credit}", f"{sentence} {share_bar}"])
    found = [text[start:end] for start, end in boilerplate_spans(text)]
    assert found == [*furniture_lines, credit, share_bar]
