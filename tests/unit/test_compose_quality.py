"""General writing rules a marketer would ask for: list items read as whole sentences, sentences
that point back are quoted with what they point at, structural labels stay out of headings."""

from __future__ import annotations

import pytest

from repurpose.compose import compose
from repurpose.compose.outline import display_heading
from repurpose.compose.sentences import as_point, leans_back
from repurpose.config import Settings
from repurpose.ingest.build import ArticleDraft

URL = "https://mill.example/notes"


@pytest.mark.parametrize(
    "item,point",
    [
        ("the oven heats in four minutes;", "The oven heats in four minutes."),
        ("the proofing cabinet runs on a timer, and", "The proofing cabinet runs on a timer."),
        ("flour arrives on Mondays; or", "Flour arrives on Mondays."),
        ("Doors stay shut:", "Doors stay shut."),
        ("Already a sentence.", "Already a sentence."),
        ("Is it warm?", "Is it warm?"),
    ],
)
def test_list_item_separators_become_a_full_stop(item, point):
    assert as_point(item) == point


@pytest.mark.parametrize(
    "sentence,back",
    [
        ("The mill groups them by weight and ships on Fridays.", True),
        ("Every Monday they sweep the loft.", True),
        ("This keeps the loft dry.", True),
        ("The mill ships flour to eleven bakeries every week.", False),
        ("The new sifter makes it easy to switch grades.", False),
        ("Bakers asked for smaller bags, and the mill sent them.", False),  # late: refers inside
    ],
)
def test_leans_back(sentence, back):
    assert leans_back(sentence) is back


@pytest.mark.parametrize(
    "heading,shown",
    [
        ("Conclusion: The Mill Bets on Rye", "The Mill Bets on Rye"),
        ("Final thoughts — what comes next", "What comes next"),
        ("Key takeaways", ""),
        ("Summary statistics for the season", "Summary statistics for the season"),
        ("Conclusions from a wet harvest", "Conclusions from a wet harvest"),
    ],
)
def test_display_heading_drops_structural_labels(heading, shown):
    assert display_heading(heading) == shown


def _mill() -> ArticleDraft:
    d = ArticleDraft(title="How a Small Mill Doubled Its Rye Orders", meta={"url": URL})
    d.section(None).add(
        "paragraph",
        text="A small mill in the valley doubled its rye orders in one season. "
        "The change came from listening to the bakers who buy from it every week.",
    )
    s = d.section("Smaller Bags")
    s.add(
        "paragraph",
        text="Bakers complained that fifty-kilo sacks went stale before they were used. "
        "The mill now packs them in ten-kilo bags that stay fresh for a whole month.",
    )
    s.add(
        "list",
        items=(
            "ten-kilo bags cost the same per kilo as the big sacks;",
            "orders of three bags or more ship free, and",
        ),
    )
    s = d.section("Conclusion: Listening Pays")
    s.add(
        "paragraph",
        text="Rye orders doubled within a single season after the switch to smaller bags. "
        "The mill plans the same approach for its spelt and wholemeal flours next year.",
    )
    return d


def test_posts_and_digest_follow_the_rules():
    c = compose(_mill().build(), Settings(), slug="mill")
    pieces = [b.text for b in c.digest.blocks] + [p.text for t in c.threads for p in t.posts]
    for text in pieces:
        assert ";." not in text and ",." not in text, text
        # "them" is never quoted without the sentence that says who they are
        if "packs them" in text:
            assert "fifty-kilo sacks" in text, text
    headings = [b.heading for b in c.digest.blocks]
    assert "Listening Pays" in headings and not any("Conclusion" in h for h in headings)
    for thread in c.threads:
        assert not any("Conclusion" in p.text for p in thread.posts), thread.platform
