"""A marketer's review of six articles of different shapes (tests/fixtures/review/): what must hold
for every piece before it could be sent without rewriting. Properties, not whole texts."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from repurpose.compose.digest import (
    PREHEADER_MAX,
    SUBJECT_MAX,
    cut_at_words,
    fit_preheader,
    repeats,
    title_parts,
)
from repurpose.compose.hashtags import _parts
from repurpose.compose.outline import heading_number
from repurpose.compose.sentences import leans_back, split_sentences
from repurpose.config import Settings
from repurpose.pipeline import build

REVIEW = Path(__file__).resolve().parents[1] / "fixtures" / "review"
URL = "https://example.com/post"
FILES = sorted(p.name for p in REVIEW.iterdir())
_SUFFIX = re.compile(r"\s\d+/\d+$")
_CODE = re.compile(r"```|\bdef \w+\(|CREATE TABLE|--target|\{\s*$|^\s*\$ ", re.M)


@cache
def _bundle(name: str):
    return build(str(REVIEW / name), Settings(), url=URL)


def _posts(name: str, platform: str = "x") -> list[str]:
    thread = next(t for t in _bundle(name).composition.threads if t.platform == platform)
    return [p.text for p in thread.posts]


def test_six_review_fixtures_in_three_formats():
    assert len(FILES) == 6
    assert {Path(f).suffix for f in FILES} == {".md", ".txt", ".html"}


# ---- email ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_subject_is_short_and_not_cut_mid_thought(name):
    b = _bundle(name)
    subject, title = b.composition.digest.subject, b.article.title
    assert len(subject) <= SUBJECT_MAX
    assert not subject.endswith("…"), subject  # every review title has a whole phrase that fits
    assert title.startswith(subject)
    rest = title[len(subject) :]
    assert not rest or rest[0] in " :?!—–-"  # cut between words


@pytest.mark.parametrize("name", FILES)
def test_preheader_is_complete_and_not_the_subject(name):
    d = _bundle(name).composition.digest
    p = d.preheader
    assert 30 <= len(p) <= PREHEADER_MAX
    assert not repeats(p, d.subject)
    # a whole sentence (or the subtitle), or a cut that says so: never a silent half sentence
    whole_title_part = _bundle(name).article.title.endswith(p)
    assert whole_title_part or p[-1] in ".!?…", p


def test_long_divided_title_gives_title_proper_as_subject_and_subtitle_as_preheader():
    for name in ("launch-tidepool.md", "research-remote-hiring.md"):
        b = _bundle(name)
        head, rest = title_parts(b.article.title)
        assert len(b.article.title) > SUBJECT_MAX
        assert b.composition.digest.subject == head
        assert b.composition.digest.preheader == rest


@pytest.mark.parametrize(
    "text",
    [
        "Today we are launching our new planner, the biggest update to the app since we opened "
        "the doors to everyone three years ago in a small shed.",
        "After a decade of private contracts the council will buy six battery ferries and run "
        "the crossing itself from next spring onwards.",
    ],
)
def test_a_preheader_cut_never_stops_before_an_article_without_an_ellipsis(text):
    p = fit_preheader(text)
    assert len(p) <= PREHEADER_MAX
    assert p.endswith("…")
    assert p.rstrip("…").split()[-1].lower() not in {"the", "a", "an", "and", "of"}


def test_a_sentence_cut_stops_before_a_preposition_not_an_article():
    text = "The council will buy six ferries and run the crossing itself from the spring"
    # before "the" a sentence is unfinished: strict cuts mark it; a title may stop there
    assert cut_at_words(text, 45, strict=True) == "The council will buy six ferries and run…"
    assert cut_at_words(text, 45) == "The council will buy six ferries and run"
    # before a preposition the phrase is whole
    assert (
        cut_at_words(text, 70, strict=True)
        == "The council will buy six ferries and run the crossing itself"
    )


@pytest.mark.parametrize("name", FILES)
def test_digest_blocks_stand_alone_without_code_or_furniture(name):
    d = _bundle(name).composition.digest
    assert d.blocks
    for block in (d.intro, *(b.text for b in d.blocks)):
        first = split_sentences(block)[0]
        assert not leans_back(first), first
        assert not _CODE.search(block), block
        assert not re.search(r"(?i)\b(click here|subscribe|share this|unsubscribe)\b", block)


def test_a_sentence_about_the_code_above_or_the_list_above_is_not_the_point():
    d = _bundle("saas-webhooks-howto.md").composition.digest
    text = " ".join(b.text for b in d.blocks)
    # "Teams that follow these steps …" points at the list; the section's point is a step
    assert "these steps" not in text
    steps = next(b for b in d.blocks if "steps" in b.heading)
    assert steps.text.startswith("Answer the provider")  # the first step of the numbered list
    tests_block = next(b for b in d.blocks if b.heading.startswith("Test it"))
    assert tests_block.text.startswith("Replay a recorded event")  # not "Run the replay again"


def test_a_short_sentence_is_quoted_with_the_one_it_finishes():
    d = _bundle("research-remote-hiring.md").composition.digest
    salary = next(b for b in d.blocks if "salary" in b.heading.lower())
    assert "7.5%" in salary.text and "1.8%" in salary.text


def test_numbered_sections_are_shown_whole_and_in_order():
    d = _bundle("listicle-onboarding.txt").composition.digest
    numbers = [heading_number(b.heading) for b in d.blocks]
    assert numbers == list(range(1, 10))
    assert all(len(split_sentences(b.text)) <= 2 for b in d.blocks)


def test_faq_teaser_and_faq_never_come_from_an_argument_heading():
    c = _bundle("newsletter-opinion.txt").composition
    assert c.faq is None  # "So should you try it?" asks nothing out of the article
    assert c.digest.faq_teaser == ()


def test_faq_items_are_whole_questions_with_answers():
    for name in ("saas-webhooks-howto.md", "launch-tidepool.md"):
        faq = _bundle(name).composition.faq
        assert faq is not None and len(faq.items) >= 3
        for item in faq.items:
            assert item.question.endswith("?") and item.question[0].isupper()
            assert item.answer.strip()[-1] in ".!?"


# ---- threads --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_x_thread_posts_stand_alone_and_close_with_link_and_tags(name):
    b = _bundle(name)
    posts = _posts(name)
    thread = next(t for t in b.composition.threads if t.platform == "x")
    assert all(p.length <= thread.limit for p in thread.posts)
    assert 3 <= len(posts) <= 12
    assert posts[0].startswith(b.article.title)  # the hook names the piece
    for post in posts[1:-1]:
        lines = _SUFFIX.sub("", post).split("\n")
        body = lines[-1]
        assert not leans_back(body), post
        assert "http" not in post and "#" not in post, post
        assert not _CODE.search(post)
    assert URL in posts[-1]
    for tag in b.composition.hashtags:
        assert tag in posts[-1]


@pytest.mark.parametrize("name", FILES)
def test_hashtags_do_not_repeat_a_word_or_tag_an_adverb(name):
    tags = [t[1:] for t in _bundle(name).composition.hashtags]
    for i, a in enumerate(tags):
        assert not re.match(r"[A-Z][a-z]{3,}ly[A-Z]", a), a
        for b in tags[i + 1 :]:
            assert not _parts(a) & _parts(b), (a, b)


def test_numbered_sections_count_themselves_in_the_thread():
    posts = _posts("listicle-onboarding.txt")
    assert not any(_SUFFIX.search(p) for p in posts)  # no "2/11" on the post headed "1."
    numbers = [heading_number(p) for p in posts[1:-1]]
    assert numbers == list(range(1, 10))


@pytest.mark.parametrize("name", FILES)
def test_linkedin_is_one_post_with_clean_point_lines(name):
    posts = _posts(name, "linkedin")
    assert len(posts) == 1
    for line in posts[0].split("\n"):
        assert not re.match(r"•\s*\d+[.)]", line), line  # a numbered heading is its own marker
        _head, sep, rest = line.partition(": ")
        if line.startswith("•") and sep:
            assert ":" not in rest[: len(rest) // 2], line  # never "Heading: Watch this: …"
