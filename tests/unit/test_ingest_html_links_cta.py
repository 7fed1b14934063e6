"""HTML reader, on a par with the Markdown reader: a short call to action (subscribe, follow,
contact us) closing a section or the page is dropped with a reason, so it never joins the last
FAQ answer; FAQ answers keep link addresses after link texts, ordinary sections keep only the
visible text; the rendered FAQ (HTML, JSON-LD, Markdown) stays consistent."""

from __future__ import annotations

import json

import pytest

from repurpose.ingest import read_article
from repurpose.ingest.html import read as read_html
from repurpose.model import Paragraph
from tests.conftest import FIXTURES

HTML = FIXTURES / "html"
DETAILS = HTML / "linked-details-faq.html"
YOAST = HTML / "yoast-faq-contact-calls.html"


def paragraphs(article) -> list[str]:
    return [b.text for s in article.sections for b in s.blocks if isinstance(b, Paragraph)]


def reasons(article) -> dict[str, str]:
    return {d.text: d.reason for d in article.dropped}


def page(body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Harbor 3 - Harbor Blog</title></head><body>"
        "<article><h1>Harbor 3 is here</h1>"
        "<p>Harbor keeps a team's files in one place, and version 3 makes sharing them with "
        "clients as simple as sending a link that expires on its own after a week.</p>"
        "<h2>Links that expire</h2>"
        "<p>Every shared link now carries an expiry date, and the owner can extend it from the "
        "file page without sending a new link to the client.</p>"
        + body
        + "</article></body></html>"
    )


# ---- link addresses in FAQ answers ------------------------------------------------------------


def test_details_faq_answers_keep_link_addresses():
    a = read_article(str(DETAILS))
    assert {f.question: f.answer for f in a.faq} == {
        "Which tool renders the files as a website?": (
            "We use a static site generator; see the site setup notes "
            "(https://docs.lanternfish.example/site) for the configuration we run."
        ),
        # the link text already is the address: not repeated
        "Where does the migration script live?": (
            "It is public at github.com/lanternfish/wiki-export under the MIT licence."
        ),
        # a mail link shows the bare address; a site-relative link is resolved against the
        # page's canonical address
        "Who do I ask when a page is wrong?": (
            "Write to the docs team (docs@lanternfish.example) or open an issue on the handbook "
            "tracker (https://notes.lanternfish.example/handbook/issues).\n\n"
            "- Urgent fixes: the docs channel (https://chat.lanternfish.example/docs)\n"
            "- Everything else: a pull request"
        ),
    }


def test_ordinary_sections_keep_only_the_visible_text():
    a = read_article(str(DETAILS))
    assert [s.heading for s in a.sections] == [
        None,
        "Why files beat a wiki for us",
        "What we kept from the wiki",
    ]
    assert (
        "We wrote the migration script in an afternoon, following the export format notes that "
        "the wiki vendor publishes, and spent the rest of the week fixing links between pages by "
        "hand."
    ) in paragraphs(a)
    assert all("(http" not in p and "lanternfish.example" not in p for p in paragraphs(a))


def test_yoast_faq_answer_keeps_its_link_address():
    a = read_article(str(YOAST))
    assert a.faq[0].question == "Which soil mix should I use?"
    assert a.faq[0].answer == (
        "Equal parts bark, perlite and coir work well; our aroid mix guide "
        "(https://greenroom.example/guides/aroid-mix) gives the exact recipe."
    )


def test_only_web_and_mail_addresses_are_shown():
    a = read_html(
        page(
            "<h2>FAQ</h2><h3>Where are the docs?</h3>"
            "<p>Read the <a href='/docs/start'>getting started page</a>, the "
            "<a href='ftp://files.harbor.example/manual.pdf'>manual</a> or the "
            "<a href='https://harbor.example/help?topic=links'>help centre</a>.</p>"
            "<h3>Is there a changelog?</h3>"
            "<p>Yes, on <a href='https://www.harbor.example/changelog/'>harbor.example/changelog</a>."
            "</p>"
        ),
        path="x.html",
    )
    assert [f.answer for f in a.faq] == [
        "Read the getting started page, the manual or the help centre "
        "(https://harbor.example/help?topic=links).",
        "Yes, on harbor.example/changelog.",
    ]


# ---- calls to action -------------------------------------------------------------------------


def test_contact_calls_after_the_last_yoast_answer_are_not_part_of_it():
    a = read_article(str(YOAST))
    assert [f.question for f in a.faq] == [
        "Which soil mix should I use?",
        "Should I water right after repotting?",
        "Why are the leaves drooping after repotting?",
    ]
    assert a.faq[-1].answer == (
        "A few days of drooping is transplant shock. Keep the plant out of direct sun and it "
        "recovers within a week."
    )
    calls = (
        "Questions? Email us at hello@greenroom.example. Follow us on Mastodon for more plant "
        "care tips."
    )
    assert reasons(a)[calls] == (
        "call to action (subscribe, follow, contact) at the end of the article"
    )
    assert all("greenroom.example" not in f.answer for f in a.faq[1:])
    assert all("Follow us" not in p for p in paragraphs(a))


def test_subscribe_call_closing_a_section_is_dropped():
    a = read_article(str(DETAILS))
    line = "Subscribe to our newsletter and follow us on Mastodon for the next post in this series."
    assert reasons(a)[line] == "call to action (subscribe, follow, contact) at the end of a section"
    assert line not in paragraphs(a)


@pytest.mark.parametrize("faq", ["details", "headings"])
def test_contact_calls_after_an_faq_at_the_end_of_the_page(faq):
    calls = "Questions? Write to us at team@harbor.example or follow us @harborapp for news."
    if faq == "details":
        items = (
            "<details><summary>Is it included in my plan?</summary><p>Yes. Every paid plan has "
            "it at no extra cost.</p></details>"
            "<details><summary>How do I get help?</summary><p>Email us at help@harbor.example "
            "and we answer within a day.</p></details>"
        )
    else:
        items = (
            "<h3>Is it included in my plan?</h3><p>Yes. Every paid plan has it at no extra "
            "cost.</p><h3>How do I get help?</h3><p>Email us at help@harbor.example and we "
            "answer within a day.</p>"
        )
    a = read_html(page(f"<h2>FAQ</h2>{items}<p>{calls}</p>"), path="x.html")
    assert [(f.question, f.answer) for f in a.faq] == [
        ("Is it included in my plan?", "Yes. Every paid plan has it at no extra cost."),
        # an answer that is itself a contact line stays the answer
        ("How do I get help?", "Email us at help@harbor.example and we answer within a day."),
    ]
    assert (
        reasons(a)[calls] == "call to action (subscribe, follow, contact) at the end of the article"
    )
    assert [s.heading for s in a.sections] == [None, "Links that expire"]


def test_contact_paragraph_right_under_its_heading_stays():
    text = "Email us at hello@harbor.example or follow us on Mastodon for release news."
    a = read_html(page(f"<h2>Get in touch</h2><p>{text}</p>"), path="x.html")
    assert a.sections[-1].heading == "Get in touch"
    assert paragraphs(a)[-1] == text
    assert not any(r.startswith("call to action") for r in reasons(a).values())


def test_a_how_to_step_that_mentions_signing_up_stays():
    step = "Sign up for a free account at harbor.example, then create a workspace for your team."
    a = read_html(
        page(
            f"<h2>Getting started</h2><p>Open the Harbor website first.</p><p>{step}</p>"
            "<h2>Pricing</h2><p>Harbor 3 costs the same as Harbor 2 for every plan and seat.</p>"
        ),
        path="x.html",
    )
    assert step in paragraphs(a)
    assert not any(r.startswith("call to action") for r in reasons(a).values())


# ---- the whole pipeline: the three FAQ renderings agree --------------------------------------


@pytest.mark.parametrize("fixture", [DETAILS, YOAST], ids=lambda p: p.stem)
def test_rendered_faq_html_jsonld_and_markdown_agree(fixture):
    from repurpose.config import Settings
    from repurpose.pipeline import build
    from repurpose.render.checks import check_bundle

    settings = Settings()
    bundle = build(str(fixture), settings)
    assert check_bundle(bundle, settings) == []
    article = read_article(str(fixture))
    data = json.loads(bundle.files["faq.jsonld"])
    assert [q["name"] for q in data["mainEntity"]] == [f.question for f in article.faq]
    linked = [f for f in article.faq if "(https://" in f.answer]
    assert linked
    for f in linked:
        url = f.answer.split("(https://", 1)[1].split(")", 1)[0]
        assert any(f"(https://{url})" in q["acceptedAnswer"]["text"] for q in data["mainEntity"])
        assert f'href="https://{url}"' in bundle.files["faq.html"]
        assert f"https://{url}" in bundle.files["faq.md"]
    for text in ("hello@greenroom.example. Follow us", "Subscribe to our newsletter"):
        for name in ("faq.html", "faq.jsonld", "faq.md"):
            assert text not in bundle.files[name]


def test_markdown_reader_shares_the_rule_after_a_details_faq():
    """The helper is shared: a call after a closed <details> FAQ goes in Markdown too."""
    from repurpose.ingest import markdown

    calls = "Questions? Write to us at team@harbor.example or follow us @harborapp for news."
    md = (
        "# Harbor 3\n\nHarbor keeps a team's files in one place, and version 3 makes sharing "
        "them with clients simple.\n\n## FAQ\n\n<details><summary>Is it free?</summary>\n\n"
        f"Yes, on every paid plan at no extra cost.\n\n</details>\n\n{calls}\n"
    )
    a = markdown.read(md, path="x.md")
    assert [(f.question, f.answer) for f in a.faq] == [
        ("Is it free?", "Yes, on every paid plan at no extra cost.")
    ]
    assert (
        reasons(a)[calls] == "call to action (subscribe, follow, contact) at the end of the article"
    )
    assert [s.heading for s in a.sections] == [None]
