"""Each platform's counting rules: URLs, emoji, CJK, combining marks, RTL, mentions, escaping."""

from __future__ import annotations

import pytest

from repurpose.errors import PlatformError
from repurpose.platforms import PLATFORMS, get_platform
from repurpose.platforms.twitter_text import extract_emoji, extract_urls

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # ZWJ sequence, 7 code points
FLAG_FR = "🇫🇷"  # two regional indicators
WAVE_DARK = "👋🏿"  # skin tone modifier
KEYCAP = "1\ufe0f\u20e3"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # tag sequence


def test_registry_order_and_unknown_names():
    assert PLATFORMS == ("x", "bluesky", "mastodon", "linkedin", "threads")
    assert [get_platform(n).label for n in PLATFORMS] == [
        "X",
        "Bluesky",
        "Mastodon",
        "LinkedIn",
        "Threads",
    ]
    with pytest.raises(PlatformError) as exc:
        get_platform("myspace")
    assert "x, bluesky, mastodon, linkedin, threads" in str(exc.value)
    assert get_platform("X").name == "x" and get_platform("twitter").name == "x"


def test_limits_default_and_configurable():
    assert [get_platform(n).limit for n in PLATFORMS] == [280, 300, 500, 3000, 500]
    assert get_platform("x", limit=25000).limit == 25000
    assert get_platform("mastodon", limit=1000).fits("a" * 999)
    assert not get_platform("mastodon").fits("a" * 999)
    with pytest.raises(PlatformError):
        get_platform("x", limit=0)


# --- X ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,expected",
    [
        ("hello", 5),
        ("https://example.com/a/very/long/path/that/goes/on?and=on&on=1", 23),
        ("http://example.com", 23),
        ("example.org", 23),  # bare domain, no scheme
        ("see www.example.co.uk/page today", 4 + 23 + 6),
        ("file.py", 7),  # a ccTLD-only short name without path is not a link
        ("e.g. this", 9),
        ("Version 3.5% or 1,000.50", 24),
        ("two https://a.example.com/x and b.example.org.", 4 + 23 + 5 + 23 + 1),
        (FAMILY, 2),
        (FLAG_FR, 2),
        (WAVE_DARK, 2),
        (KEYCAP, 2),
        (ENGLAND, 2),
        ("e\u0301", 1),  # NFC: e + combining acute = é, weight 1
        ("日本語", 6),  # CJK weighs 2
        ("مرحبا بالعالم", 13),  # Arabic is in the weight-1 range
        ("שלום", 4),  # Hebrew too
        ("“quoted” — dash…", 15 + 2),  # U+2026 … is outside the weight-1 ranges
    ],
)
def test_x_weighted_length(text, expected):
    assert get_platform("x").length(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # any root-zone TLD makes a link, not only the common ones
        ("see example.fyi", 4 + 23),
        ("see shop.photo", 4 + 23),
        ("see studio.design/work", 4 + 23),
        ("see news.bot", 4 + 23),
        ("see https://例子.中文网", 4 + 23),  # internationalised generic TLD
        ("see 例子.中文网", 4 + 4 + 1 + 6),  # twitter-text links bare domains only in ASCII
        # a name after the dot that is no TLD is plain text
        ("see research.baz", 4 + 12),
        ("see notes.web", 4 + 9),
        ("see config.yaml", 4 + 11),
    ],
)
def test_x_links_with_any_real_tld(text, expected):
    assert get_platform("x").length(text) == expected


def test_x_limit_is_weighted():
    x = get_platform("x")
    assert x.fits("日" * 140) and not x.fits("日" * 141)
    assert x.fits("a" * 280) and not x.fits("a" * 281)
    long_url = "https://example.com/" + "p" * 500
    assert x.fits(("word " * 51) + long_url)  # 255 + 23


def test_url_extraction_with_and_without_scheme():
    text = "Go to https://example.com/x?y=1, example.org or www.test.io/path."
    assert [u for _, _, u in extract_urls(text)] == [
        "https://example.com/x?y=1",
        "example.org",
        "www.test.io/path",
    ]
    assert [u for _, _, u in extract_urls(text, without_protocol=False)] == [
        "https://example.com/x?y=1"
    ]
    assert extract_urls("no links here. None at all.") == []


def test_emoji_extraction_sequences():
    text = f"a{FAMILY}b{FLAG_FR}c{WAVE_DARK}d{KEYCAP}e{ENGLAND}"
    spans = extract_emoji(text)
    assert [text[s:e] for s, e in spans] == [FAMILY, FLAG_FR, WAVE_DARK, KEYCAP, ENGLAND]
    assert extract_emoji("© 2024") == []  # text-style © is not an emoji (twemoji rule)


# --- Bluesky ------------------------------------------------------------------------------
def test_bluesky_counts_graphemes_and_bytes():
    b = get_platform("bluesky")
    assert b.length(FAMILY) == 1
    assert b.length("e\u0301") == 1
    assert b.length(FLAG_FR + WAVE_DARK) == 2
    assert b.length("日本語") == 3
    assert b.fits("a" * 300) and not b.fits("a" * 301)
    # 120 family emoji: 120 graphemes but 25 bytes each = 3000 bytes; one more breaks bytes
    assert b.fits(FAMILY * 120)
    assert not b.fits(FAMILY * 121)  # 121 graphemes is under 300, bytes are not
    assert any("bytes" in p for p in b.problems(FAMILY * 121))


def test_bluesky_facets_shorten_links_and_carry_full_url():
    b = get_platform("bluesky")
    url = "https://example.com/articles/2024/how-to-repurpose?utm_source=x"
    text = f"Read é {url} now, or example.org."
    display, facets = b.facets(text)
    # Bluesky's own display text (social-app toShortUrl): host + 13 characters + "..."
    assert display == "Read é example.com/articles/202... now, or example.org."
    assert len(facets) == 2
    raw = display.encode("utf-8")
    first, second = facets
    assert first["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": url}]
    s, e = first["index"]["byteStart"], first["index"]["byteEnd"]
    assert raw[s:e].decode() == "example.com/articles/202..."
    s, e = second["index"]["byteStart"], second["index"]["byteEnd"]
    assert raw[s:e].decode() == "example.org"
    assert second["features"][0]["uri"] == "https://example.org"
    assert b.length(text) == len(display)  # counted on the display text


@pytest.mark.parametrize(
    "url,shown",
    [
        ("https://example.com/", "example.com"),
        ("http://example.com/short-path", "example.com/short-path"),  # 15 characters: kept
        ("https://example.com/a-longer-path12", "example.com/a-longer-pat..."),  # 16: cut
        ("https://example.com?q=1&r=2#top", "example.com?q=1&r=2#top"),
        ("https://example.com:443/x", "example.com/x"),  # default port dropped
        ("https://example.com:8443/x", "example.com:8443/x"),
        ("https://bücher.de/straße", "xn--bcher-kva.de/stra%C3%9Fe"),  # as `new URL()` gives
        ("www.example.org/guide", "www.example.org/guide"),
    ],
)
def test_bluesky_display_text_of_links(url, shown):
    from repurpose.platforms.rules import short_url

    assert short_url(url) == shown


def test_bluesky_without_links_is_identity():
    assert get_platform("bluesky").facets("plain words") == ("plain words", [])


# --- Mastodon -----------------------------------------------------------------------------
def test_mastodon_urls_and_remote_mentions():
    m = get_platform("mastodon")
    assert m.length("https://example.com/" + "x" * 100) == 23
    assert m.length("example.org") == 11  # Mastodon links only URLs with a scheme
    assert m.length("hi @alice@example.social") == len("hi @alice")
    assert m.length("mail me@example.com") == len("mail me@example.com")  # not a mention
    assert m.length(FAMILY + "日本") == 3  # graphemes


# --- LinkedIn -----------------------------------------------------------------------------
def test_linkedin_escape_little_format():
    li = get_platform("linkedin")
    text = r"Costs (approx.) <5% of #budget @team [draft] {x} a|b *bold* _it_ ~s~ back\slash"
    escaped = li.escape(text)
    assert escaped == (
        r"Costs \(approx.\) \<5% of \#budget \@team \[draft\] \{x\} a\|b \*bold\* \_it\_ "
        r"\~s\~ back\\slash"
    )
    assert li.length(text) == len(text)  # counted unescaped
    assert li.length(FAMILY) == 11  # UTF-16 code units
    assert get_platform("x").escape(text) == text  # identity elsewhere


# --- Threads ------------------------------------------------------------------------------
def test_threads_emoji_bytes_and_link_cap():
    t = get_platform("threads")
    assert t.length("hi 👍") == 3 + 4
    assert t.length(FAMILY) == 25
    assert t.length("日本") == 2
    assert t.max_links == 5
    five = " ".join(f"https://example.com/{i}" for i in range(5))
    assert t.fits(five)
    assert not t.fits(five + " example.org")
    assert any("6 links" in p for p in t.problems(five + " example.org"))


# --- every platform on the same texts ---------------------------------------------------------
# columns: x, bluesky, mastodon, linkedin, threads
LONG_URL = "https://example.com/a/very/long/path/to/an/article?utm_source=x"
MATRIX = [
    # X: URL 23; Bluesky: shortened display (27); Mastodon: 23; LinkedIn/Threads: as written
    (f"read {LONG_URL} now", (32, 36, 32, 9 + len(LONG_URL), 9 + len(LONG_URL))),
    # a bare domain is a link on X (23), shown as is on Bluesky, plain text on Mastodon
    ("read example.org now", (32, 20, 20, 20, 20)),
    ("read www.example.co.uk/guide now", (32, 32, 32, 32, 32)),
    ("read EXAMPLE.COM/Guide now", (32, 26, 26, 26, 26)),
    # ZWJ family: X 2, Bluesky/Mastodon 1 grapheme, LinkedIn 11 UTF-16 units, Threads 25 bytes
    (FAMILY, (2, 1, 1, 11, 25)),
    (FLAG_FR, (2, 1, 1, 4, 8)),
    (WAVE_DARK, (2, 1, 1, 4, 8)),
    (KEYCAP, (2, 1, 1, 3, 7)),
    (ENGLAND, (2, 1, 1, 14, 28)),
    # combining acute: NFC on X (4), one grapheme (4), code units/points elsewhere (5)
    ("café", (4, 4, 4, 5, 5)),
    ("日本語のテキスト", (16, 8, 8, 8, 8)),  # CJK weighs 2 on X only
    ("한국어", (6, 3, 3, 3, 3)),
    ("שלום עולם", (9, 9, 9, 9, 9)),  # Hebrew, right to left, weighs 1
    ("مرحبا بالعالم", (13, 13, 13, 13, 13)),  # Arabic too
    ("\u200f\u05e9\u05dc\u05d5\u05dd\u200e", (8, 6, 6, 6, 6)),  # RLM, LRM: X weighs 2 each
    ("hi @alice@example.social", (24, 24, 9, 24, 24)),  # Mastodon counts @alice
]


@pytest.mark.parametrize("text,expected", MATRIX)
def test_each_platform_counts_as_it_does(text, expected):
    assert tuple(get_platform(n).length(text) for n in PLATFORMS) == expected


def test_right_to_left_text_counts():
    text = "\u05e9\u05dc\u05d5\u05dd \u202bעולם\u202c https://example.co.il/page"
    # Hebrew weighs 1; the embedding marks U+202B/U+202C lie outside the weight-1 ranges
    assert get_platform("x").length(text) == 4 + 1 + 2 + 4 + 2 + 1 + 23
    assert get_platform("mastodon").length(text) == 4 + 1 + 6 + 1 + 23


def test_unicode_tables_match_the_regex_module():
    # the stdlib-re classes kept as tables (fast import) are exactly the `regex` module's
    # properties; regenerate with `python -m repurpose.platforms.unicode_tables` when this fails
    from repurpose.platforms import unicode_tables

    assert unicode_tables.generate() == {
        "JOINING_BMP": unicode_tables.JOINING_BMP,
        "BMP_PICTOGRAPHIC": unicode_tables.BMP_PICTOGRAPHIC,
    }


def test_importing_the_platforms_compiles_no_big_pattern():
    # the URL pattern (hundreds of TLDs) and the `regex` module load on first use, not at import
    import subprocess
    import sys

    code = (
        "import sys, repurpose.platforms as p, repurpose.platforms.twitter_text as t;"
        "print('regex' in sys.modules, t._url_re.cache_info().currsize);"
        "p.get_platform('x').length('see https://example.com 🎉');"
        "print('regex' in sys.modules, t._url_re.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "0", "True", "1"]
