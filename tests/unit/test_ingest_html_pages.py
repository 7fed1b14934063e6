"""HTML reader on full saved pages: WordPress news with div-soup markup and comments, a
Material-for-MkDocs docs page, a blog with related posts and a <details> FAQ, Yoast / Rank Math
FAQ blocks. No furniture line may reach any block; every block cites its element."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from repurpose.ingest import read_article
from repurpose.model import Code, ListBlock, Quote
from tests.conftest import FIXTURES
from tests.unit.test_ingest_markdown import all_text, headings

HTML = FIXTURES / "html"


def read(name: str):
    return read_article(str(HTML / name))


def assert_clean(article, *furniture: str) -> None:
    text = all_text(article)
    for line in furniture:
        assert line not in text, f"furniture {line!r} leaked into the article"
    for s in article.sections:
        assert s.heading is None or s.source.path, f"heading {s.heading!r} has no element path"
        if s.heading:
            last = s.source.path.rsplit("/", 1)[-1]
            assert last.split("[")[0] in ("h1", "h2", "h3", "h4", "h5", "h6"), s.source.path
        for b in s.blocks:
            assert b.source.path and b.source.path.startswith("/html/body"), b
    for f in article.faq:
        assert f.source.path, f
    for d in article.dropped:
        assert d.source.path, d


def reasons(article) -> dict[str, str]:
    return {d.text[:40]: d.reason for d in article.dropped}


# ---- WordPress news page: class-named furniture, no <nav>/<aside>/<footer> -------------------


@pytest.fixture(scope="module")
def news():
    return read("wordpress-news-comments.html")


def test_news_metadata(news):
    assert news.title == "Rural bus routes cut as county faces £4m budget gap"
    assert news.author == "Priya Raman"
    assert news.published == datetime(2025, 6, 17, 7, 30, 12, tzinfo=UTC)
    assert news.url == "https://valleyherald.example.com/2025/06/17/rural-bus-routes-cut/"
    assert news.lang == "en-US"


def test_news_structure(news):
    assert headings(news) == [
        (None, 2),
        ("Which routes are affected", 2),
        ('"A lifeline, not a luxury"', 2),
        ("What happens next", 2),
    ]
    assert news.faq == ()
    intro = news.sections[0].blocks
    assert [b.text[:20] for b in intro] == ["Six bus routes that ", "The routes carry abo"]
    assert isinstance(news.sections[1].blocks[1], ListBlock)
    assert len(news.sections[1].blocks[1].items) == 4
    assert isinstance(news.sections[2].blocks[1], Quote)
    assert news.sections[-1].blocks[-1].text.endswith("present it at that meeting.")


def test_news_furniture_never_in_the_article(news):
    assert_clean(
        news,
        "Skip to content",
        "E-Edition",
        "Flood warning",
        "Advertisement",
        "Share this",
        "Read more",
        "Council tax to rise",
        "morning briefing",
        "Ferry fares frozen",
        "Tagged",
        "About Priya",
        "two cats",
        "Hospital parking",
        "thoughts on",
        "They always cut",
        "Leave a Reply",
        "Most Popular",
        "Support local journalism",
        "Valley Media Ltd",
        "uses cookies",
    )


def test_news_dropped_with_reasons(news):
    why = reasons(news)
    read_more = [d for d in news.dropped if d.text.startswith("Read more:")]
    assert [d.reason for d in read_more] == ["read-more or related link"]
    got = set(why.values())
    for reason in (
        "advertisement",
        "share buttons",
        "subscribe prompt",
        "related links",
        "author box",
        "navigation",
        "comments",
        "sidebar",
        "footer",
        "cookie notice",
        "page header",
    ):
        assert reason in got, reason


# ---- Material for MkDocs page: sidebars, TOC, ¶ headerlinks, admonition, details ---------------


@pytest.fixture(scope="module")
def guide():
    return read("mkdocs-guide.html")


def test_guide_structure_without_permalink_marks(guide):
    assert guide.title == "Webhook retries"
    assert guide.url == "https://docs.relaybox.example.org/guides/webhook-retries/"
    assert headings(guide) == [
        (None, 2),
        ("How retries work", 2),
        ("Configuring the schedule", 2),
        ("Maximum attempts", 3),
        ("Back-off and jitter", 3),
        ("Dead-letter queue", 2),
    ]
    assert "¶" not in all_text(guide)


def test_guide_admonition_code_and_table(guide):
    intro = guide.sections[0].blocks
    assert intro[1].text.startswith("Retries apply to webhooks only.")  # "Note" label left out
    codes = [b for b in guide.blocks() if isinstance(b, Code)]
    assert [c.lang for c in codes] == ["yaml", "console"]
    assert codes[0].text.startswith("retries:\n  max_attempts: 8")
    table = guide.sections[4].blocks[-1]
    assert isinstance(table, ListBlock) and table.items[0] == "Attempt | Delay before it"


def test_guide_details_under_a_plain_heading_are_the_faq(guide):
    assert [f.question for f in guide.faq] == [
        "Why was my event retried after the receiver returned 200?",
        "Can I turn retries off for one endpoint?",
    ]
    assert guide.faq[0].source.path.endswith("/article/details[1]")
    # the heading they sat under is empty now: reported, not kept as an empty section
    assert reasons(guide)["Troubleshooting"] == "FAQ heading (its items are in the FAQ)"


def test_guide_furniture(guide):
    assert_clean(
        guide,
        "Skip to content",
        "release notes",
        "4.2k stars",
        "Getting started",
        "Installing the agent",
        "Table of contents",
        "Edit this page",
        "Last update",
        "Was this page helpful",
        "Signing payloads",
        "Made with Material",
    )
    sidebar = [d for d in guide.dropped if d.reason == "sidebar"]
    assert any("How retries work" in d.text for d in sidebar)  # the TOC column


# ---- blog: ez-toc, affiliate box, related cards, <details> FAQ, Disqus -----------------------


@pytest.fixture(scope="module")
def blog():
    return read("blog-related-details.html")


def test_blog_metadata_and_structure(blog):
    assert blog.title == "How to Start a Balcony Vegetable Garden (Even in the Shade)"
    assert blog.published == datetime(2024, 3, 8, 9, 0, tzinfo=UTC)
    assert blog.author == "Hannah Osei"
    assert blog.tags == ("balcony", "vegetables", "containers")
    assert headings(blog) == [
        (None, 2),
        ("Work out your light", 2),
        ("Pick the right containers", 2),
        ("Crops that cope with shade", 2),
    ]
    assert blog.sections[0].blocks[0].text.startswith("Three summers ago")
    image = blog.sections[1].blocks[-1]
    assert image.kind == "image" and image.caption and image.caption.startswith("Mapping the light")


def test_blog_details_faq_keeps_every_paragraph(blog):
    assert [f.question for f in blog.faq] == [
        "Do I need permission to grow vegetables on a balcony?",
        "How often should I water balcony pots?",
        "What can I grow in winter?",
    ]
    assert blog.faq[1].answer.count("\n\n") == 1
    assert blog.faq[1].answer.endswith("twice a day in July.")


def test_blog_furniture(blog):
    assert_clean(
        blog,
        "Start here",
        "Balcony vegetable garden",
        "affiliate links",
        "Table of Contents",
        "Self-Watering Trough",
        "Check price",
        "free planting calendar",
        "Tags:",
        "Share this post",
        "ten years",
        "You might also like",
        "Tomatoes in Pots",
        "23 Comments",
        "south-facing",
        "Hi, I'm Hannah",
        "20,000 growers",
        "Amazon Associate",
    )
    got = set(reasons(blog).values())
    assert {"disclosure notice", "table of contents", "author box", "comments"} <= got


# ---- Yoast and Rank Math FAQ blocks ------------------------------------------------------------


def test_yoast_and_rank_math_faq_blocks():
    a = read("sourdough-yoast-faq.html")
    assert a.title == "Sourdough starter: a beginner's guide"
    assert a.published == date(2023, 9, 14)
    assert a.author == "Luca Bianchi"
    assert [s.heading for s in a.sections] == [
        None,
        "Day one: mix flour and water",
        "Days two to seven: feed it",
    ]
    assert [f.question for f in a.faq] == [
        "How long does a starter take?",
        "Can I use white flour?",
        "What is the grey liquid on top?",
        "Should I keep it in the fridge?",
        "Why does it smell of nail polish?",
    ]
    assert a.faq[0].answer.startswith("About a week, sometimes two")
    assert_clean(a, "The Crumb Blog", "Recipes")
