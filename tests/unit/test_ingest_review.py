"""Reader rules found by the review of rendered output (tests/fixtures/review/).

Each rule is tested on the review fixture that showed the problem and on small texts written
here that vary it (the rule is general: structure, position, density, punctuation), including
a case the rule must leave alone.
"""

from __future__ import annotations

from repurpose.ingest import markdown, read_article, text
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


# ---- 2, 3. Markdown: calls to action after the last answer or between sections ----------------

MD_BODY = (
    "# Harbor 3 Is Here\n\n"
    "Harbor keeps a team's files in one place, and version 3 makes sharing them with clients "
    "as simple as sending a link that expires on its own.\n\n"
    "## Links that expire\n\n"
    "Every shared link now carries an expiry date, and the owner can extend it from the file "
    "page without sending a new link to the client.\n\n"
)
MD_FAQ = (
    "## FAQ\n\n"
    "**Is it included in my plan?**\n"
    "Yes. Every paid plan has it at no extra cost.\n\n"
    "**How do I get help?**\n"
    "Email us at help@harbor.example and we answer within a day.\n\n"
)


def test_contact_calls_after_the_last_faq_answer_are_not_part_of_it():
    a = read_article(str(REVIEW / "launch-tidepool.md"))
    last = a.faq[-1]
    assert last.question == "Will the mobile apps get these features?"
    assert last.answer == (
        "Collision detection arrives in the iOS and Android apps later this month. "
        "Shared reports are web-only for now."
    )
    why = reasons(a)
    assert why["Questions? Email us at hello@tidepool.example. Follow us on X for product news."]
    assert all("hello@" not in f.answer for f in a.faq)


def test_contact_calls_own_text_after_a_rule_or_a_blank_line():
    calls = "Questions? Write to us at team@harbor.example or follow us @harborapp for news.\n"
    for sep in ("", "---\n\n"):
        a = markdown.read(MD_BODY + MD_FAQ + sep + calls, path="x.md")
        assert [f.question for f in a.faq] == [
            "Is it included in my plan?",
            "How do I get help?",
        ]
        # an answer that is itself a contact line stays the answer
        assert a.faq[1].answer == "Email us at help@harbor.example and we answer within a day."
        assert reasons(a)[calls.strip()].startswith("call to action")


def test_subscribe_call_between_sections_is_dropped_like_the_text_reader_does():
    a = read_article(str(REVIEW / "saas-webhooks-howto.md"))
    line = "Click here to subscribe to our engineering newsletter."
    assert reasons(a)[line].startswith("call to action")
    assert all(line not in p for p in paragraphs(a))
    page = MD_BODY + "[Sign up](https://harbor.example/news) for our newsletter and follow us.\n\n"
    page += "## Pricing\n\nHarbor 3 costs the same as Harbor 2 for every plan and seat count.\n"
    a = markdown.read(page, path="x.md")
    assert not any("Sign up" in p for p in paragraphs(a))
    assert reasons(a)["Sign up for our newsletter and follow us."].startswith("call to action")


def test_a_how_to_step_that_mentions_signing_up_stays():
    page = MD_BODY + (
        "## Getting started\n\n"
        "Sign up for a free account at harbor.example, then create a workspace for your team.\n\n"
        "## Pricing\n\nHarbor 3 costs the same as Harbor 2 for every plan and seat count.\n"
    )
    a = markdown.read(page, path="x.md")
    assert any(p.startswith("Sign up for a free account") for p in paragraphs(a))
    assert not any(r.startswith("call to action") for r in reasons(a).values())


# ---- 4. Markdown links: the address stays available in FAQ answers ----------------------------

LINKED_FAQ = MD_BODY.replace("[", "").replace("]", "") + (
    "See the [setup notes](https://docs.harbor.example/setup) before you start.\n\n"
    "## FAQ\n\n"
    "### How do I install it?\n\n"
    "See [the installation guide](https://docs.harbor.example/install) for every platform.\n\n"
    "### Where is the source?\n\n"
    "On [github.com/harbor/harbor](https://github.com/harbor/harbor), under the MIT licence.\n\n"
    "### Who do I ask?\n\n"
    "- [Email support](mailto:help@harbor.example) for account problems\n"
    "- the [forum](https://forum.harbor.example/) or the [docs](/docs) for everything else\n\n"
    "<details><summary>Is it free?</summary>\n\n"
    "Yes, see [pricing](https://harbor.example/pricing).\n\n"
    "</details>\n"
)


def test_faq_answers_keep_link_addresses_after_the_link_text():
    a = markdown.read(LINKED_FAQ, path="x.md")
    answers = {f.question: f.answer for f in a.faq}
    assert answers == {
        "How do I install it?": (
            "See the installation guide (https://docs.harbor.example/install) for every platform."
        ),
        # the text already is the address: not repeated
        "Where is the source?": "On github.com/harbor/harbor, under the MIT licence.",
        # mail links show the address; a site-relative link has no address a reader can open
        "Who do I ask?": (
            "- Email support (help@harbor.example) for account problems\n"
            "- the forum (https://forum.harbor.example/) or the docs for everything else"
        ),
        "Is it free?": "Yes, see pricing (https://harbor.example/pricing).",
    }
    # outside the FAQ the visible text is kept as it is
    assert "See the setup notes before you start." in paragraphs(a)
    assert all("(https://" not in p for p in paragraphs(a))


def test_faq_with_link_addresses_renders_equal_html_jsonld_and_markdown(tmp_path):
    import json

    from repurpose.config import Settings
    from repurpose.pipeline import build
    from repurpose.render.checks import check_bundle

    src = tmp_path / "harbor.md"
    src.write_text(LINKED_FAQ, encoding="utf-8")
    settings = Settings()
    bundle = build(str(src), settings, url="https://harbor.example/blog/harbor-3")
    assert check_bundle(bundle, settings) == []
    data = json.loads(bundle.files["faq.jsonld"])
    texts = [q["acceptedAnswer"]["text"] for q in data["mainEntity"]]
    install = next(t for t in texts if "installation guide" in t)
    assert "(https://docs.harbor.example/install)" in install
    assert 'href="https://docs.harbor.example/install"' in bundle.files["faq.html"]
    assert "https://docs.harbor.example/install" in bundle.files["faq.md"]
