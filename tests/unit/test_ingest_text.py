"""Plain-text reader: structure from layout, furniture dropped, on fixtures written for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from repurpose.ingest import read_article
from repurpose.ingest.text import read
from repurpose.model import Article, Image, ListBlock, Paragraph

from ..conftest import EXAMPLES, FIXTURES

TEXT = FIXTURES / "text"


def load(path: Path) -> Article:
    return read_article(str(path))


def block_texts(article: Article) -> list[str]:
    out = []
    for b in article.blocks():
        if isinstance(b, ListBlock):
            out.extend(b.items)
        elif isinstance(b, Image):
            out.append(b.alt)
        else:
            out.append(getattr(b, "text", ""))
    return out


def assert_no_furniture_in_blocks(article: Article) -> None:
    """No dropped line shows up in any block, heading or FAQ item."""
    kept = "\n".join(
        block_texts(article)
        + [s.heading or "" for s in article.sections]
        + [f"{f.question}\n{f.answer}" for f in article.faq]
        + [article.title]
    )
    kept_lines = set(kept.split("\n"))
    for d in article.dropped:
        assert d.text not in kept_lines, d
        if len(d.text) > 25:
            assert d.text not in kept, d


def assert_sources_in_order(article: Article) -> None:
    last = 0
    for b in article.blocks():
        assert b.source.lines is not None
        a, z = b.source.lines
        assert 1 <= a <= z and a > last
        last = z


def headings(article: Article) -> list[tuple[int, str | None]]:
    return [(s.level, s.heading) for s in article.sections]


def test_scraped_launch_notes():
    a = load(EXAMPLES / "scraped-launch-notes.txt")
    assert a.title == "Harbor 3.0 Launch Notes: Offline Sync, Faster Search and a Calmer Inbox"
    assert str(a.published) == "2025-03-04"
    assert headings(a) == [
        (2, None),
        (2, "Why We Rebuilt the Core"),
        (3, "A New Storage Layer"),
        (3, "Conflict Handling That Makes Sense"),
        (2, "Search That Keeps Up"),
        (3, "What You Can Search Now"),
        (3, "Filters and Saved Searches"),
        (2, "A Calmer Inbox"),
        (2, "What Comes Next"),
    ]
    assert [f.question for f in a.faq] == [
        "Do I need to pay for offline sync?",
        "How much space does the local copy take?",
        "Will my old saved searches still work?",
        "When does the update reach my team?",
    ]
    # an answer keeps all its lines
    assert a.faq[1].answer.endswith("from the storage settings at any time.")
    # the alt line echoing the title is an image, not a heading or a paragraph
    intro = a.sections[0]
    assert isinstance(intro.blocks[0], Image) and intro.blocks[0].alt == "Harbor 3.0 launch notes"
    # the bulleted list survives as a list
    lists = [b for b in a.blocks() if isinstance(b, ListBlock)]
    assert len(lists) == 1 and len(lists[0].items) == 3 and not lists[0].ordered
    dropped = {d.text for d in a.dropped}
    for furniture in (
        "Home",
        "Sign in",
        "{{ header_banner }}",
        "Related Posts",
        "How We Cut Our Build Times in Half",
        "Share",
        "Tweet",
        "Leave a Reply",
        "Post Comment",
        "Popular Articles",
        "Inside the Design of Our New Sidebar",
    ):
        assert furniture in dropped, furniture
    assert_no_furniture_in_blocks(a)
    assert_sources_in_order(a)


def test_dropped_lines_have_reasons_and_line_numbers():
    a = load(EXAMPLES / "scraped-launch-notes.txt")
    by_text = {d.text: d for d in a.dropped}
    assert by_text["{{ header_banner }}"].reason == "template placeholder"
    assert "comment" in by_text["Leave a Reply"].reason
    assert "share" in by_text["Share"].reason
    assert "related" in by_text["Popular Articles"].reason
    assert by_text["Tuesday, March 4, 2025"].source.lines == (1, 1)


def test_short_article_buried_in_furniture():
    a = load(TEXT / "buried-short.txt")
    assert a.title == "Volunteers Replant the Riverside Orchard"
    assert 180 <= a.word_count <= 230
    paragraphs = [b for b in a.blocks() if isinstance(b, Paragraph)]
    assert len(paragraphs) == 6
    assert paragraphs[0].text.startswith("Forty volunteers")
    assert paragraphs[-1].text.startswith("Anyone who wants to help")
    assert a.faq == ()
    assert len(a.dropped) > 30  # far more furniture than article
    assert_no_furniture_in_blocks(a)


def test_news_page_with_byline_and_comments():
    a = load(TEXT / "news-comments.txt")
    assert a.title == "Ferry Operator Orders Three Electric Boats"
    assert a.author == "Daniel Okafor"
    assert str(a.published) == "2024-06-18"
    assert headings(a) == [
        (2, None),
        (2, "Charging on the quay"),
        (2, "What passengers will notice"),
    ]
    # hard-wrapped lines are joined into paragraphs with their full line range
    first = a.sections[0].blocks[0]
    assert isinstance(first, Paragraph)
    assert first.text.startswith(
        "The company that runs the island ferries has ordered three battery-powered boats, the"
    )
    assert first.source.lines == (10, 12)
    text = "\n".join(block_texts(a))
    assert "About time" not in text and "fares" not in text  # the comment thread is gone
    assert "Advertisement" in {d.text for d in a.dropped}
    assert block_texts(a)[-1].startswith("The diesel ferries")  # the text after the ad stays
    assert_no_furniture_in_blocks(a)
    assert_sources_in_order(a)


def test_q_a_faq_document():
    a = load(TEXT / "qa-faq.txt")
    assert a.title == "Garden Allotments: Questions and Answers"
    assert [f.question for f in a.faq] == [
        "How do I get a plot?",
        "How much does a plot cost?",
        "Can I keep chickens or bees?",
        "What happens if I cannot tend my plot for a few weeks?",
        "Are bonfires allowed?",
    ]
    assert a.faq[2].answer == (
        "Bees are allowed with the committee's written permission and proof that you have done "
        "a beekeeping course.\n\nChickens are not allowed on any part of the site, because of "
        "the risk of attracting rats."
    )
    assert not any(f.answer.startswith("A:") for f in a.faq)
    # the introduction stays an ordinary section; no question is summarised twice
    assert len(a.sections) == 1
    assert "?" not in " ".join(block_texts(a))


def test_numbered_faq_document():
    a = load(TEXT / "numbered-faq.txt")
    assert a.title == "Getting Started With Your Solar Battery"
    assert headings(a) == [(2, None), (2, "How the Battery Learns")]
    assert [f.question for f in a.faq] == [
        "How long does a full charge last?",
        "Does the battery work during a power cut?",
        "Can I add a second battery later?",
        "Why does the app show the battery at 95 percent and not 100?",
    ]
    assert a.faq[1].answer.count("\n\n") == 1  # both paragraphs of the answer
    dropped = {d.text for d in a.dropped}
    assert {"Home", "Guides", "Support", "Login", "Was this article helpful?"} <= dropped
    assert_no_furniture_in_blocks(a)


def test_long_article():
    a = load(TEXT / "long-article.txt")
    assert a.title == "The Quiet Rebuild: How Cities Are Saving Water Street by Street"
    assert a.author == "Ana Ferreira"
    assert a.word_count >= 10_000
    top = [s.heading for s in a.sections if s.level == 2 and s.heading]
    assert len(top) == 10 and top[0] == "Why Cities Are Rethinking Water"
    assert sum(1 for s in a.sections if s.level == 3) == 20
    assert len(a.faq) == 4
    assert any(isinstance(b, ListBlock) for b in a.blocks())
    # the line introducing a list is a paragraph, not a heading
    assert "The main steps were:" not in {s.heading for s in a.sections}
    assert_sources_in_order(a)


def test_long_fixture_is_what_the_generator_writes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_long", TEXT / "make_long.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path / "long.txt")
    mod.main()
    assert (tmp_path / "long.txt").read_text() == (TEXT / "long-article.txt").read_text()


def test_reference_article(seed_article):
    """Structural facts of the user's reference page, computed without copying its text."""
    a = load(seed_article)
    raw = seed_article.read_text(encoding="utf-8").split("\n")
    first_prose = next(i for i, ln in enumerate(raw) if len(ln.split()) > 30)
    # the title is a line above the main prose, and the body uses its words
    title_line = raw.index(a.title) if a.title in raw else -1
    assert 0 <= title_line < first_prose
    assert a.published is not None
    assert len(a.faq) == 5
    assert all(f.question.endswith("?") and not re.match(r"\d", f.question) for f in a.faq)
    assert all(len(f.answer.split()) > 5 for f in a.faq)
    top = [s for s in a.sections if s.level == 2 and s.heading]
    subs = [s for s in a.sections if s.level == 3]
    assert len(top) > 5 and len(subs) > 5
    assert not any(s.heading and s.heading.lower().startswith("faq") for s in a.sections)
    assert all(s.word_count > 0 for s in subs)
    assert a.dropped and all(d.reason for d in a.dropped)
    assert_no_furniture_in_blocks(a)
    assert_sources_in_order(a)
    # every line of the file is accounted for: in a block, a heading, the FAQ, title or dropped
    covered: set[int] = set()
    for item in [*a.blocks(), *a.sections, *a.faq, *a.dropped]:
        if item.source.lines:
            covered.update(range(item.source.lines[0], item.source.lines[1] + 1))
    missing = [
        i + 1 for i, ln in enumerate(raw) if ln.strip() and i + 1 not in covered and ln != a.title
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Plain Title\n\nThis is the only paragraph of the article, and it has enough words.\n",
            "Plain Title",
        ),
        (
            "\ufeffBOM Title\r\n\r\nA paragraph that is long enough to count as article prose here.\r\n",
            "BOM Title",
        ),
    ],
)
def test_minimal_articles(text, title):
    a = read(text.replace("\r\n", "\n"), path="x.txt")
    assert a.title == title
    assert len(list(a.blocks())) == 1


def test_no_title_line_falls_back_to_file_name():
    a = read(
        "Just one paragraph of prose that has quite a few words in it to count.\n",
        path="my-notes.txt",
    )
    assert a.title == "My notes"


def test_no_prose_is_an_input_error():
    from repurpose.errors import InputError

    with pytest.raises(InputError, match="no article"):
        read("Home\nAbout\nContact\n", path="menu.txt")


def test_sub_heading_rhythm_and_caps():
    text = (
        "Guide Title\n\nIntro paragraph with enough words to be prose for the reader.\n\n\n"
        "FIRST PART\n\nThe first part has a paragraph that is long enough to be prose.\n\n"
        "Detail One\n\nA sub-section paragraph that is also long enough to be prose.\n\n\n"
        "SECOND PART\n\nThe second part has a paragraph that is long enough to be prose.\n"
    )
    a = read(text, path="g.txt")
    assert headings(a) == [
        (2, None),
        (2, "FIRST PART"),
        (3, "Detail One"),
        (2, "SECOND PART"),
    ]


def test_dates_bylines_and_captions():
    text = (
        "My Title\n\nPublished: 3 May 2024\n\nPhoto: Jane Doe for the Gazette\n\n"
        "A paragraph with enough words to be the article prose for this test.\n\n"
        "Second Part\n\nAnother paragraph with enough words to be the article prose here.\n"
    )
    a = read(text, path="x.txt")
    assert str(a.published) == "2024-05-03"
    assert headings(a) == [(2, None), (2, "Second Part")]
    first = a.sections[0].blocks[0]
    assert isinstance(first, Image) and first.alt == "Photo: Jane Doe for the Gazette"
    assert [d.reason for d in a.dropped] == ["dateline (used as article metadata)"]


def test_small_print_and_one_separator_menu():
    a = read(
        "Home | Blog\n\nMy Real Title\n\n5 min read\n\n"
        "A paragraph with enough words to be the article prose for this test.\n",
        path="x.txt",
    )
    assert a.title == "My Real Title"
    assert [d.text for d in a.dropped] == ["Home | Blog", "5 min read"]
    assert len(list(a.blocks())) == 1
