"""Plain-text reader: a short call to action between sections (a newsletter sign-up line,
"Download our free guide …", "Follow us on …") is dropped with a reason, as the Markdown and HTML
readers drop one closing a section; a call right under its heading, a how-to step that mentions
signing up or downloading, and an FAQ answer stay."""

from __future__ import annotations

import pytest

from repurpose.ingest import read_article
from repurpose.ingest.text import read
from repurpose.model import Paragraph

from ..conftest import FIXTURES

FIXTURE = FIXTURES / "text" / "calls-between-sections.txt"
CTA = "call to action (subscribe, follow, contact) at the end of a section"


def paragraphs(a) -> list[str]:
    return [b.text for b in a.blocks() if isinstance(b, Paragraph)]


def reasons(a) -> dict[str, str]:
    return {d.text: d.reason for d in a.dropped}


def test_calls_between_sections_are_dropped_with_a_reason():
    a = read_article(str(FIXTURE))
    r = reasons(a)
    for line in (
        "Subscribe to our newsletter for more stories like this one.",
        "Download our free guide to cloud cost reviews",
        "Follow us on Mastodon and LinkedIn for more engineering stories.",
    ):
        assert r[line] == CTA
        assert all(line not in p for p in paragraphs(a))
    # the call line is no sub-heading and the call after it is not its text
    assert [(s.heading, s.level) for s in a.sections] == [
        (None, 2),
        ("Finding the Waste", 2),
        ("Get in Touch", 2),
        ("Right-Sizing the Servers", 2),
        ("Getting Started Yourself", 2),
        ("What Comes Next", 2),
    ]


def test_what_stays():
    a = read_article(str(FIXTURE))
    kept = paragraphs(a)
    # right under its heading: the section's content
    assert (
        "Email us at hello@costview.example or follow us on Mastodon if you want the script we "
        "used."
    ) in kept
    # steps of instructions
    assert (
        "Sign up for a free account at costview.example, then connect your billing export and "
        "wait for the first report."
    ) in kept
    assert (
        "Download our reporting app, then open the savings tab to see which teams changed the most."
    ) in kept
    # an FAQ answer keeps all its paragraphs
    assert [f.question for f in a.faq] == [
        "Does this work with more than one cloud provider?",
        "Who can I ask for help with the first review?",
    ]
    assert a.faq[1].answer == (
        "Any of the platform engineers can walk you through it in half an hour.\n\n"
        "Email us at platform@costview.example and we will book a time."
    )
    assert sorted(t for t, why in reasons(a).items() if why.startswith("call to action")) == [
        "Download our free guide to cloud cost reviews",
        "Follow us on Mastodon and LinkedIn for more engineering stories.",
        "Subscribe to our newsletter for more stories like this one.",
    ]


PARA = (
    "Our team moved every build to the new runners in a single week, and the queue times that "
    "used to stretch past lunch dropped to a few minutes for almost every project we host."
)
MORE = (
    "The cost went down as well, because the new runners shut themselves down when the queue "
    "is empty instead of waiting for somebody to remember them at the end of the month."
)


def page(middle: str) -> str:
    return (
        f"Faster Builds for Everyone\n\n{PARA}\n\n{MORE}\n\n\nWhat Changed\n\n{PARA}\n\n"
        f"{middle}\n\n\nWhat Comes Next\n\n{MORE}\n\n{PARA}\n"
    )


@pytest.mark.parametrize(
    "call",
    [
        "Join our newsletter for a build tip every Friday.",
        "Download our free checklist for faster pipelines",
        "Follow us on Bluesky for the next part of this series.",
        "Questions? Email us at builds@example.org or follow us @buildteam.",
    ],
)
def test_a_call_closing_a_section_goes(call):
    a = read(page(call), path="x.txt")
    assert reasons(a)[call] == CTA
    assert call not in paragraphs(a)
    assert [s.heading for s in a.sections] == [None, "What Changed", "What Comes Next"]


@pytest.mark.parametrize(
    "line",
    [
        "Download our installer, then run it once on every build machine.",  # a step
        "Subscribe to the events you care about in the project settings.",  # no call
        "We reached out to the vendor and asked them to follow up on the slow disks.",
    ],
)
def test_ordinary_paragraphs_closing_a_section_stay(line):
    a = read(page(line), path="x.txt")
    assert line in paragraphs(a)
    assert not any(r.startswith("call to action") for r in reasons(a).values())
