"""Reader rules found by the review of rendered output (tests/fixtures/review/).

Each rule is tested on the review fixture that showed the problem and on small texts written
here that vary it (the rule is general: structure, position, density, punctuation), including
a case the rule must leave alone.
"""

from __future__ import annotations

from repurpose.ingest import read_article, text
from repurpose.model import Article, Paragraph

from ..conftest import FIXTURES
from .test_ingest_text import assert_no_furniture_in_blocks

REVIEW = FIXTURES / "review"

BODY = (
    "Most teams that try a shorter week keep every meeting they had and simply squeeze them "
    "closer together, which is why the shorter week feels longer than the old one did.\n\n"
    "The teams that kept their shorter week started by deleting recurring meetings and moving "
    "status updates into a shared document that everyone reads on the same afternoon.\n\n"
    "Managers were the hardest part, because their own reviews still counted hours of visible "
    "activity rather than what their teams delivered over the quarter.\n"
)


def paragraphs(a: Article) -> list[str]:
    return [b.text for b in a.blocks() if isinstance(b, Paragraph)]


def reasons(a: Article) -> dict[str, str]:
    return {d.text: d.reason for d in a.dropped}


# ---- 1. text: a headline under a masthead; a newsletter's sign-off ----------------------------


def test_headline_right_above_the_text_wins_over_the_widget_box_of_its_masthead():
    a = read_article(str(REVIEW / "newsletter-opinion.txt"))
    assert a.title == "Why Your Four-Day Week Pilot Will Probably Fail"
    assert "The Slow Lane — Issue 47" in reasons(a)
    assert [s.heading for s in a.sections] == [
        None,
        "The calendar is not the work",
        "What the successful teams did differently",
        "The managers are the bottleneck",
        "So should you try it?",
    ]
    assert_no_furniture_in_blocks(a)


def test_masthead_and_headline_in_one_block_own_text():
    page = "Shop Floor Letters — Issue 9\nWhy Shorter Weeks Fail Without Fewer Meetings\n\n" + BODY
    a = text.read(page, path="letter.txt")
    assert a.title == "Why Shorter Weeks Fail Without Fewer Meetings"
    assert "Shop Floor Letters — Issue 9" in reasons(a)


def test_a_block_of_headlines_the_text_does_not_use_stays_furniture():
    page = "Trending Now Everywhere\nTen Gadgets For Your Kitchen Counter\n\n" + BODY
    a = text.read(page, path="letter.txt")
    assert a.title == "Letter"  # the file name: no headline of this article is on the page
    assert {"Trending Now Everywhere", "Ten Gadgets For Your Kitchen Counter"} <= set(reasons(a))


def test_newsletter_sign_off_after_the_last_paragraph_is_dropped_with_a_reason():
    a = read_article(str(REVIEW / "newsletter-opinion.txt"))
    paras = paragraphs(a)
    assert paras[-1].startswith("And tell people honestly that it might not work.")
    why = reasons(a)
    closing = [t for t, r in why.items() if r.startswith("closing greeting or sign-off")]
    assert [t[:18] for t in closing] == ["Thanks for reading", "Talk soon,", "Marta"]
    assert not any("Hit reply" in p for p in paras)


def test_sign_off_own_text_second_person_calls_and_a_signature():
    page = (
        "Why Shorter Weeks Fail Without Fewer Meetings\n\n"
        + BODY
        + "\nThat's it from me. Forward this to a colleague who runs a pilot, and let me know "
        "what you changed first.\n\nCheers,\n— Jo Park\n"
    )
    a = text.read(page, path="x.txt")
    assert paragraphs(a)[-1].startswith("Managers were the hardest part")
    closing = {t for t, r in reasons(a).items() if r.startswith("closing greeting")}
    assert len(closing) == 3 and "Cheers," in closing and "— Jo Park" in closing


def test_a_real_concluding_paragraph_stays():
    conclusion = (
        "So pick one team, give them a month to remove work before the short weeks begin, and "
        "tell everyone honestly that the pilot might not work.\n"
    )
    page = "Why Shorter Weeks Fail Without Fewer Meetings\n\n" + BODY + "\n" + conclusion
    a = text.read(page, path="x.txt")
    assert paragraphs(a)[-1].startswith("So pick one team")
    # a valediction after it goes, the conclusion (no call to reply or share) stays
    a = text.read(page + "\nCheers,\nJo\n", path="x.txt")
    assert paragraphs(a)[-1].startswith("So pick one team")
    assert reasons(a)["Cheers,"].startswith("closing greeting")
