"""Digest, FAQ snippet, hashtags and determinism of compose (no platforms needed here)."""

from __future__ import annotations

import pytest

from repurpose.compose import compose
from repurpose.compose.digest import (
    cut_at_words,
    fit_preheader,
    repeats,
    subject_and_rest,
)
from repurpose.compose.faq import compose_faq, question_form
from repurpose.compose.hashtags import camel, derive, hashtags
from repurpose.compose.outline import outline
from repurpose.config import Email, Settings, Social
from repurpose.ingest.build import ArticleDraft
from repurpose.model import Article

NO_THREADS = Settings(social=Social(platforms=()))


def bakery_article(
    *, faq: bool = True, url: str | None = None, title: str | None = None
) -> Article:
    """A hand-written article with the traits of a scraped blog post: an introduction with a
    dangling "Instead,", major sections with sub-sections, a list, a code block, an FAQ."""
    d = ArticleDraft(
        title=title or "Solar Ovens: How a Small Bakery Chain Cut Its Energy Bill and Kept Baking",
        meta={"url": url},
    )
    intro = d.section("Introduction: Why Bakeries Are Going Solar")
    intro.add(
        "paragraph",
        text="Energy prices have doubled for small bakeries since 2021. "
        "Crumb & Co., a chain of eleven shops, did not raise its bread prices. "
        "Instead, it rebuilt its kitchen around solar power and batteries. "
        "The result is a bakery that bakes through the night on sunshine stored during the day.",
    )
    s = d.section("The Cost Problem")
    s.add(
        "paragraph",
        text="Electric deck ovens draw more power than anything else in a bakery. "
        "They run for up to eighteen hours a day, mostly at night when the grid is cheapest.",
    )
    sub = d.section("Where the Money Went", level=3)
    sub.add(
        "paragraph",
        text="Crumb & Co. spent forty percent of its operating budget on electricity in 2023. "
        "This left almost nothing for wages, flour price swings or new shops.",
    )
    s = d.section("Building the Solar Kitchen")
    s.add(
        "paragraph",
        text="The chain covered the roof of its central kitchen with 600 solar panels. "
        "A battery bank in the cellar stores the midday surplus for the night shift.",
    )
    sub = d.section("Monitoring the Battery Bank", level=3)
    sub.add("paragraph", text="The bakers check the battery charge from a small script:")
    sub.add("code", text="print(battery.charge())  # This prints the charge.", lang="python")
    sub.add(
        "list",
        items=(
            "charge the batteries fully before the evening bake",
            "keep one oven on grid power as a backup",
            "log every outage",
        ),
    )
    s = d.section("What Customers Noticed")
    s.add(
        "paragraph",
        text="Customers noticed nothing at first, which was the point. "
        "Bread prices stayed flat while competitors raised theirs by a fifth. "
        "Dr. Amira Salo, who studies food retail, calls it the quietest price war in the U.K.",
    )
    s = d.section("Conclusion: Solar as a Recipe")
    s.add(
        "paragraph",
        text="Solar power turned the biggest cost of Crumb & Co. into a fixed investment. "
        "Other small food businesses with large roofs and night-time loads can copy the recipe.",
    )
    if faq:
        from repurpose.model import Source

        d.faq.append(
            (
                "How much did the panels cost?",
                "About 300,000 euros.\n\nA regional grant paid a third of it.",
                Source(lines=(40, 42)),
            )
        )
        d.faq.append(("Do the ovens run at night?", "Yes, on stored power.", Source()))
    return d.build()


# ---- subject ------------------------------------------------------------------------------


def test_short_title_is_the_subject_with_prefix():
    assert (
        subject_line("Solar Ovens Explained", "[Crumb Weekly]")
        == "[Crumb Weekly] Solar Ovens Explained"
    )
    assert subject_line("Solar Ovens Explained.") == "Solar Ovens Explained"


@pytest.mark.parametrize(
    "title",
    [
        "Solar Ovens: How a Small Bakery Chain Cut Its Energy Bill and Kept Baking",
        "Meters, Batteries and Panels: the Complete Guide to Running a Bakery on Sunshine Alone",
        "A Really Quite Extraordinarily Long Headline Written Without Any Natural Break Anywhere Inside",
    ],
)
@pytest.mark.parametrize("prefix", ["", "[Crumb Weekly]"])
def test_long_subject_is_cut_at_a_word_boundary(title, prefix):
    subject = subject_line(title, prefix)
    assert len(subject) <= 60
    body = subject[len(prefix) + 1 :] if prefix else subject
    assert subject.startswith(prefix)
    stem = body.rstrip("…")
    # Cut at a word boundary: the kept words are whole words of the title, in order.
    assert title.startswith(stem)
    assert title[len(stem)] in " :,;"
    # Never ends on a weak word.
    assert stem.split()[-1].lower() not in {"and", "the", "of", "a", "to", "for", "with", "its"}


def test_cut_prefers_a_natural_break_without_ellipsis():
    assert cut_at_words(
        "Solar Ovens: How a Small Bakery Chain Cut Its Energy Bill and Kept Baking", 58
    ) == ("Solar Ovens: How a Small Bakery Chain Cut Its Energy Bill")
    assert cut_at_words("Alpha beta gamma delta epsilon", 17) == "Alpha beta gamma…"
    assert cut_at_words("Supercalifragilistic", 5) == "Supercalifragilistic"


def test_subject_longer_than_60_is_warned_only_when_unavoidable():
    c = compose(bakery_article(), NO_THREADS, slug="solar")
    assert len(c.digest.subject) <= 60
    assert not [w for w in c.warnings if w.code == "long-subject"]


def test_unavoidably_long_subject_is_kept_whole_and_warned():
    title = "Supercalifragilisticexpialidocious" * 2 + " bakery"
    c = compose(bakery_article(title=title), NO_THREADS, slug="s")
    assert c.digest.subject == "Supercalifragilisticexpialidocious" * 2
    assert "long-subject" in [w.code for w in c.warnings]


# ---- preheader ----------------------------------------------------------------------------


def test_preheader_fits_window_and_differs_from_subject():
    c = compose(bakery_article(), NO_THREADS, slug="solar")
    d = c.digest
    assert 40 <= len(d.preheader) <= 100
    assert not repeats(d.preheader, d.subject)


def test_preheader_skips_a_description_that_repeats_the_subject():
    a = bakery_article(title="Solar Ovens at Crumb & Co.").model_copy(
        update={"description": "Solar ovens at Crumb & Co."}
    )
    d = compose(a, NO_THREADS, slug="s").digest
    assert not repeats(d.preheader, d.subject)
    assert len(d.preheader) >= 40


def test_preheader_uses_a_fitting_description():
    a = bakery_article().model_copy(
        update={
            "description": "How eleven bakeries kept bread prices flat through an energy crisis."
        }
    )
    d = compose(a, NO_THREADS, slug="s").digest
    assert d.preheader == "How eleven bakeries kept bread prices flat through an energy crisis."


def test_fit_preheader_cuts_long_text():
    long = (
        "The chain covered the roof of its central kitchen with six hundred solar panels, "
        "a battery bank, an inverter room and a monitoring screen that the bakers check nightly."
    )
    p = fit_preheader(long)
    assert 40 <= len(p) <= 100
    assert long.startswith(p.rstrip("…"))


# ---- intro, blocks, sources, CTA ------------------------------------------------------------


def test_digest_intro_comes_from_the_introduction_with_antecedent():
    d = compose(bakery_article(), NO_THREADS, slug="s").digest
    assert d.intro
    assert d.intro_source == ("b1",)
    # "Instead, …" may only appear together with the sentence it refers to.
    if "Instead," in d.intro:
        assert "did not raise its bread prices. Instead," in d.intro


def test_one_block_per_major_section_with_subsections_folded():
    a = bakery_article()
    d = compose(a, NO_THREADS, slug="s").digest
    assert [b.section_id for b in d.blocks] == [
        "the-cost-problem",
        "building-the-solar-kitchen",
        "what-customers-noticed",
        "conclusion-solar-as-a-recipe",
    ]
    assert d.blocks[0].heading == "The Cost Problem"
    parent = {}
    for g in outline(a).groups:
        for sec in g.sections:
            parent.update({b.id: g.head.id for b in sec.blocks})
    for block in d.blocks:
        assert block.source, block
        assert {parent[b] for b in block.source} == {block.section_id}
        assert 1 <= len(block.text.split(". ")) <= 3
        assert not block.text.startswith(("This", "It ", "They", "Instead", "However"))


def test_digest_never_quotes_code():
    d = compose(bakery_article(), NO_THREADS, slug="s").digest
    assert all("print(" not in b.text for b in d.blocks)
    assert all("b7" not in b.source for b in d.blocks)  # b7 is the code block


def test_at_most_eight_blocks_keeping_the_most_substantial():
    d = ArticleDraft(title="Twelve Lessons From Twelve Bakeries")
    for i in range(12):
        s = d.section(f"Lesson number {i + 1}")
        words = " ".join(["flour"] * (i + 1))
        s.add(
            "paragraph",
            text=f"Bakery {i + 1} learned that ovens need care and {words} matters more than price.",
        )
    digest = compose(d.build(), NO_THREADS, slug="s").digest
    assert len(digest.blocks) == 8
    assert [b.heading for b in digest.blocks] == [f"Lesson number {i}" for i in range(5, 13)]


def test_cta_only_when_url_known_and_tagged_for_email():
    c = compose(bakery_article(), NO_THREADS, slug="s")
    assert c.digest.cta_url is None
    assert "no-url" in [w.code for w in c.warnings]
    c = compose(
        bakery_article(url="https://crumb.example/solar?ref=home"), NO_THREADS, slug="solar"
    )
    assert c.digest.cta_url == (
        "https://crumb.example/solar?ref=home&utm_source=repurpose&utm_medium=email&utm_campaign=solar"
    )
    assert "no-url" not in [w.code for w in c.warnings]


def test_url_without_scheme_is_not_used_as_a_link():
    c = compose(bakery_article(url="crumb.example/solar"), NO_THREADS, slug="s")
    assert c.digest.cta_url is None
    assert {"bad-url", "no-url"} <= {w.code for w in c.warnings}


def test_subject_prefix_from_settings():
    s = Settings(email=Email(subject_prefix="[Crumb]"), social=Social(platforms=()))
    d = compose(bakery_article(title="Solar Ovens"), s, slug="s").digest
    assert d.subject == "[Crumb] Solar Ovens"


# ---- FAQ ------------------------------------------------------------------------------------


def test_faq_from_article_keeps_whole_answers_and_ids():
    c = compose(bakery_article(), NO_THREADS, slug="s")
    assert c.faq is not None and c.faq.origin == "article"
    assert [e.source for e in c.faq.items] == [("faq1",), ("faq2",)]
    assert c.faq.items[0].answer == "About 300,000 euros.\n\nA regional grant paid a third of it."
    assert c.digest.faq_teaser == ("How much did the panels cost?", "Do the ovens run at night?")


def test_faq_from_question_headings_when_article_has_none():
    d = ArticleDraft(title="Running a Bakery on Sunshine")
    s = d.section("What does a solar kitchen cost")
    s.add("paragraph", text="About 300,000 euros for eleven shops.")
    s.add("paragraph", text="A grant paid a third.")
    s = d.section("How Solar Became Our Focus")  # a title, not a question
    s.add("paragraph", text="It started with one roof.")
    s = d.section("Can the ovens run at night?")
    s.add("list", items=("yes, from the batteries", "the grid is the backup"))
    c = compose(d.build(), NO_THREADS, slug="s")
    assert c.faq is not None and c.faq.origin == "headings"
    assert [e.question for e in c.faq.items] == [
        "What does a solar kitchen cost?",
        "Can the ovens run at night?",
    ]
    assert c.faq.items[0].answer == "About 300,000 euros for eleven shops.\n\nA grant paid a third."
    assert c.faq.items[0].source == ("b1", "b2")
    assert c.faq.items[1].answer == "- Yes, from the batteries.\n- The grid is the backup."
    assert "no-faq" not in [w.code for w in c.warnings]


def test_no_faq_gives_none_and_a_warning():
    c = compose(bakery_article(faq=False), NO_THREADS, slug="s")
    assert c.faq is None
    assert [w.code for w in c.warnings].count("no-faq") == 1
    assert c.digest.faq_teaser == ()


@pytest.mark.parametrize(
    ("heading", "question"),
    [
        ("Why does the battery matter?", "Why does the battery matter?"),
        ("How do I read the meter", "How do I read the meter?"),
        ("Should you install panels first:", "Should you install panels first?"),
        ("How Solar Became Our Focus", None),
        ("Why Open Source Stands Out", None),
        ("What?", "What?"),
        ("Is it", None),
        (None, None),
    ],
)
def test_question_form(heading, question):
    assert question_form(heading) == question


def test_empty_faq_items_are_not_kept():
    a = bakery_article(faq=False)
    assert compose_faq(a) is None


# ---- hashtags -------------------------------------------------------------------------------


def test_hashtags_are_relevant_camelcase_and_never_generic():
    a = bakery_article()
    tags = derive(a, 3)
    assert tags, "the article names things often enough to tag"
    assert all(t.startswith("#") and " " not in t for t in tags)
    generic = {"#The", "#Bakery", "#Introduction", "#Conclusion", "#Energy", "#Day", "#Customers"}
    assert not set(tags) & generic
    assert "#CrumbCo" in tags


def test_fixed_hashtags_first_and_counts():
    a = bakery_article()
    tags = hashtags(a, 1, ("#SmallBusiness", "solar power", "#smallbusiness"))
    assert tags[:2] == ("#SmallBusiness", "#SolarPower")
    assert len(tags) == 3
    assert hashtags(a, 0) == ()


def test_article_tags_come_first():
    a = bakery_article().model_copy(update={"tags": ("renewable energy",)})
    assert derive(a, 1) == ["#RenewableEnergy"]


def test_no_hashtags_is_fine_for_a_plain_article():
    d = ArticleDraft(title="notes")
    d.section(None).add("paragraph", text="we baked bread today and it was good bread.")
    assert derive(d.build(), 3) == []


def test_camel():
    assert camel("generative AI") == "GenerativeAI"
    assert camel("OpenAI") == "OpenAI"
    assert camel("Crumb & Co.") == "CrumbCo"


# ---- determinism ----------------------------------------------------------------------------


def test_same_input_gives_identical_composition():
    a = bakery_article(url="https://crumb.example/solar")
    first = compose(a, NO_THREADS, slug="solar").model_dump_json()
    for _ in range(3):
        assert compose(a, NO_THREADS, slug="solar").model_dump_json() == first


def test_own_site_links_in_quoted_text_get_email_utm():
    d = ArticleDraft(
        title="Opening hours for the spring market", meta={"url": "https://crumb.example/spring"}
    )
    d.section("Intro").add(
        "paragraph",
        text="The spring market opens on Saturday with twelve stalls from local bakers and farmers.",
    )
    d.section("Where to find us").add(
        "paragraph",
        text="The full stall map is at https://crumb.example/map, and the town's parking guide "
        "is at https://town.example/parking.",
    )
    c = compose(d.build(), NO_THREADS, slug="spring")
    block = c.digest.blocks[0].text
    assert (
        "https://crumb.example/map?utm_source=repurpose&utm_medium=email&utm_campaign=spring, "
        in block
    )
    assert "https://town.example/parking." in block  # another site: as written
    off = Settings(social=Social(platforms=()), utm={"enabled": False})
    assert "utm_" not in compose(d.build(), off, slug="spring").digest.blocks[0].text


def subject_line(title: str, prefix: str = "") -> str:
    return subject_and_rest(title, prefix)[0]
