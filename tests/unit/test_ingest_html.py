"""HTML reader: main content only, page metadata, permalink marks, FAQ, element paths."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from repurpose.errors import InputError
from repurpose.ingest import read_article
from repurpose.ingest.html import read
from repurpose.model import Code, Image, ListBlock, Quote
from tests.conftest import EXAMPLES, FIXTURES
from tests.unit.test_ingest_markdown import all_text, headings

HTML = FIXTURES / "html"


def assert_absent(article, *furniture: str) -> None:
    text = all_text(article)
    for line in furniture:
        assert line not in text, f"furniture {line!r} leaked into the article"


# ---- documentation page: sidebar TOC, ¶ marks, code ----------------------------------------


@pytest.fixture(scope="module")
def docs():
    return read_article(str(EXAMPLES / "docs-page.html"))


def test_docs_title_and_metadata(docs):
    assert docs.title == "Configuring retries"
    assert docs.url == "https://docs.relay.example.dev/en/2.4/guide/retries.html"
    assert docs.description.startswith("How Relay retries failed webhook deliveries")
    assert docs.lang == "en"
    assert docs.format == "html"


def test_docs_sections_without_permalink_marks(docs):
    assert headings(docs) == [
        (None, 2),
        ("How retries work", 2),
        ("Tuning the backoff", 2),
        ("Choosing a ceiling", 3),
        ("Dead-letter handling", 2),
    ]
    assert "¶" not in all_text(docs)


def test_docs_sidebar_toc_and_footer_removed(docs):
    assert_absent(
        docs,
        "Table of Contents",
        "Quick search",
        "Show Source",
        "Previous topic",
        "next: Verifying signatures",
        "Created using",
        "Copyright",
        "See also",
    )
    reasons = {d.reason for d in docs.dropped}
    assert {"navigation", "footer"} <= reasons


def test_docs_code_kept_as_code_with_language(docs):
    codes = [b for b in docs.blocks() if isinstance(b, Code)]
    assert [c.lang for c in codes] == ["toml", "console"]
    assert codes[0].text.splitlines() == [
        "[retries]",
        'base_delay = "2s"',
        'max_delay = "30m"',
        "max_attempts = 12",
    ]
    ceiling = next(s for s in docs.sections if s.heading == "Choosing a ceiling")
    assert isinstance(ceiling.blocks[1], ListBlock)
    assert ceiling.blocks[1].items[2] == "Chat notifications: consider two attempts only."


def test_docs_blocks_cite_their_element(docs):
    first = docs.sections[0].blocks[0]
    assert first.text.startswith("Relay delivers every event")
    assert first.source.path == "/html/body/div[2]/div[2]/div/div/section/p"
    assert all(b.source.path and b.source.path.startswith("/html/body") for b in docs.blocks())


# ---- news page: byline, published time, JSON-LD, comments ----------------------------------


@pytest.fixture(scope="module")
def news():
    return read_article(str(HTML / "news-article.html"))


def test_news_metadata(news):
    assert news.title == "Harbour town votes to pedestrianise its seafront"
    assert news.author == "Dafydd Morgan"
    assert news.published == datetime(2025, 4, 9, 18, 42, tzinfo=timezone(timedelta(hours=1)))
    assert (
        news.url == "https://www.coastalcourier.example.co.uk/news/2025/04/porthwen-seafront-vote"
    )
    assert news.tags == ("Porthwen", "Transport")
    assert news.lang == "en-GB"
    assert news.image == "https://www.coastalcourier.example.co.uk/media/porthwen-seafront.jpg"


def test_news_body_without_comments_or_furniture(news):
    assert headings(news) == [(None, 2), ("Traders divided", 2), ("What changes in May", 2)]
    assert_absent(
        news,
        "harbourwatcher",
        "About time too",
        "Twelve bays will not be enough",
        "Leave a comment",
        "Comments are moderated",
        "Most read",
        "Share on Facebook",
        "Sign up free",
        "morning briefing",
        "All rights reserved",
        "We use cookies",
        "Seafront consultation draws record response",
        "Breaking:",
        "Home",
    )
    reasons = {d.reason for d in news.dropped}
    assert {"comments", "navigation", "sidebar", "footer", "share buttons"} <= reasons


def test_news_quote_list_and_captioned_image(news):
    quote = next(b for b in news.blocks() if isinstance(b, Quote))
    assert quote.text.startswith("“We are not against a nicer seafront.")
    image = next(b for b in news.blocks() if isinstance(b, Image))
    assert image.alt == "The seafront road in Porthwen on a sunny afternoon"
    assert image.caption == (
        "The seafront road will close to through traffic from 1 May. Photo: Courier archive"
    )
    changes = news.sections[2].blocks[0]
    assert isinstance(changes, ListBlock) and len(changes.items) == 3
    assert changes.source.path == "/html/body/main/article/div[1]/ul"


# ---- blog: nav, sidebar, footer, related posts, <details> FAQ -------------------------------


@pytest.fixture(scope="module")
def blog():
    return read_article(str(HTML / "blog-faq.html"))


def test_blog_metadata_and_sections(blog):
    assert blog.title == "How we cut our cloud bill by 38% without a rewrite"
    assert blog.author == "Sam Okafor"
    assert blog.published == datetime(2025, 6, 3, 7, 0, tzinfo=UTC)
    assert blog.tags == ("cost", "cloud")
    assert blog.lang == "en-US"
    assert headings(blog) == [
        (None, 2),
        ("1. Switch off what nobody uses", 2),
        ("2. Right-size the databases", 2),
        ("3. Give old data a cheaper home", 2),
        ("4. Commit to what is steady", 2),
    ]


def test_blog_details_faq(blog):
    assert [f.question for f in blog.faq] == [
        "Did performance suffer after the database change?",
        "How long did the whole project take?",
        "Will you publish the scripts you used?",
    ]
    assert blog.faq[1].answer == (
        "Four weeks of part-time work by two engineers.\n\n"
        "Most of that time went into measuring, not changing things."
    )
    assert blog.faq[2].source.path == "/html/body/div/div/div/main/article/div/details[3]"
    assert "Frequently asked questions" not in [s.heading for s in blog.sections]


def test_blog_furniture_absent(blog):
    assert_absent(
        blog,
        "We're hiring",
        "Skip to content",
        "Recent Posts",
        "About this blog",
        "No spam, ever",
        "Related posts",
        "Observability without the invoice shock",
        "Previous: What we changed",
        "Leave a Reply",
        "shared cluster instead",
        "saved us a fortune",
        "Proudly powered by WordPress",
        "Share this",
        "Posted in",
    )
    code = next(b for b in blog.blocks() if isinstance(b, Code))
    assert code.text.startswith("lifecycle:")


# ---- help centre: in-article TOC, '#' anchors, table, <dl> FAQ ------------------------------


def test_help_centre_dl_faq_toc_and_anchor_marks():
    a = read_article(str(HTML / "help-centre.html"))
    assert a.title == "Exporting invoices to your accounting tool"
    assert a.author == "Ledgerly Support Team"
    assert a.published == date(2024, 11, 20)
    assert a.lang == "de-DE"
    assert headings(a) == [(None, 2), ("Automatic export", 2), ("CSV export", 2)]
    assert [f.question for f in a.faq] == [
        "Can I export invoices from before I connected the tool?",
        "What happens to credit notes?",
        "Is there a limit on how many invoices one CSV can hold?",
    ]
    assert a.faq[1].answer == (
        "Credit notes are exported like invoices, with negative amounts.\n\n"
        "They keep a reference to the invoice they correct."
    )
    table = a.sections[2].blocks[1]
    assert (
        isinstance(table, ListBlock) and table.items[1] == "number | The invoice number as printed"
    )
    assert table.source.path == "/html/body/div/div/article/table"
    assert_absent(
        a,
        "On this page",
        "Getting started",
        "Was this article helpful",
        "Related articles",
        "Setting tax rates per customer",
        "Musterstraße",
        "Contact support",
    )
    assert "table of contents" in {d.reason for d in a.dropped}


# ---- errors and small pages ------------------------------------------------------------------


def test_page_without_article_is_an_input_error():
    path = str(HTML / "no-article.html")
    with pytest.raises(InputError, match="no article found") as err:
        read_article(path)
    assert path in str(err.value)


def test_empty_body_is_an_input_error():
    with pytest.raises(InputError, match="no article found"):
        read("<html><head><title>x</title></head><body></body></html>", path="e.html")


def test_headerlinks_json_ld_graph_and_site_suffix():
    page = """<html lang="fr"><head><title>Un titre de page — Le Site</title>
    <script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Le Site"},
      {"@type": ["BlogPosting"], "headline": "Le vrai titre", "datePublished": "2023-02-01",
       "author": {"@type": "Person", "name": "Chloé Martin"}}]}</script></head>
    <body><article><h2>Première partie<a class="headerlink" href="#p">¶</a></h2>
    <p>Une phrase assez longue pour être un vrai paragraphe de texte dans un article de blog.</p>
    <h2><a class="anchor" href="#d" aria-hidden="true">🔗</a>Deuxième partie</h2>
    <p>Encore une phrase assez longue pour que la page soit bien un article et pas un menu.</p>
    </article></body></html>"""
    a = read(page, path="p.html")
    assert a.title == "Le vrai titre"
    assert a.author == "Chloé Martin"
    assert a.published == date(2023, 2, 1)
    assert a.lang == "fr"
    assert [s.heading for s in a.sections] == ["Première partie", "Deuxième partie"]


def test_title_from_title_tag_without_site_name():
    page = """<html><head><title>Why we moved to four-day weeks | Acme Blog</title></head>
    <body><main><p>We tried a four-day week for six months and measured everything we could think
    of, from sick days to customer response times.</p><p>This is what we learned along the way,
    including the parts that did not work at all.</p></main></body></html>"""
    assert read(page, path="w.html").title == "Why we moved to four-day weeks"


def test_importing_the_reader_does_not_import_trafilatura():
    code = (
        "import sys, repurpose.cli, repurpose.ingest.html; "
        "assert 'trafilatura' not in sys.modules and 'lxml' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "page",
    ["<details><summary></summary>>\x1f", "<p>\x00\x0b</p>", "<details>\x1fa</details>\x08"],
)
def test_control_characters_never_crash(page):
    try:
        read(page, path="c.html")
    except InputError as err:
        assert "no article found" in str(err)
