"""The thread splitter: where it breaks, numbering, forced breaks, and its guarantees."""

from __future__ import annotations

import re

import pytest

from repurpose.errors import PlatformError
from repurpose.platforms import PLATFORMS, get_platform, split_thread
from repurpose.platforms.split import _is_filler

NUM = re.compile(r" \d+/\d+$")


def bodies(posts):
    return [NUM.sub("", p.text) for p in posts]


def words(text):
    return text.split()


PROSE = (
    "Most teams publish a long article once and move on. That is a waste, because the same "
    "ideas could reach people on five platforms. In this guide we show how to do it; step by "
    "step, with numbers like 1,000.50 and 3.5% and a link: https://example.com/guide?utm=1.\n\n"
    "The first step is to find the key sentences. A good key sentence states one idea clearly "
    "— it does not lean on the sentences around it. Tag @alice@example.social or "
    "#contentmarketing when useful, and see example.org for more."
)


@pytest.mark.parametrize("name", PLATFORMS)
def test_every_post_fits_and_words_survive(name):
    platform = get_platform(name, limit=100)
    posts = split_thread([PROSE], platform)
    assert len(posts) > 2
    for p in posts:
        assert platform.fits(p.text), p.text
        assert p.length == platform.length(p.text) <= 100
    assert words(" ".join(bodies(posts))) == words(PROSE)
    assert [p.text[-len(f" {i}/{len(posts)}") :] for i, p in enumerate(posts, 1)] == [
        f" {i}/{len(posts)}" for i in range(1, len(posts) + 1)
    ]


def test_prefers_paragraph_then_sentence_boundaries():
    x = get_platform("x")
    posts = split_thread([PROSE], x)
    # each paragraph fits a post: the split falls exactly between them
    assert bodies(posts) == PROSE.split("\n\n")


def test_sentence_before_word_boundary():
    first = "This first sentence is long enough to stand alone."
    text = first + " " + "word " * 60
    posts = split_thread([text], get_platform("x", limit=120))
    assert bodies(posts)[0] == first


def test_clause_boundary_used_when_no_sentence_end():
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa, " + "lambda mu nu " * 10
    posts = split_thread([text], get_platform("x", limit=80))
    assert bodies(posts)[0].endswith("kappa,")


def test_forced_break_line_and_chunks():
    posts = split_thread(
        ["One small post.\n---\nAnother small post.", "Chunk two."], get_platform("x")
    )
    assert bodies(posts) == ["One small post.", "Another small post.", "Chunk two."]
    assert [p.chunk for p in posts] == [0, 0, 1]


def test_numbering_formats():
    x = get_platform("x")
    posts = split_thread(["A.", "B.", "C."], x, numbering=" ({i} of {n})")
    assert [p.text for p in posts] == ["A. (1 of 3)", "B. (2 of 3)", "C. (3 of 3)"]
    posts = split_thread(["A.", "B."], x, numbering="")
    assert [p.text for p in posts] == ["A.", "B."]
    assert [p.text for p in split_thread(["Only one."], x)] == ["Only one."]  # not "1/1"
    with pytest.raises(PlatformError):
        split_thread(["A."], x, numbering=" {page}")


def test_suffix_width_settled_after_count_is_known():
    # ~100 characters per post: a 1-digit guess fits 9 posts, the text needs more than 10
    platform = get_platform("mastodon", limit=60)
    text = " ".join(f"word{i:03d}" for i in range(120))
    posts = split_thread([text], platform)
    assert len(posts) >= 10
    assert all(platform.fits(p.text) for p in posts)
    assert posts[-1].text.endswith(f" {len(posts)}/{len(posts)}")
    assert words(" ".join(bodies(posts))) == words(text)


def test_suffix_grows_when_the_thread_crosses_9_to_10_posts():
    # words of 11 characters, limit 60: 4 words (47) + " i/n" per post, with 1 or 2 digits
    platform = get_platform("mastodon", limit=60)
    nine = " ".join(f"w{i:010d}" for i in range(36))
    posts = split_thread([nine], platform)
    assert [p.text[-4:] for p in posts] == [f" {i}/9" for i in range(1, 10)]
    ten = nine + " w0000000036"  # one word more: a tenth post, every suffix is now wider
    posts = split_thread([ten], platform)
    assert len(posts) == 10
    assert [p.text.rsplit(" ", 1)[1] for p in posts] == [f"{i}/10" for i in range(1, 11)]
    assert all(p.length == platform.length(p.text) <= 60 for p in posts)
    assert words(" ".join(bodies(posts))) == words(ten)


def test_suffix_width_is_the_one_the_count_needs():
    # 63 words of 7 characters fit 9 posts of 7 words with " i/9" (59); reserving room for a
    # two-digit count would only hold 6 words a post and make 11 posts
    platform = get_platform("mastodon", limit=60)
    text = " ".join(f"w{i:06d}" for i in range(63))
    posts = split_thread([text], platform)
    assert len(posts) == 9 and posts[-1].text.endswith(" 9/9")
    # a text that fits one post is not split to make room for a suffix it would not get
    short = "See example.org today.\nthen"
    x = get_platform("x", limit=x_len(short))
    assert [p.text for p in split_thread([short], x)] == [short]


def x_len(text):
    return get_platform("x").length(text)


@pytest.mark.parametrize("tail", ["and so on.", "and so on, and so on.", "or so.", "— and the"])
@pytest.mark.parametrize("stop", ["", ",", "."])
def test_text_ending_in_connectors_leaves_no_connector_post(tail, stop):
    # a clause or sentence end before the tail makes the break there attractive
    head = "We tried newsletters podcasts webinars forums meetups office hours workshops" + stop
    text = f"{head} {tail}"
    # every limit from a post that holds the head alone to one that holds head and tail
    for limit in range(len(head) - 12, len(text) + 8):
        for numbering in ("", " {i}/{n}"):
            posts = split_thread([text], get_platform("x", limit=limit), numbering=numbering)
            got = bodies(posts)
            assert words(" ".join(got)) == words(text)
            for b in got:
                assert not all(_is_filler(w) for w in b.split()), (limit, got)
    # a lone dash after a full post takes words of the post before rather than standing alone
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu —"
    posts = split_thread([text], get_platform("x", limit=len(text) - 2), numbering="")
    assert len(posts) == 2 and bodies(posts)[1] != "—" and bodies(posts)[1].endswith(" —")


def test_no_post_is_only_a_connector_or_punctuation():
    text = "This sentence is exactly long enough to need a split at the very end and"
    posts = split_thread([text], get_platform("x", limit=len(text) - 2), numbering="")
    for b in bodies(posts):
        assert b.lower() not in {"and", "the", "—", ".", "or"}
    posts = split_thread(["Point one is here.\n---\n—"], get_platform("x"), numbering="")
    assert bodies(posts) == ["Point one is here.\n—"]


def test_balanced_tail():
    text = "word " * 61  # 305 characters
    posts = split_thread([text], get_platform("x"), numbering="")
    assert len(posts) == 2
    short = min(len(p.text) for p in posts)
    assert short > 100  # not 280 + 25


def test_identical_posts_merged_without_numbering():
    posts = split_thread(["Same text.", "Same text."], get_platform("x"), numbering="")
    texts = [p.text for p in posts]
    assert len(set(texts)) == len(texts)
    assert words(" ".join(texts)) == ["Same", "text.", "Same", "text."]


def test_identical_posts_kept_apart_by_numbering():
    posts = split_thread(["Same text.", "Same text."], get_platform("x"))
    assert [p.text for p in posts] == ["Same text. 1/2", "Same text. 2/2"]


def test_giant_word_is_hard_split_without_crash():
    b = get_platform("bluesky")
    giant = "x" * 700 + "👍🏽" * 5
    posts = split_thread([f"Look: {giant} done."], b)
    assert all(b.fits(p.text) for p in posts)
    assert "".join(bodies(posts)).replace(" ", "") == f"Look:{giant}done."
    assert not any("\U0001f44d" in t and "\U0001f3fd" not in t for t in bodies(posts))


def test_urls_count_23_on_x_so_long_urls_stay_whole():
    url = "https://example.com/" + "p" * 400
    posts = split_thread([f"Read {url} today."], get_platform("x"))
    assert [p.text for p in posts] == [f"Read {url} today."]


def test_threads_link_cap_respected():
    t = get_platform("threads")
    text = " ".join(f"see https://example.com/{i}" for i in range(12))
    posts = split_thread([text], t)
    assert all(len(t.links(p.text)) <= 5 for p in posts)
    assert len(posts) >= 3


def test_bluesky_byte_limit_respected():
    b = get_platform("bluesky")
    family = "👨\u200d👩\u200d👧\u200d👦"
    text = " ".join([family] * 200)  # 399 graphemes but 5199 bytes
    posts = split_thread([text], b)
    assert all(len(p.text.encode()) <= 3000 and b.fits(p.text) for p in posts)


def test_max_posts():
    with pytest.raises(PlatformError, match="more than the 2 allowed"):
        split_thread(["word " * 200], get_platform("x"), max_posts=2)
    assert len(split_thread(["word " * 200], get_platform("x"), max_posts=5)) <= 5


def test_empty_input():
    assert split_thread([], get_platform("x")) == []
    assert split_thread(["", "  \n"], get_platform("x")) == []


def test_cjk_text_splits_at_ideographic_punctuation():
    text = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。" * 6
    x = get_platform("x")
    posts = split_thread([text], x)
    assert all(x.fits(p.text) for p in posts)
    assert all(b.endswith(("。", "，")) for b in bodies(posts))
    assert "".join(bodies(posts)) == text
