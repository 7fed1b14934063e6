"""Thread files are unambiguous: no post holds a blank line, so splitting a thread file on blank
lines gives back exactly the posts of the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from repurpose.compose import compose
from repurpose.config import Settings
from repurpose.ingest import EXTENSIONS
from repurpose.ingest.build import ArticleDraft
from repurpose.pipeline import build
from tests.conftest import EXAMPLES
from tests.unit.test_compose_thread import URL, long_article

ARTICLES = sorted(p for p in EXAMPLES.iterdir() if p.suffix.lower() in EXTENSIONS)


def _assert_round_trip(bundle) -> None:
    threads = bundle.manifest["threads"]
    assert threads, "no threads rendered"
    for name, info in threads.items():
        posts = [p["text"] for p in info["posts"]]
        for i, text in enumerate(posts, 1):
            assert "\n\n" not in text, f"{name} post {i} holds a blank line: {text!r}"
            assert text == text.strip(), f"{name} post {i} has outer whitespace"
        file_text = bundle.files[info["file"]]
        assert file_text.rstrip("\n").split("\n\n") == posts, name


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_example_thread_files_split_back_into_the_manifest_posts(path: Path, tmp_path: Path):
    _assert_round_trip(build(str(path), Settings(), url=URL, cwd=tmp_path))


def test_reference_article_thread_files_round_trip(seed_article: Path, tmp_path: Path):
    _assert_round_trip(build(str(seed_article), Settings(), url=URL, cwd=tmp_path))


def test_article_with_hard_line_breaks_and_headings_never_yields_a_blank_line_in_a_post():
    d = ArticleDraft(title="Notes\n\nfrom the\n\nbakery floor", meta={"url": URL})
    d.section(None).add(
        "paragraph",
        text="Small bakeries spend more on power than on flour.\n\n"
        "These habits from real kitchens cut that bill without cutting quality.",
    )
    s = d.section("Ovens  and\n\nproofing")
    s.add(
        "paragraph",
        text="Turning the deck oven down by ten degrees saved six percent of its energy.\n\n"
        "The proofing cabinet runs on a timer now and nobody misses the old way.",
    )
    s.add("list", items=("Check the door seals every month for leaks.", "Bake in full loads."))
    settings = Settings(social={"hashtags": 3, "fixed_hashtags": ("#Bakery",)})
    for article in (d.build(), long_article(14).build()):
        c = compose(article, settings, slug="notes")
        for thread in c.threads:
            for post in thread.posts:
                assert "\n\n" not in post.text, (thread.platform, post.text)


def test_heading_and_sentence_share_a_post_on_consecutive_lines():
    c = compose(long_article(3).build(), Settings(), slug="habits")
    x = next(t for t in c.threads if t.platform == "x")
    headed = [p.text for p in x.posts if p.text.startswith("Habit ")]
    assert headed, [p.text for p in x.posts]
    for text in headed:
        heading, _, rest = text.partition("\n")
        assert heading.startswith("Habit ") and rest and not rest.startswith("\n"), text
