"""platforms.parse_limits / choose_platforms: `--limit` options and configured limits."""

from __future__ import annotations

import pytest

from repurpose.errors import PlatformError
from repurpose.platforms import PLATFORMS, choose_platforms, get_platform, parse_limits


def test_named_and_bare_limits():
    assert parse_limits(["mastodon=1000", "twitter=25000"], []) == {"mastodon": 1000, "x": 25000}
    assert parse_limits(["900"], [get_platform("bluesky")]) == {"bluesky": 900}
    assert parse_limits([], [get_platform("x")]) == {}


@pytest.mark.parametrize(
    "option,chosen,message",
    [
        ("1000", (), r"^--limit 1000: name the platform \(e\.g\. --limit mastodon=1000\) unless"),
        ("1000", ("x", "mastodon"), r"^--limit 1000: name the platform"),
        ("mastodon=lots", (), r"^--limit mastodon=lots: the limit must be a whole number"),
        ("mastodon=0", (), r"^limit for mastodon must be a positive whole number, not 0$"),
        ("myspace=10", (), r"^unknown platform 'myspace'"),
    ],
)
def test_bad_limit_options_are_one_line_errors(option, chosen, message):
    with pytest.raises(PlatformError, match=message):
        parse_limits([option], [get_platform(n) for n in chosen])


def test_choose_platforms_defaults_to_all_with_their_own_limits():
    chosen = choose_platforms()
    assert [p.name for p in chosen] == list(PLATFORMS)
    assert [p.limit for p in chosen] == [get_platform(n).limit for n in PLATFORMS]


def test_options_override_configured_limits_which_override_defaults():
    chosen = choose_platforms(
        ["mastodon", "x", "bluesky"],
        limits={"mastodon": 5000, "x": 25000},
        options=["mastodon=550"],
    )
    assert [(p.name, p.limit) for p in chosen] == [
        ("mastodon", 550),
        ("x", 25000),
        ("bluesky", 300),
    ]
    # a bare --limit applies to the one platform named
    assert [p.limit for p in choose_platforms(["mastodon"], options=["1000"])] == [1000]


def test_an_unknown_platform_name_is_refused_before_limits_are_read():
    with pytest.raises(PlatformError, match="unknown platform 'myspace'"):
        choose_platforms(["myspace"], options=["lots"])
