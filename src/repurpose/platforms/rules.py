"""The platforms: how each one counts a post, its limit, and its link and escaping rules.

Every platform offers `length(text)` (as the platform itself counts), `limit`, `fits(text)`,
`max_links`, `escape(text)`, and for the thread splitter `costs(text)` / `caps`: one number per
constraint (e.g. Bluesky: graphemes and UTF-8 bytes; Threads: characters and links), all of them
additive over words separated by whitespace, so the splitter can keep running totals.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from urllib.parse import urlsplit

from repurpose.errors import PlatformError
from repurpose.platforms.twitter_text import (
    CONFIG_V3,
    extract_emoji,
    extract_urls,
    weighted_length,
)
from repurpose.platforms.unicode_tables import JOINING_BMP

# Mastodon: @user@domain counts as @user (its StatusLengthValidator)
_REMOTE_MENTION = re.compile(r"(?<![/\w])@(\w+)@[\w.-]*\w")
_LINKEDIN_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


@cache
def _joining() -> re.Pattern[str]:
    """Characters that can join a neighbour into one grapheme cluster (CR, Extend, ZWJ,
    SpacingMark, Prepend, Regional_Indicator, Hangul L/V/T). Text without any of them has one
    cluster per code point; around them, clusters are found with \\X word by word. The stdlib
    `re` matches BMP sets with a fast bitmap but tests astral ranges one by one, so every astral
    character is taken as possibly joining (a superset only makes the caller look closer)."""
    return re.compile(f"[{JOINING_BMP}\\U00010000-\\U0010ffff]")


@cache
def _grapheme_re():
    import regex  # the third-party module (for \X); imported only when a text needs it

    return regex.compile(r"\X")


@lru_cache(maxsize=4096)
def _clusters(window: str) -> int:
    return len(_grapheme_re().findall(window))


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, as Bluesky and Mastodon count)."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    joining = _joining()
    total = len(text)
    n = total
    end = 0  # text before `end` is already counted
    for m in joining.finditer(text):
        if m.start() < end:
            continue
        # a window from the whitespace before this word to the whitespace after it: clusters
        # never straddle "simple char | whitespace | simple char"
        a = m.start()
        while a > end and not (text[a - 1].isspace() and (a < 2 or not joining.match(text, a - 2))):
            a -= 1
        a = max(a - 1, end)
        b = m.end()
        while b < n and not (text[b].isspace() and not joining.match(text, b - 1)):
            b += 1
        total -= (b - a) - _clusters(text[a:b])
        end = b
    return total


def utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


# characters the WHATWG URL parser percent-encodes in a path, a query and a fragment (besides
# controls and non-ASCII), so the display text is what Bluesky's `new URL()` gives
_PATH_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"#<>?`{}')
_QUERY_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "\"#<>'")
_FRAGMENT_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"<>`')
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _encoded(part: str, safe: str) -> str:
    if part.isascii() and not _NEEDS_QUOTING.search(part):
        return part  # the usual case, without quote()'s work
    from urllib.parse import quote

    return quote(part, safe=safe)


_NEEDS_QUOTING = re.compile(r"[\x00-\x20\x7f\"#<>?`{}']")


@lru_cache(maxsize=1024)
def short_url(url: str) -> str:
    """The display text Bluesky gives a link (social-app's toShortUrl): host + path, query and
    fragment, that part cut to 13 characters + "..." when longer than 15."""
    full = url if "://" in url else "https://" + url
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        return url
    host = parts.hostname or ""
    if not host:
        return url
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return url
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host += f":{port}"
    path = _encoded(parts.path, _PATH_SAFE)
    path = "" if path in ("", "/") else path
    if parts.query:
        path += "?" + _encoded(parts.query, _QUERY_SAFE)
    if parts.fragment:
        path += "#" + _encoded(parts.fragment, _FRAGMENT_SAFE)
    if len(path) > 15:  # the path is ASCII now: characters = JavaScript's UTF-16 units
        return host + path[:13] + "..."
    return host + path


class Platform(ABC):
    """One social platform's counting rules. Subclasses set name/label/default limit."""

    name = ""
    label = ""
    default_limit = 0
    max_links: int | None = None
    count_unit = "characters"

    def __init__(self, limit: int | None = None):
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise PlatformError(
                f"{self.label} limit must be a positive whole number, not {limit!r}"
            )
        self.limit = limit if limit is not None else self.default_limit

    def __repr__(self) -> str:
        return f"<Platform {self.name} limit={self.limit}>"

    # --- the contract ---------------------------------------------------------------------
    @abstractmethod
    def length(self, text: str) -> int:
        """The text's length as the platform counts it."""

    def links(self, text: str) -> list[tuple[int, int, str]]:
        """Links as (start, end, url), found the way the platform finds them."""
        return extract_urls(text)

    def fits(self, text: str) -> bool:
        return all(c <= cap for c, cap in zip(self.costs(text), self.caps, strict=True))

    def escape(self, text: str) -> str:
        return text

    def problems(self, text: str) -> list[str]:
        """Why `text` does not fit, in words (empty when it fits)."""
        out = []
        n = self.length(text)
        if n > self.limit:
            out.append(f"{n - self.limit} {self.count_unit} over the limit of {self.limit}")
        if self.max_links is not None:
            links = len(self.links(text))
            if links > self.max_links:
                out.append(f"{links} links (at most {self.max_links})")
        return out

    def report(self, text: str) -> dict:
        """What `repurpose count` shows for this platform: length, limit, fits, problems."""
        problems = self.problems(text)
        out = {
            "platform": self.name,
            "label": self.label,
            "length": self.length(text),
            "limit": self.limit,
            "unit": self.count_unit,
            "links": len(self.links(text)),
            "fits": not problems,
            "problems": problems,
        }
        if self.max_links is not None:
            out["max_links"] = self.max_links
        return out

    # --- for the splitter -----------------------------------------------------------------
    @property
    def caps(self) -> tuple[int, ...]:
        if self.max_links is not None:
            return (self.limit, self.max_links)
        return (self.limit,)

    def costs(self, text: str) -> tuple[int, ...]:
        if self.max_links is not None:
            return (self.length(text), len(self.links(text)) if "." in text else 0)
        return (self.length(text),)


class X(Platform):
    """X (Twitter): twitter-text v3 weighted length; every URL 23, emoji sequences 2, NFC first."""

    name = "x"
    label = "X"
    default_limit = CONFIG_V3.max_weighted_tweet_length
    count_unit = "weighted characters"

    def length(self, text: str) -> int:
        return weighted_length(text)


class Bluesky(Platform):
    """Bluesky: 300 graphemes and 3,000 UTF-8 bytes of the displayed text; links become facets."""

    name = "bluesky"
    label = "Bluesky"
    default_limit = 300
    byte_limit = 3000
    count_unit = "graphemes"

    def facets(self, text: str) -> tuple[str, list[dict]]:
        """The display text (links shortened) and AT Protocol link facets (UTF-8 byte offsets
        into the display text) carrying the full URLs."""
        urls = self.links(text)
        if not urls:
            return text, []
        out: list[str] = []
        facets: list[dict] = []
        pos = 0
        nbytes = 0
        for start, end, url in urls:
            before = text[pos:start]
            out.append(before)
            nbytes += len(before.encode("utf-8"))
            shown = short_url(url)
            uri = url if "://" in url else "https://" + url
            size = len(shown.encode("utf-8"))
            facets.append(
                {
                    "index": {"byteStart": nbytes, "byteEnd": nbytes + size},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
                }
            )
            out.append(shown)
            nbytes += size
            # keep what the URL match left of the original text (e.g. a t.co tail)
            pos = end
        out.append(text[pos:])
        return "".join(out), facets

    def display(self, text: str) -> str:
        return self.facets(text)[0] if "." in text else text

    def length(self, text: str) -> int:
        return graphemes(self.display(text))

    def report(self, text: str) -> dict:
        out = super().report(text)
        out["bytes"] = len(self.display(text).encode("utf-8"))
        out["byte_limit"] = self.byte_limit
        return out

    def problems(self, text: str) -> list[str]:
        out = super().problems(text)
        size = len(self.display(text).encode("utf-8"))
        if size > self.byte_limit:
            out.append(f"{size} bytes (at most {self.byte_limit})")
        return out

    @property
    def caps(self) -> tuple[int, ...]:
        return (self.limit, self.byte_limit)

    def costs(self, text: str) -> tuple[int, ...]:
        shown = self.display(text)
        return (graphemes(shown), len(shown.encode("utf-8")) if not shown.isascii() else len(shown))


class Mastodon(Platform):
    """Mastodon: 500 by default (each server sets its own); URLs count 23; @user@domain as @user;
    characters are grapheme clusters. Only links with http(s):// are URLs to Mastodon."""

    name = "mastodon"
    label = "Mastodon"
    default_limit = 500
    url_length = 23

    def links(self, text: str) -> list[tuple[int, int, str]]:
        return extract_urls(text, without_protocol=False)

    def length(self, text: str) -> int:
        if "://" not in text and "@" not in text:
            return graphemes(text)
        urls = self.links(text) if "://" in text else []
        total = 0
        pos = 0
        for start, end, _ in urls:
            total += self._plain(text[pos:start]) + self.url_length
            pos = end
        return total + self._plain(text[pos:])

    @staticmethod
    def _plain(segment: str) -> int:
        if "@" in segment:
            segment = _REMOTE_MENTION.sub(r"@\1", segment)
        return graphemes(segment)


class LinkedIn(Platform):
    """LinkedIn: 3,000 characters, counted in UTF-16 code units (as its JavaScript composer) on
    the unescaped text; `escape` prepares text for the API's "little" text format."""

    name = "linkedin"
    label = "LinkedIn"
    default_limit = 3000

    def length(self, text: str) -> int:
        return utf16_units(text)

    def escape(self, text: str) -> str:
        return _LINKEDIN_RESERVED.sub(r"\\\1", text)


class Threads(Platform):
    """Threads (Meta): 500 characters, an emoji counts as its UTF-8 bytes; at most 5 links."""

    name = "threads"
    label = "Threads"
    default_limit = 500
    max_links = 5

    def length(self, text: str) -> int:
        if text.isascii():
            return len(text)
        total = len(text)
        for start, end in extract_emoji(text):
            total += len(text[start:end].encode("utf-8")) - (end - start)
        return total


REGISTRY: dict[str, type[Platform]] = {
    cls.name: cls for cls in (X, Bluesky, Mastodon, LinkedIn, Threads)
}
ALIASES = {"twitter": "x", "bsky": "bluesky", "meta": "threads"}
PLATFORMS: tuple[str, ...] = tuple(REGISTRY)


@lru_cache(maxsize=64)
def _cached(name: str, limit: int | None) -> Platform:
    return REGISTRY[name](limit)


def get_platform(name: str, *, limit: int | None = None) -> Platform:
    """The platform called `name` (x, bluesky, mastodon, linkedin, threads), optionally with a
    different limit (premium X accounts, a Mastodon server with a larger limit)."""
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    if key not in REGISTRY:
        raise PlatformError(f"unknown platform {name!r} (known: {', '.join(PLATFORMS)})")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise PlatformError(f"limit for {key} must be a positive whole number, not {limit!r}")
    return _cached(key, limit)


def parse_limits(options: Iterable[str], chosen: Sequence[Platform]) -> dict[str, int]:
    """`--limit NAME=N` / `--limit N` (for the one chosen platform) as {platform name: limit}.
    PlatformError (one line naming the option) for a bare N with several platforms, a limit that
    is not a whole number, an unknown platform or a limit below 1."""
    out: dict[str, int] = {}
    for option in options:
        name, _, value = option.rpartition("=")
        if not name:
            if len(chosen) != 1:
                raise PlatformError(
                    f"--limit {option}: name the platform (e.g. --limit mastodon={option}) "
                    "unless exactly one --platform is given"
                )
            name = chosen[0].name
        try:
            number = int(value)
        except ValueError:
            raise PlatformError(
                f"--limit {option}: the limit must be a whole number, e.g. --limit mastodon=1000"
            ) from None
        platform = get_platform(name, limit=number)  # unknown name or limit < 1: one-line error
        out[platform.name] = number
    return out


def count_lines(reports: Sequence[Mapping]) -> list[str]:
    """`repurpose count`'s text: one line per Platform.report(), labels padded to the longest,
    length and limit in columns, bytes where the platform has a byte limit, then "ok" or
    "OVER: " and the problems."""
    width = max((len(r["label"]) for r in reports), default=0)
    lines = []
    for r in reports:
        status = "ok" if r["fits"] else "OVER: " + "; ".join(r["problems"])
        extra = f", {r['bytes']}/{r['byte_limit']} bytes" if "bytes" in r else ""
        lines.append(
            f"{r['label']:<{width}}  {r['length']:>6} / {r['limit']:<6} {r['unit']}{extra}"
            f"  {status}"
        )
    return lines


def choose_platforms(
    names: Iterable[str] = (),
    *,
    limits: Mapping[str, int] | None = None,
    options: Iterable[str] = (),
) -> list[Platform]:
    """The platforms called `names` (default: all), each with its limit: `options` (`--limit`,
    see parse_limits) over `limits` (e.g. repurpose.toml's social.limits) over the default."""
    chosen = [get_platform(n) for n in (names or PLATFORMS)]
    merged = {**(limits or {}), **parse_limits(options, chosen)}
    return [get_platform(p.name, limit=merged.get(p.name)) for p in chosen]
