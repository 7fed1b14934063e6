"""Markdown reader: front matter, title, sections, non-prose lines, code, images, FAQ."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from repurpose.errors import InputError
from repurpose.ingest import read_article
from repurpose.ingest.markdown import read
from repurpose.model import Code, Image, ListBlock, Paragraph, Quote
from tests.conftest import EXAMPLES, FIXTURES

MD = FIXTURES / "markdown"


def all_text(article) -> str:
    """Every piece of text the article carries on: headings, blocks, FAQ."""
    parts = [article.title]
    for s in article.sections:
        parts.append(s.heading or "")
        for b in s.blocks:
            if isinstance(b, ListBlock):
                parts.extend(b.items)
            elif isinstance(b, Image):
                parts.extend([b.alt, b.caption or ""])
            else:
                parts.append(b.text)
    for f in article.faq:
        parts += [f.question, f.answer]
    return "\n".join(parts)


def headings(article) -> list[tuple[str | None, int]]:
    return [(s.heading, s.level) for s in article.sections]


# ---- examples/product-update.md ------------------------------------------------------------


@pytest.fixture(scope="module")
def product():
    return read_article(str(EXAMPLES / "product-update.md"))


def test_front_matter_metadata(product):
    assert product.title == "Lantern 3.2: offline drafts, faster sync and a calmer inbox"
    assert product.description == (
        "Lantern 3.2 brings offline drafts, a sync engine rewritten for speed, and quieter "
        "notifications."
    )
    assert product.author == "Priya Raman"
    assert product.published == date(2025, 3, 18)
    assert product.url == "https://lantern.example.com/blog/lantern-3-2"
    assert product.tags == ("release", "sync", "offline")
    assert product.image == "https://lantern.example.com/img/lantern-3-2-cover.png"
    assert product.lang == "en"
    assert product.format == "markdown"


def test_sections_with_levels(product):
    assert headings(product) == [
        (None, 2),
        ("Offline drafts", 2),
        ("What happens on a conflict", 3),
        ("A faster sync engine", 2),
        ("Quieter notifications", 2),
    ]


def test_details_faq_moved_out_of_sections(product):
    assert [f.question for f in product.faq] == [
        "Do I need to update the desktop app by hand?",
        "Are offline drafts encrypted on my laptop?",
        "Which plans include offline drafts?",
    ]
    assert product.faq[1].answer == (
        "Yes. The local store is encrypted with a key held by your operating system's keychain."
        "\n\nSigning out of Lantern removes the local store completely."
    )
    section_text = "\n".join(b.text for b in product.blocks() if isinstance(b, Paragraph))
    assert "keychain" not in section_text
    assert "FAQ" not in [s.heading for s in product.sections]
    assert product.faq[0].source.lines == (63, 69)


def test_badges_and_link_only_lines_dropped(product):
    text = all_text(product)
    for furniture in ("shields", "Build status", "Download Lantern", "Full changelog", "LICENSE"):
        assert furniture not in text
    reasons = [d.reason for d in product.dropped]
    assert reasons == [
        "badge row (images and links, no prose)",
        "link-only line (no prose)",
        "FAQ heading (its items are in the FAQ)",  # its <details> items are the FAQ
    ]
    assert product.dropped[0].source.lines == (15, 15)
    assert "FAQ" not in [s.heading for s in product.sections]


def test_code_kept_as_code_never_prose(product):
    codes = [b for b in product.blocks() if isinstance(b, Code)]
    assert len(codes) == 1
    assert codes[0].lang == "bash"
    assert codes[0].text.splitlines()[0] == "lantern sync --protocol v3 --workspace marketing"
    prose = [b.text for b in product.blocks() if isinstance(b, Paragraph | Quote)]
    assert not any("lantern export" in t for t in prose)


def test_image_list_quote_and_inline_markup(product):
    images = [b for b in product.blocks() if isinstance(b, Image)]
    assert [(i.src, i.alt, i.caption) for i in images] == [
        (
            "https://lantern.example.com/img/offline-badge.png",
            "The offline badge in the editor toolbar",
            "A small cloud icon shows when you are offline",
        )
    ]
    lists = [b for b in product.blocks() if isinstance(b, ListBlock)]
    assert lists[0].items[1] == (
        "a full sync after a week offline takes under ten seconds on a typical laptop;"
    )
    quotes = [b for b in product.blocks() if isinstance(b, Quote)]
    assert quotes[0].text.startswith("We measured sync on real workspaces")
    first = product.sections[0].blocks[0]
    assert first.source.lines == (17, 19)
    assert product.word_count > 250


# ---- a document made of question headings ------------------------------------------------


def test_question_heading_document_is_an_faq():
    a = read_article(str(MD / "shipping-questions.md"))
    assert a.title == "Shipping and returns: your questions answered"
    assert [f.question for f in a.faq] == [
        "How long does standard delivery take?",
        "Can I change my delivery address after ordering?",
        "What does express delivery cost?",
        "How do I return an item?",
        "Do you ship abroad?",
    ]
    assert a.faq[0].answer.endswith("\n\nRemote islands can take two days longer.")
    assert "next working day" in a.faq[2].answer
    assert headings(a) == [(None, 2)]
    assert a.sections[0].blocks[0].text.startswith("Everything you asked our support team")


# ---- a handbook with HTML blocks, TOC, definition list, table, Q:/A: FAQ ------------------


@pytest.fixture(scope="module")
def handbook():
    return read_article(str(MD / "team-handbook.md"))


def test_setext_title_and_heading_attributes(handbook):
    assert handbook.title == "Onboarding handbook for new editors"
    assert headings(handbook) == [
        (None, 2),
        ("Your first week", 2),
        ("A note on access", 4),
        ("Tools we use", 2),
        ("Style basics", 2),
        ("Contact", 2),
    ]


def test_toc_label_bare_url_and_comment_dropped(handbook):
    text = all_text(handbook)
    assert "Contents:" not in text
    assert "internal: keep this file" not in text
    assert "https://handbook.example.org/style" not in text
    assert "full style guide" in text  # link text inside prose is kept
    reasons = {d.reason for d in handbook.dropped}
    assert "link-only list (navigation or table of contents)" in reasons
    assert "label of a link-only list" in reasons
    assert "link-only line (no prose)" in reasons


def test_qa_faq_definition_list_table_and_indented_code(handbook):
    assert [f.question for f in handbook.faq] == [
        "Who approves a story for publication?",
        "Can I publish on a weekend?",
    ]
    assert handbook.faq[1].answer == (
        "Only breaking news. Everything else waits for Monday's planning meeting.\n\n"
        "Weekend shifts rotate monthly."
    )
    tools = next(s for s in handbook.sections if s.heading == "Tools we use")
    kinds = [b.kind for b in tools.blocks]
    assert kinds == ["list", "list", "paragraph", "code"]
    assert tools.blocks[0].items[0] == (
        "Term glossary: The shared list of words we capitalise, hyphenate or avoid."
    )
    assert tools.blocks[1].items == (
        "Tool | Used for",
        "Board | Planning",
        "Glossary | Spelling and terms",
    )
    assert tools.blocks[3].text.startswith("Ctrl+Shift+P")
    week = next(s for s in handbook.sections if s.heading == "Your first week")
    assert week.blocks[1].ordered is True
    assert "Keep your notes short." in week.blocks[1].items
    logo = handbook.sections[0].blocks[0]
    assert isinstance(logo, Image) and logo.alt == "Handbook logo"


# ---- small documents ----------------------------------------------------------------------


def test_inline_markup_and_urls():
    a = read(
        "# T\n\nSee [the guide](https://x.example/guide) or <https://x.example/raw>, "
        "`code` and *emphasis*.  \nNext line.\n",
        path="a.md",
    )
    assert a.sections[0].blocks[0].text == (
        "See the guide or https://x.example/raw, code and emphasis. Next line."
    )


def test_permalink_marks_stripped_from_headings():
    a = read(
        "# Title ¶\n\n## Setup [¶](#setup)\n\nText here.\n\n## Use {#use}\n\nMore.\n", path=None
    )
    assert a.title == "Title"
    assert [s.heading for s in a.sections] == ["Setup", "Use"]


def test_details_outside_faq_is_unfolded_content():
    a = read(
        "# Notes\n\nIntro text.\n\n<details><summary>Show the full log</summary>\n"
        "<p>Line one of the log explained.</p>\n</details>\n",
        path=None,
    )
    assert a.faq == ()
    texts = [b.text for b in a.blocks()]
    assert texts == ["Intro text.", "Show the full log", "Line one of the log explained."]


def test_definition_list_under_faq_heading():
    a = read(
        "# Help\n\nSome intro.\n\n## FAQ\n\nIs it free?\n: Yes, for teams of up to five.\n\n"
        "Can I export?\n: Yes.\n\n: As CSV or JSON.\n",
        path=None,
    )
    assert [(f.question, f.answer) for f in a.faq] == [
        ("Is it free?", "Yes, for teams of up to five."),
        ("Can I export?", "Yes.\n\nAs CSV or JSON."),
    ]
    assert [s.heading for s in a.sections] == [None]


def test_front_matter_variants():
    a = read(
        "---\ntitle: From front matter\ndate: '2024-05-06T09:30:00Z'\ntags: a, b\n"
        "author: [Ann, Bo]\nurl: /relative/path\n---\n# From H1\n\nBody text.\n",
        path=None,
    )
    assert a.title == "From front matter"
    assert isinstance(a.published, datetime) and a.published.hour == 9
    assert a.tags == ("a", "b")
    assert a.author == "Ann, Bo"
    assert a.url is None  # a site-relative permalink is not a URL
    assert [b.text for b in a.blocks()] == ["Body text."]


def test_invalid_front_matter_is_reported_not_fatal():
    a = read("---\ntitle: [unclosed\n---\n# Real title\n\nText.\n", path=None)
    assert a.title == "Real title"
    assert a.dropped[0].reason == "front matter is not valid YAML"


def test_title_from_file_name_when_there_is_no_heading():
    a = read("Just a paragraph of text, nothing else.\n", path="notes/release-notes_v2.md")
    assert a.title == "Release notes v2"


@pytest.mark.parametrize(
    "text",
    ["---\ntitle: Only metadata\n---\n", "[![b](https://img.shields.io/x)](y)\n", "<!-- x -->\n"],
)
def test_no_article_text_is_an_input_error(text):
    with pytest.raises(InputError, match="no article found") as err:
        read(text, path="empty.md")
    assert "empty.md" in str(err.value)


# ---- a README-style post: HTML logo block, badges, bold TOC label, mixed FAQ, footer ---------


def test_readme_style_post_with_mixed_faq():
    a = read_article(str(FIXTURES / "markdown" / "readme-badges-faq.md"))
    assert a.title == "Tidepool: a tiny queue for Postgres"
    assert a.author == "Mira Chen, Joe Park"
    assert a.url == "https://tidepool.example.dev/blog/intro"
    assert a.tags == ("postgres", "queues")
    assert headings(a) == [(None, 2), ("Why", 2), ("Install", 2)]
    intro = a.sections[0].blocks
    assert [b.kind for b in intro] == ["image", "paragraph"]
    assert intro[0].alt == "Tidepool logo" and intro[0].source.lines == (12, 14)
    # bold question with its answer on the next line, bold question then a paragraph, <details>:
    # one FAQ, in reading order, each question without its bold marks
    assert [(f.question, f.source.lines) for f in a.faq] == [
        ("Is it fast enough?", (42, 43)),
        ("Does it retry failed jobs?", (45, 47)),
        ("Can I use it with SQLite?", (49, 54)),
    ]
    assert a.faq[0].answer == "For a few thousand jobs a minute, yes. Beyond that, measure first."
    assert a.faq[1].answer == "Yes, with exponential back-off. You can set the limit per job type."
    text = all_text(a)
    for furniture in ("shields", "Table of contents", "Made with", "Discord", "[!NOTE]"):
        assert furniture not in text
    assert [(d.reason, d.source.lines) for d in a.dropped] == [
        ("badge row (images and links, no prose)", (16, 16)),
        ("label of a link-only list", (18, 18)),
        ("link-only list (navigation or table of contents)", (19, 22)),
        ("FAQ heading (its items are in the FAQ)", (40, 40)),
        ("footer after the closing rule", (58, 58)),
    ]
