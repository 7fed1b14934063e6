"""commands.inspect.report: the text `repurpose inspect` prints for an Article."""

from __future__ import annotations

from datetime import date

from repurpose.commands.inspect import report
from repurpose.model import Article, Dropped, FaqItem, Paragraph, Section, Source


def test_report_lists_metadata_sections_faq_and_dropped_lines():
    article = Article(
        title="Spring notes",
        author="Ana",
        published=date(2025, 3, 4),
        word_count=130,
        reading_minutes=1,
        format="markdown",
        sections=(
            Section(id="s0", heading=None, blocks=(Paragraph(id="p0", text="Hello there."),)),
            Section(
                id="s1",
                heading="Deep part",
                level=3,
                blocks=(Paragraph(id="p1", text="one"), Paragraph(id="p2", text="two")),
            ),
            Section(id="s2", heading="Tiny", level=4, blocks=(Paragraph(id="p3", text="one"),)),
        ),
        faq=(FaqItem(id="f0", question="Why?", answer=" ".join(f"w{k}" for k in range(14))),),
        dropped=(
            Dropped(text="Share this", reason="share links", source=Source(lines=(7, 7))),
            Dropped(text="Menu Home About", reason="navigation", source=Source(lines=(1, 3))),
            Dropped(text="a b c d e f g h i j k", reason="footer", source=Source(path="x.html")),
        ),
    )
    assert report(article).split("\n") == [
        "title:     Spring notes",
        "format:    markdown",
        "date:      2025-03-04",
        "author:    Ana",
        "url:       -",
        "words:     130 (1 min read)",
        "",
        "sections (3):",
        "  (introduction)  [2 words, 1 block]",
        "    Deep part  [2 words, 2 blocks]",
        "      Tiny  [1 word, 1 block]",
        "",
        "faq (1):",
        "  Q: Why?",
        "     A: w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 …",
        "",
        "dropped (3):",
        "        line 7  'Share this'  — share links",
        "     lines 1-3  'Menu Home About'  — navigation",
        "        x.html  'a b c d e f g h i j …'  — footer",
    ]
