"""Hand-built Articles and Compositions for render tests (independent of ingest and compose)."""

from __future__ import annotations

from datetime import date

from repurpose.model import (
    Article,
    Composition,
    Digest,
    DigestBlock,
    FaqEntry,
    FaqItem,
    FaqSnippet,
    Paragraph,
    Post,
    Section,
    Thread,
    Warning_,
)

SCRIPT = "<script>alert('x')</script>"
CTA = "https://blog.example.org/field-notes?utm_source=repurpose&utm_medium=email&utm_campaign=field-notes"


def article(*, url: str | None = "https://blog.example.org/field-notes") -> Article:
    return Article(
        title="Field notes: shipping a tiny weather station",
        url=url,
        published=date(2025, 3, 14),
        lang="en",
        sections=(
            Section(
                id="intro",
                heading=None,
                blocks=(
                    Paragraph(
                        id="b1", text="We built a weather station that runs a year on a coin cell."
                    ),
                ),
            ),
            Section(
                id="power-budget",
                heading="Power budget",
                blocks=(
                    Paragraph(
                        id="b2",
                        text=f"The radio sleeps 99% of the time & wakes on a timer. {SCRIPT} is not code we run.",
                    ),
                ),
            ),
            Section(
                id="enclosure",
                heading="Enclosure & mounting",
                blocks=(
                    Paragraph(
                        id="b3",
                        text="A printed shell keeps rain out. Files are at https://files.example.net/shell_v2.stl for anyone.",
                    ),
                ),
            ),
        ),
        faq=(
            FaqItem(id="faq1", question="How long does the battery last?", answer="About a year."),
        ),
        word_count=42,
        reading_minutes=1,
    )


def composition(
    *, url: str | None = "https://blog.example.org/field-notes", faq: bool = True
) -> Composition:
    art = article(url=url)
    digest = Digest(
        subject="Shipping a tiny weather station",
        preheader="A year on a coin cell: the power budget, the enclosure and what we would change",
        intro="We built a weather station that runs a year on a coin cell.",
        intro_source=("b1",),
        blocks=(
            DigestBlock(
                heading="Power budget",
                text=f"The radio sleeps 99% of the time & wakes on a timer. {SCRIPT} is not code we run.",
                source=("b2",),
                section_id="power-budget",
            ),
            DigestBlock(
                heading="Enclosure & mounting",
                text="A printed shell keeps rain out. Files are at https://files.example.net/shell_v2.stl for anyone.",
                source=("b3",),
                section_id="enclosure",
            ),
        ),
        faq_teaser=("How long does the battery last?", f"Is {SCRIPT} safe?") if faq else (),
        cta_url=CTA if url else None,
    )
    posts_x = (
        Post(
            text="We built a weather station that runs a year on a coin cell. 1/3",
            length=64,
            source=("b1",),
        ),
        Post(text=f"The radio sleeps 99% of the time. {SCRIPT} 2/3", length=66, source=("b2",)),
        Post(
            text=f"Read it all: {url}?utm_source=repurpose&utm_medium=x 3/3"
            if url
            else "That's all. 3/3",
            length=40,
            source=(),
        ),
    )
    threads = (
        Thread(platform="x", limit=280, posts=posts_x),
        Thread(platform="mastodon", limit=500, posts=posts_x[:2]),
    )
    snippet = (
        FaqSnippet(
            origin="article",
            items=(
                FaqEntry(
                    question="How long does the battery last?",
                    answer="About a year.\n\nLonger in summer.",
                    source=("faq1",),
                ),
                FaqEntry(
                    question=f"Is {SCRIPT} safe?",
                    answer=f"Yes: {SCRIPT} is shown as text & never run. See https://example.org/a_b.",
                    source=("b2",),
                ),
            ),
        )
        if faq
        else None
    )
    return Composition(
        article=art,
        digest=digest,
        threads=threads,
        faq=snippet,
        hashtags=("#weather",),
        warnings=() if faq else (Warning_(code="no-faq", message="no FAQ found"),),
    )
