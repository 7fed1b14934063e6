"""Sentence splitting, dangling references and key-sentence selection (repurpose.compose.sentences)."""

from __future__ import annotations

import pytest

from repurpose.compose.outline import outline
from repurpose.compose.sentences import (
    ArticleIndex,
    opens_with_reference,
    pick,
    split_sentences,
)
from repurpose.ingest.build import ArticleDraft


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Okafor opened the lab. It cost 3.5 million.",
            ["Dr. Okafor opened the lab.", "It cost 3.5 million."],
        ),
        (
            "The U.S. Navy ordered two. Sales in the U.S. The rest went abroad.",
            ["The U.S. Navy ordered two.", "Sales in the U.S.", "The rest went abroad."],
        ),
        (
            'She wrote "ship it." Then the build broke.',
            ['She wrote "ship it."', "Then the build broke."],
        ),
        (
            "We waited... and waited. Nothing… Then rain.",
            ["We waited... and waited.", "Nothing…", "Then rain."],
        ),
        ("Use tools, e.g. a linter. Done!", ["Use tools, e.g. a linter.", "Done!"]),
        (
            "J. K. Rowling signed it. Why? Nobody knows.",
            ["J. K. Rowling signed it.", "Why?", "Nobody knows."],
        ),
        ("Is it ready?\nYes.", ["Is it ready?", "Yes."]),
        (
            "Version 2.0 ships today (finally.) Upgrade now.",
            ["Version 2.0 ships today (finally.)", "Upgrade now."],
        ),
        ("Prices rose in Jan. The board met.", ["Prices rose in Jan.", "The board met."]),
        (
            "Oven No. 5 failed. The answer was no. We left.",
            ["Oven No. 5 failed.", "The answer was no.", "We left."],
        ),
        ("no stop at the end", ["no stop at the end"]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "This makes it faster.",
        "It also saves money.",
        "These changes matter.",
        "Instead, the team moved on.",
        "However, not everyone agreed.",
        "Also, prices fell.",
        "In addition, the app got lighter.",
        "“That was the plan,” she said.",
        "It’s a bet on the future.",
        "Everything else now arrives as one summary.",
        "The rest of the team stayed remote.",
        "Everyone else kept working.",
        "On top of that, sync is faster.",
        "Since then, sales have doubled.",
    ],
)
def test_dangling_openers(sentence):
    assert opens_with_reference(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The team moved on.",
        "Itinerary planning got easier.",
        "Thistle farms grew.",
        "Solar panels cut the bill in half.",
        "In 2024 the bakery doubled its output.",
        "Everyone in the office switched too.",
        "Therapists restock on Mondays.",
        "The restaurant opens at noon.",
    ],
)
def test_standalone_openers(sentence):
    assert not opens_with_reference(sentence)


def _index(*paragraphs: str, heading: str = "Why solar pays off"):
    d = ArticleDraft(title="T")
    s = d.section(heading)
    for p in paragraphs:
        s.add("paragraph", text=p)
    article = d.build()
    plan = outline(article)
    index = ArticleIndex(article.sections, [g.sections for g in plan.all_groups])
    return article, index, plan


def test_dangling_sentence_is_only_quoted_with_its_antecedent():
    _, index, _ = _index(
        "Solar panels on the bakery roof now cover most of the daytime oven load. "
        "This cut the monthly power bill for every bakery by nearly forty percent in one year."
    )
    texts = [u.text for u in index.units["why-solar-pays-off"]]
    assert not any(t.startswith("This") for t in texts)
    assert any(t.startswith("Solar panels") and "This cut" in t for t in texts)


def test_dangling_first_sentence_of_a_paragraph_glues_to_previous_paragraph():
    _, index, _ = _index(
        "The bakery installed a heat pump for the proofing room last winter.",
        "It keeps the dough at a steady temperature without the old gas burner.",
    )
    units = index.units["why-solar-pays-off"]
    glued = [u for u in units if "It keeps" in u.text]
    assert glued and glued[0].text.startswith("The bakery installed")
    assert glued[0].blocks == ("b1", "b2")


def test_dangling_opener_of_a_section_is_never_quoted():
    _, index, _ = _index("However, the panels needed a new roof membrane before installation.")
    assert index.units["why-solar-pays-off"] == []


def test_code_is_never_quoted_and_list_items_are_points():
    d = ArticleDraft(title="T")
    s = d.section("Setting up the meter")
    s.add("code", text="meter.configure(interval=15)  # read the meter every fifteen minutes.")
    s.add("list", items=("read the inverter log every morning before baking", "ok"))
    article = d.build()
    plan = outline(article)
    index = ArticleIndex(article.sections, [g.sections for g in plan.all_groups])
    units = index.units["setting-up-the-meter"]
    assert [u.text for u in units] == ["Read the inverter log every morning before baking."]
    assert units[0].kind == "item" and units[0].blocks == ("b2",)


def test_length_window_prefers_a_substantial_sentence():
    _, index, plan = _index(
        "Solar pays.",
        "Solar panels on the roof now cover most of the daytime oven load for the bakery.",
        "The bakery, which opened in 1998 and has since grown from a single shop on the high "
        "street into a chain of eleven shops across three counties with a central production "
        "kitchen, two delivery vans, a catering arm, a training school for apprentices and a "
        "small café in the old mill, finally added solar panels to the roof of that kitchen.",
    )
    group = plan.groups[0]
    ranked = index.score([u for s in group.sections for u in index.units[s.id]], group.headings)
    best = pick(ranked, count=1)
    assert best[0].text.startswith("Solar panels on the roof")


def test_pick_respects_word_budget_and_returns_reading_order():
    _, index, plan = _index(
        "Solar panels on the bakery roof cover most of the daytime oven load now.",
        "A battery in the cellar stores the midday surplus for the evening bake.",
        "Solar and battery together cut the monthly power bill by nearly forty percent.",
    )
    group = plan.groups[0]
    ranked = index.score([u for s in group.sections for u in index.units[s.id]], group.headings)
    two = pick(ranked, count=2, min_ratio=0.0)
    assert len(two) == 2
    assert two[0].order < two[1].order
    assert len(pick(ranked, count=3, max_words=20, min_ratio=0.0)) == 1


def test_major_section_lead_outranks_a_sub_section_lead():
    """A sub-section's first sentence counts less than the major section's own lead, so a
    section's point is not taken from one of its sub-sections when the lead says it as well."""
    d = ArticleDraft(title="T")
    d.section("Intro").add("paragraph", text="A short note on the bakery and its ovens this year.")
    s = d.section("Faster ovens", level=2)
    s.add("paragraph", text="The new ovens bake a full tray of loaves in half the time.")
    sub = d.section("Keeping ovens in step", level=3)
    sub.add(
        "paragraph",
        text="When two ovens disagree about the heat of a tray, the bakers wait for the slower "
        "oven to catch up.",
    )
    article = d.build()
    plan = outline(article)
    index = ArticleIndex(article.sections, [g.sections for g in plan.all_groups])
    group = next(g for g in plan.groups if g.heading == "Faster ovens")
    ranked = index.ranked(group)
    assert ranked[0].text.startswith("The new ovens")
    assert all(u.first_in_section for u in ranked)  # both leads; only the rank differs
