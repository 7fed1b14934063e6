"""UTM tagging and URL checks (repurpose.links)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from repurpose.config import Utm
from repurpose.links import (
    has_scheme,
    host_of,
    is_web_url,
    site_host,
    with_utm,
)

UTM = Utm()


def tag(url: str, site: str | None = "https://shop.example", utm: Utm = UTM, channel="email"):
    return with_utm(url, utm, channel=channel, slug="spring-sale", site_url=site)


def test_own_site_link_gets_utm_in_fixed_order():
    out = tag("https://shop.example/blog/spring")
    assert out == (
        "https://shop.example/blog/spring"
        "?utm_source=repurpose&utm_medium=email&utm_campaign=spring-sale"
    )


def test_channel_and_slug_templates_are_filled():
    utm = Utm(source="{channel}-feed", medium="social", campaign="c-{slug}")
    out = tag("https://shop.example/a", utm=utm, channel="bluesky")
    assert parse_qsl(urlsplit(out).query) == [
        ("utm_source", "bluesky-feed"),
        ("utm_medium", "social"),
        ("utm_campaign", "c-spring-sale"),
    ]


def test_existing_query_and_fragment_are_preserved():
    out = tag("https://shop.example/a?b=2&a=1%20x#part-2")
    parts = urlsplit(out)
    assert parts.query.startswith("b=2&a=1%20x&utm_source=")
    assert parts.fragment == "part-2"


def test_existing_utm_parameter_is_never_duplicated():
    out = tag("https://shop.example/a?utm_source=newsletter&x=1")
    pairs = parse_qsl(urlsplit(out).query)
    assert [k for k, _ in pairs].count("utm_source") == 1
    assert ("utm_source", "newsletter") in pairs
    assert ("utm_medium", "email") in pairs
    # Tagging twice changes nothing.
    assert tag(out) == out


@pytest.mark.parametrize(
    "url",
    [
        "https://other.example/a",
        "https://evil.shop.example.net/a",
        "mailto:hello@shop.example",
        "/relative/path",
        "shop.example/no-scheme",
    ],
)
def test_other_links_are_unchanged(url):
    assert tag(url) == url


def test_www_is_ignored_on_both_sides_and_host_case_too():
    assert "utm_source" in tag("https://WWW.Shop.example/a", site="shop.example")
    assert "utm_source" in tag("https://shop.example/a", site="https://www.shop.example/")


def test_disabled_or_unknown_site_returns_url_unchanged():
    url = "https://shop.example/a"
    assert tag(url, utm=Utm(enabled=False)) == url
    assert tag(url, site=None) == url


def test_empty_template_value_is_left_out():
    out = tag("https://shop.example/a", utm=Utm(campaign=""))
    assert "utm_campaign" not in out
    assert "utm_medium=email" in out


def test_values_are_percent_encoded():
    out = tag("https://shop.example/a", utm=Utm(campaign="{slug} & more"))
    assert "utm_campaign=spring-sale%20%26%20more" in out


def test_scheme_helpers():
    assert has_scheme("https://a.example")
    assert has_scheme("mailto:x@a.example")
    assert not has_scheme("www.a.example/x")
    assert not has_scheme("//a.example/x")
    assert is_web_url("http://a.example/x")
    assert not is_web_url("mailto:x@a.example")
    assert not is_web_url("https://")
    assert host_of("https://www.A.example:8080/x") == "a.example"
    assert host_of("a.example/path") == "a.example"
    assert site_host(None, "https://blog.example/post") == "blog.example"
    assert site_host("https://brand.example", "https://blog.example/post") == "brand.example"


def test_links_in_text_end_before_sentence_punctuation():
    from repurpose.links import with_utm_in_text

    text = "See https://a.example/x. Or www.a.example/y, and mailto:not-found."
    out = with_utm_in_text(text, UTM, channel="email", slug="s", site_url="a.example")
    tagged = "https://a.example/x?utm_source=repurpose&utm_medium=email&utm_campaign=s"
    assert out == text.replace("https://a.example/x", tagged)


def test_links_in_running_text_are_tagged_with_punctuation_kept():
    from repurpose.links import with_utm_in_text

    text = "See https://shop.example/sale. Or (https://shop.example/a?x=1) and https://other.example/b!"
    out = with_utm_in_text(text, UTM, channel="email", slug="s", site_url="shop.example")
    assert out == (
        "See https://shop.example/sale?utm_source=repurpose&utm_medium=email&utm_campaign=s. "
        "Or (https://shop.example/a?x=1&utm_source=repurpose&utm_medium=email&utm_campaign=s) "
        "and https://other.example/b!"
    )
    assert with_utm_in_text(text, UTM, channel="email", slug="s", site_url=None) == text
    assert with_utm_in_text(text, Utm(enabled=False), channel="email", slug="s",
                            site_url="shop.example") == text  # fmt: skip
