"""Site-relative links in FAQ answers: resolved against the article's own address (front matter
url/canonical in Markdown; the canonical link or og:url in HTML) so the answer shows an address a
reader can open, like any other link; without a known address they keep only their text. Links
within the page (#…) and other schemes never get an address. The rendered FAQ stays consistent."""

from __future__ import annotations

import json

import pytest

from repurpose.ingest import html, markdown
from repurpose.model import Paragraph

INTRO = (
    "Harbor keeps a team's files in one place, and version 3 makes sharing them with clients as "
    "simple as sending a link that expires on its own after a week."
)


def html_page(head: str, answer: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Harbor 3</title>{head}</head><body>"
        f"<article><h1>Harbor 3 is here</h1><p>{INTRO}</p>"
        "<h2>FAQ</h2><h3>Where are the docs?</h3>"
        f"<p>{answer}</p>"
        "<h3>Is it free?</h3><p>Yes, on every paid plan at no extra cost.</p>"
        "</article></body></html>"
    )


ANSWER_HTML = (
    "Read the <a href='/docs/start'>getting started page</a> or the "
    "<a href='../manual/'>manual</a>; the <a href='#pricing'>pricing table</a> is above."
)
RESOLVED = (
    "Read the getting started page (https://harbor.example/docs/start) or the manual "
    "(https://harbor.example/blog/manual/); the pricing table is above."
)
UNRESOLVED = "Read the getting started page or the manual; the pricing table is above."


@pytest.mark.parametrize(
    "head",
    [
        "<link rel='canonical' href='https://harbor.example/blog/harbor-3/'>",
        "<meta property='og:url' content='https://harbor.example/blog/harbor-3/'>",
    ],
    ids=["canonical", "og-url"],
)
def test_html_relative_links_resolve_against_the_page_address(head):
    a = html.read(html_page(head, ANSWER_HTML), path="x.html")
    assert str(a.url).startswith("https://harbor.example/blog/harbor-3")
    assert a.faq[0].question == "Where are the docs?"
    assert a.faq[0].answer == RESOLVED


@pytest.mark.parametrize(
    "head", ["", "<link rel='canonical' href='/blog/harbor-3/'>"], ids=["none", "relative"]
)
def test_html_without_a_known_address_keeps_only_the_text(head):
    a = html.read(html_page(head, ANSWER_HTML), path="x.html")
    assert a.faq[0].answer == UNRESOLVED


def test_html_sections_never_show_addresses():
    head = "<link rel='canonical' href='https://harbor.example/blog/harbor-3/'>"
    body = html_page(head, ANSWER_HTML).replace(
        f"<p>{INTRO}</p>",
        f"<p>{INTRO} See <a href='/docs/links'>the sharing guide</a> for the details.</p>",
    )
    a = html.read(body, path="x.html")
    paras = [b.text for s in a.sections for b in s.blocks if isinstance(b, Paragraph)]
    assert any(p.endswith("See the sharing guide for the details.") for p in paras)
    assert all("harbor.example" not in p for p in paras)


def md_doc(front: str) -> str:
    return (
        f"{front}# Harbor 3 is here\n\n{INTRO}\n\n## FAQ\n\n### Where are the docs?\n\n"
        "Read the [getting started page](/docs/start) or the [manual](../manual/); the "
        "[pricing table](#pricing) is above.\n\n"
        "### Who do I ask?\n\nWrite to [the team](mailto:team@harbor.example) or use "
        "[the forum](forum/new).\n"
    )


@pytest.mark.parametrize("key", ["url", "canonical", "canonical_url"])
def test_markdown_relative_links_resolve_against_front_matter_url(key):
    a = markdown.read(
        md_doc(f"---\n{key}: https://harbor.example/blog/harbor-3/\n---\n"), path="x.md"
    )
    assert [f.answer for f in a.faq] == [
        RESOLVED,
        "Write to the team (team@harbor.example) or use the forum "
        "(https://harbor.example/blog/harbor-3/forum/new).",
    ]


@pytest.mark.parametrize(
    "front", ["", "---\ntitle: Harbor\n---\n", "---\nurl: /blog/harbor-3/\n---\n"]
)
def test_markdown_without_a_known_address_keeps_only_the_text(front):
    a = markdown.read(md_doc(front), path="x.md")
    assert [f.answer for f in a.faq] == [
        UNRESOLVED,
        "Write to the team (team@harbor.example) or use the forum.",
    ]


def test_the_base_does_not_leak_into_the_next_article():
    markdown.read(md_doc("---\nurl: https://harbor.example/blog/harbor-3/\n---\n"), path="x.md")
    assert markdown.read(md_doc(""), path="x.md").faq[0].answer == UNRESOLVED
    assert markdown.link_target("/docs", "the docs") is None


def test_rendered_faq_agrees_with_resolved_links(tmp_path):
    from repurpose.config import Settings
    from repurpose.pipeline import build
    from repurpose.render.checks import check_bundle

    src = tmp_path / "harbor.md"
    src.write_text(md_doc("---\nurl: https://harbor.example/blog/harbor-3/\n---\n"))
    settings = Settings()
    bundle = build(str(src), settings)
    assert check_bundle(bundle, settings) == []
    data = json.loads(bundle.files["faq.jsonld"])
    texts = [q["acceptedAnswer"]["text"] for q in data["mainEntity"]]
    for url in (
        "https://harbor.example/docs/start",
        "https://harbor.example/blog/manual/",
        "https://harbor.example/blog/harbor-3/forum/new",
    ):
        assert any(f"({url})" in t for t in texts)
        assert f'href="{url}"' in bundle.files["faq.html"]
        assert url in bundle.files["faq.md"]
    for name in ("faq.html", "faq.jsonld", "faq.md"):
        assert "#pricing" not in bundle.files[name]
