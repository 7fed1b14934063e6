"""Social threads from compose, measured with the real platform counters and splitter."""

from __future__ import annotations

import re

from repurpose.compose import compose
from repurpose.compose.sentences import opens_with_reference
from repurpose.config import Settings, Social, Utm
from repurpose.ingest.build import ArticleDraft
from repurpose.platforms import get_platform
from tests.unit.test_compose_digest import bakery_article

URL = "https://crumb.example/solar-ovens"


def long_article(sections: int = 14) -> ArticleDraft:
    d = ArticleDraft(title="Fourteen Ways a Bakery Saves Energy", meta={"url": URL})
    d.section(None).add(
        "paragraph",
        text="Small bakeries spend more on power than on flour these days. "
        "These fourteen habits from real kitchens cut that bill without cutting quality.",
    )
    for i in range(sections):
        s = d.section(f"Habit {i + 1}: Oven Number {i + 1}")
        extra = " ".join(["and the proofing cabinet"] * (i % 4))
        s.add(
            "paragraph",
            text=f"Oven number {i + 1} runs hotter than it needs to {extra} most mornings. "
            f"Turning it down by ten degrees saved {i + 3} percent of its daily energy use.",
        )
    return d


def by_platform(c):
    return {t.platform: t for t in c.threads}


def test_every_configured_platform_gets_a_thread_within_its_limit():
    c = compose(bakery_article(url=URL), Settings(), slug="solar")
    threads = by_platform(c)
    assert list(threads) == ["x", "bluesky", "mastodon", "linkedin", "threads"]
    for name, thread in threads.items():
        platform = get_platform(name)
        assert thread.limit == platform.limit
        assert thread.posts
        for post in thread.posts:
            assert post.length == platform.length(post.text)
            assert post.length <= platform.limit, (name, post.text)


def test_x_posts_fit_280_weighted_even_with_wide_characters():
    d = ArticleDraft(
        title="東京のパン屋が太陽光で電気代を削減した方法についての詳しい話", meta={"url": URL}
    )
    s = d.section("背景")
    s.add("paragraph", text="東京の小さなパン屋は電気代の高騰に直面しました。" * 12)
    s = d.section("Emoji heavy 🎉🎉")
    s.add(
        "paragraph",
        text="The bakers celebrated 🎉🥐🎉 every single day of the first sunny month. " * 6,
    )
    c = compose(d.build(), Settings(), slug="tokyo")
    x = by_platform(c)["x"]
    assert all(p.length <= 280 for p in x.posts)
    assert all(get_platform("x").length(p.text) == p.length for p in x.posts)


def test_thread_shape_hook_sections_closing():
    c = compose(bakery_article(url=URL), Settings(), slug="solar")
    x = by_platform(c)["x"]
    texts = [p.text for p in x.posts]
    n = len(texts)
    # Hook: title-led, from the introduction.
    assert texts[0].startswith("Solar Ovens: How a Small Bakery Chain")
    assert x.posts[0].source == ("b1",)
    # Numbering by the splitter with the configured format.
    assert all(t.endswith(f" {i}/{n}") for i, t in enumerate(texts, 1))
    # Closing: the link with X's UTM, and the hashtags.
    assert (
        "https://crumb.example/solar-ovens?utm_source=repurpose&utm_medium=x&utm_campaign=solar"
        in texts[-1]
    )
    assert all(tag in texts[-1] for tag in c.hashtags)
    # One post per major section in between, each citing its blocks.
    assert len(x.posts) - 2 >= 4
    for post in x.posts[1:-1]:
        assert post.source
    bluesky = by_platform(c)["bluesky"]
    assert "utm_medium=bluesky" in bluesky.posts[-1].text


def test_no_post_opens_with_a_dangling_reference():
    c = compose(bakery_article(url=URL), Settings(), slug="solar")
    for thread in c.threads:
        for post in thread.posts[1:-1]:
            body = post.text.split("\n")[-1]
            assert not opens_with_reference(body), (thread.platform, post.text)


def test_thread_length_bounded_by_max_posts():
    settings = Settings(social=Social(max_posts=8))
    c = compose(long_article().build(), settings, slug="habits")
    for thread in c.threads:
        assert len(thread.posts) <= 8, thread.platform
        if thread.platform == "linkedin":  # one post: at most max_posts - 2 section points
            assert len(thread.posts) == 1
            assert thread.posts[0].text.count("\n• ") == 6
            assert "\nRead the full article:" in thread.posts[0].text
        else:
            assert thread.posts[-1].text.startswith("Read the full article:")


def test_default_bounds_scale_with_the_article():
    c = compose(long_article().build(), Settings(), slug="habits")
    x = by_platform(c)["x"]
    assert len(x.posts) == 12  # 14 sections: capped at the default max


def test_short_article_is_not_padded():
    d = ArticleDraft(title="One Oven Tip")
    d.section(None).add(
        "paragraph", text="Turn the deck oven down ten degrees after the first bake of the day."
    )
    c = compose(d.build(), Settings(social=Social(hashtags=0)), slug="tip")
    x = by_platform(c)["x"]
    assert len(x.posts) == 1
    assert x.posts[0].text.startswith("One Oven Tip\nTurn the deck oven down")


def two_lessons(*, recap: bool) -> ArticleDraft:
    d = ArticleDraft(title="Two Big Lessons", meta={"url": URL})
    d.section(None).add("paragraph", text="We learned two big lessons from a year of solar baking.")
    for name, when in (("Batteries Matter", "midnight"), ("Timing Matters", "dawn")):
        s = d.section(name)
        s.add(
            "paragraph",
            text=f"{name} more than the panels themselves for a bakery that bakes until {when}. "
            f"The {when} shift draws power when the panels produce nothing at all. "
            f"Storing the midday surplus in the cellar kept the ovens running until {when}.",
        )
    if recap:  # a scraped page repeating itself
        d.section("Recap").add(
            "paragraph",
            text="Timing Matters more than the panels themselves for a bakery that bakes until dawn.",
        )
    return d


def test_min_posts_reached_with_more_key_points_not_filler():
    article = two_lessons(recap=False).build()
    c = compose(article, Settings(social=Social(min_posts=5, hashtags=0)), slug="two")
    x = by_platform(c)["x"]
    assert len(x.posts) == 5  # hook + 2 sections + closing = 4; one more key point
    section_of = {b.id: s.id for s in article.sections for b in s.blocks}
    middle = [section_of[p.source[0]] for p in x.posts[1:-1]]
    assert sorted(set(middle)) == ["batteries-matter", "timing-matters"]
    body = " ".join(b.text for b in article.blocks())
    for post in x.posts[1:-1]:
        sentence = post.text.split("\n")[-1].rsplit(" ", 1)[0]  # without the numbering
        assert sentence in body


def test_the_same_sentence_is_never_posted_twice():
    article = two_lessons(recap=True).build()
    c = compose(article, Settings(social=Social(min_posts=9, hashtags=0)), slug="two")
    for thread in c.threads:
        bodies = [p.text.split("\n")[-1].rsplit(" ", 1)[0] for p in thread.posts]
        assert len(set(bodies)) == len(bodies), thread.platform


def test_no_link_when_url_unknown_and_tags_join_last_post():
    c = compose(bakery_article(), Settings(), slug="solar")
    for thread in c.threads:
        assert all("http" not in p.text for p in thread.posts)
        assert all(tag in thread.posts[-1].text for tag in c.hashtags)


def test_numbering_can_be_switched_off_and_limits_overridden():
    s = Settings(social=Social(numbering="", limits={"mastodon": 1000}, platforms=("mastodon",)))
    c = compose(bakery_article(url=URL), s, slug="solar")
    (thread,) = c.threads
    assert thread.limit == 1000
    assert not any(p.text.rstrip().endswith("/" + str(len(thread.posts))) for p in thread.posts)


def test_utm_switched_off_leaves_link_plain():
    s = Settings(utm=Utm(enabled=False), social=Social(platforms=("x",)))
    c = compose(bakery_article(url=URL), s, slug="solar")
    assert f"Read the full article: {URL}" in c.threads[0].posts[-1].text
    assert c.digest.cta_url == URL


def test_threads_are_deterministic():
    a = long_article().build()
    first = compose(a, Settings(), slug="habits").model_dump_json()
    assert compose(a, Settings(), slug="habits").model_dump_json() == first


# ---- LinkedIn: one post, not a chain ------------------------------------------------------


def test_linkedin_is_one_unnumbered_post_with_hook_points_link_and_tags():
    article = long_article(6).build()
    c = compose(article, Settings(), slug="habits")
    threads = by_platform(c)
    linkedin = threads["linkedin"]
    assert len(linkedin.posts) == 1
    post = linkedin.posts[0]
    platform = get_platform("linkedin")
    assert post.length == platform.length(post.text) <= 3000
    assert not re.search(r"\s\d+/\d+$", post.text), "a single post carries no numbering"
    lines = post.text.split("\n")
    assert lines[0] == article.title
    assert lines[1].startswith("Small bakeries spend more")  # the hook
    points = [ln for ln in lines if ln.startswith("• ")]
    assert len(points) == 6
    assert all(p.startswith(f"• Habit {i}: Oven Number {i} — ") for i, p in enumerate(points, 1))
    assert lines[-2].startswith("Read the full article: " + URL)
    assert "utm_medium=linkedin" in lines[-2]
    assert lines[-1] == " ".join(c.hashtags)
    # every section a point came from is cited
    assert set(post.source) >= {b.id for s in article.sections[1:] for b in s.blocks}
    # the reply-chain platforms are still chains
    for name in ("x", "bluesky", "mastodon", "threads"):
        assert len(threads[name].posts) > 1, name


def test_linkedin_post_drops_the_smallest_sections_to_fit_a_lower_limit():
    article = long_article(14).build()
    full = by_platform(compose(article, Settings(), slug="h"))["linkedin"].posts[0]
    settings = Settings(social=Social(limits={"linkedin": 900}))
    post = by_platform(compose(article, settings, slug="h"))["linkedin"].posts
    assert len(post) == 1
    assert post[0].length <= 900 < full.length
    assert post[0].text.count("• ") < full.text.count("• ")
    assert URL in post[0].text


def test_linkedin_falls_back_to_a_chain_when_not_even_the_hook_fits():
    settings = Settings(social=Social(limits={"linkedin": 120}))
    thread = by_platform(compose(long_article(4).build(), settings, slug="h"))["linkedin"]
    assert len(thread.posts) > 1
    assert all(p.length <= 120 for p in thread.posts)
