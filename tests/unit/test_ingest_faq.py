"""Shared FAQ detection on format-neutral drafts (what every reader hands to extract_faq)."""

from __future__ import annotations

import pytest

from repurpose.ingest.build import ArticleDraft
from repurpose.ingest.faq import (
    clean_question,
    extract_faq,
    is_faq_heading,
    items_from_entries,
    looks_like_question,
)
from repurpose.model import Source


def src(a: int, b: int | None = None) -> Source:
    return Source(lines=(a, b or a))


@pytest.mark.parametrize(
    "heading",
    [
        "FAQ",
        "FAQs",
        "Frequently Asked Questions",
        "frequently-asked questions",
        "Q&A",
        "Q & A with the team",
        "FAQs about pricing",
        "Pricing FAQ",
        "Questions and answers",
    ],
)
def test_faq_headings(heading):
    assert is_faq_heading(heading)


@pytest.mark.parametrize(
    "heading", ["Frequently used tools", "Faqir the painter", "A question of taste", None, ""]
)
def test_not_faq_headings(heading):
    assert not is_faq_heading(heading)


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("1. What is a digest?", "What is a digest?"),
        ("12) How long does it take?", "How long does it take?"),
        ("Q: Who pays?", "Who pays?"),
        ("Q3. Who pays?", "Who pays?"),
        ("Question: Who pays?", "Who pays?"),
        ("**Can I cancel?**", "Can I cancel?"),
        ("2. **Can I cancel?**", "Can I cancel?"),
    ],
)
def test_clean_question(line, question):
    assert looks_like_question(line)
    assert clean_question(line) == question


def test_plain_sentence_is_not_a_question():
    assert not looks_like_question("The answer is forty-two.")
    assert not looks_like_question("A-list guests arrive first.")


def faq_draft(level: int = 2) -> ArticleDraft:
    d = ArticleDraft(title="Shipping guide")
    d.section("Before you ship", 2, src(3)).add("paragraph", text="Pack well.", source=src(5))
    f = d.section("Frequently Asked Questions", level, src(7))
    f.add("list", items=("How fast is it?",), ordered=True, source=src(9))
    f.add("paragraph", text="Two days in most places.", source=src(10))
    f.add("paragraph", text="Islands take longer.", source=src(12))
    f.add("paragraph", text="2. Can I track a parcel?", source=src(14))
    f.add("paragraph", text="Yes, with the code in the email.", source=src(15))
    d.section("Contact", 2, src(17)).add("paragraph", text="Write to us.", source=src(19))
    return d


def test_numbered_faq_section_moves_out_of_sections():
    d = faq_draft()
    assert extract_faq(d) == 2
    assert [q for q, _, _ in d.faq] == ["How fast is it?", "Can I track a parcel?"]
    assert d.faq[0][1] == "Two days in most places.\n\nIslands take longer."
    assert d.faq[0][2] == Source(lines=(9, 12))
    assert [s.heading for s in d.sections] == ["Before you ship", "Contact"]


def test_faq_heading_at_any_level():
    d = faq_draft(level=4)
    assert extract_faq(d) == 2


def test_question_subheadings():
    d = ArticleDraft(title="Guide")
    d.section("Intro", 2).add("paragraph", text="Words here.")
    d.section("FAQs about returns", 2)
    d.section("Can I return a gift?", 3).add("paragraph", text="Yes, within a month.")
    s = d.section("Who pays for postage?", 3)
    s.add("paragraph", text="We do.")
    s.add("list", items=("inside the EU", "inside the UK"))
    d.section("Next steps", 2).add("paragraph", text="Go on.")
    assert extract_faq(d) == 2
    assert d.faq[1] == (
        "Who pays for postage?",
        "We do.\n\n- inside the EU\n- inside the UK",
        Source(),
    )
    assert [s.heading for s in d.sections] == ["Intro", "Next steps"]


def test_q_a_pairs_without_faq_heading():
    d = ArticleDraft(title="Interview")
    s = d.section(None)
    s.add("paragraph", text="We spoke to the chef.")
    s.add("paragraph", text="Q: Where did you train?")
    s.add("paragraph", text="A: In Lyon, for six years.")
    s.add("paragraph", text="Q: What do you cook at home? A: Soup, mostly.")
    s.add("paragraph", text="That was all.")
    assert extract_faq(d) == 2
    assert d.faq[0][:2] == ("Where did you train?", "In Lyon, for six years.")
    assert d.faq[1][:2] == ("What do you cook at home?", "Soup, mostly.")
    assert [b[1]["text"] for b in d.sections[0].blocks] == [
        "We spoke to the chef.",
        "That was all.",
    ]


def test_single_q_a_pair_is_not_an_faq():
    d = ArticleDraft(title="Interview")
    s = d.section(None)
    s.add("paragraph", text="Q: Where did you train?")
    s.add("paragraph", text="A: In Lyon.")
    assert extract_faq(d) == 0
    assert d.faq == []


def test_document_of_question_headings():
    d = ArticleDraft(title="Solar panels explained")
    d.section(None).add("paragraph", text="A short intro.")
    for q in ("What is a panel?", "How much does it cost?", "Does it work in winter?"):
        d.section(q, 2).add("paragraph", text=f"Answer to {q}")
    assert extract_faq(d) == 3
    assert [s.heading for s in d.sections] == [None]


def test_article_with_few_question_headings_is_not_an_faq():
    d = ArticleDraft(title="Solar")
    for h in ("Why solar?", "The panels", "Installation", "Costs", "Does it pay?"):
        d.section(h, 2).add("paragraph", text="Text.")
    assert extract_faq(d) == 0
    assert len(d.sections) == 5


def test_faq_title_makes_the_document_an_faq():
    d = ArticleDraft(title="Billing FAQ")
    s = d.section(None)
    s.add("paragraph", text="Answers to what customers ask most.", source=src(3))
    s.add("paragraph", text="1. When am I billed?", source=src(5))
    s.add("paragraph", text="On the first of the month.", source=src(6))
    s.add("paragraph", text="2. Can I get a refund?", source=src(8))
    s.add("paragraph", text="Within 14 days.", source=src(9))
    assert extract_faq(d) == 2
    assert [b[1]["text"] for b in d.sections[0].blocks] == ["Answers to what customers ask most."]


def test_faq_heading_without_items_stays_a_section():
    d = ArticleDraft(title="T")
    d.section("FAQ", 2).add("paragraph", text="We will add questions soon.")
    assert extract_faq(d) == 0
    assert [s.heading for s in d.sections] == ["FAQ"]


def test_entries_api_list_items_with_answers():
    items = items_from_entries([("list", "What is it?\nA tool.\nWho made it?\nA team.", Source())])
    # one list with questions and answers interleaved as lines: not a pair-per-item list
    assert items == [] or all(q.endswith("?") for q, _, _ in items)
    items = items_from_entries([("list", "Why? Because.", Source())])
    assert items == []
    items = items_from_entries(
        [("question", "Q: Is it free?", Source()), ("paragraph", "A: Yes.", Source())]
    )
    assert items == [("Is it free?", "Yes.", Source())]


def test_text_outside_any_question_is_reported_not_lost():
    d = ArticleDraft(title="Shipping")
    d.section("Intro").add(
        "paragraph", text="We ship to most countries in the world.", source=src(3)
    )
    f = d.section("FAQ", 2, src(5))
    f.add("paragraph", text="Here are the questions we hear most often.", source=src(7))
    f.add("paragraph", text="1. How fast is it?", source=src(9))
    f.add("paragraph", text="Two days.", source=src(10))
    f.add("paragraph", text="2. Do you ship on Sundays?", source=src(12))
    assert extract_faq(d) == 1
    assert [q for q, _, _ in d.faq] == ["How fast is it?"]
    assert [(x.text, x.reason, x.source.lines) for x in d.dropped] == [
        ("FAQ", "FAQ heading (its items are in the FAQ)", (5, 5)),
        (
            "Here are the questions we hear most often.",
            "text in the FAQ section outside any question",
            (7, 7),
        ),
        ("Do you ship on Sundays?", "FAQ question without an answer", (12, 12)),
    ]
