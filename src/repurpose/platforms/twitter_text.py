"""twitter-text v3 weighted length, URL and emoji detection, in pure Python.

Follows twitter-text's `parseTweet`: the text is NFC-normalised; every URL (with or without a
scheme, when its TLD is known) weighs `transformedURLLength`; with emoji parsing on (config v3)
each emoji sequence (ZWJ sequences, flags, keycaps, skin tones, tag sequences) weighs
`defaultWeight`; every other code point weighs the weight of the range it falls in, else
`defaultWeight`. Weights are divided by `scale`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from repurpose.platforms.tlds import CCTLDS, GTLDS, SPECIAL_CCTLDS, alternation
from repurpose.platforms.unicode_tables import BMP_PICTOGRAPHIC


@dataclass(frozen=True)
class Config:
    """The numbers of twitter-text's config-v2.json / config-v3.json."""

    version: int = 3
    max_weighted_tweet_length: int = 280
    scale: int = 100
    default_weight: int = 200
    transformed_url_length: int = 23
    emoji_parsing_enabled: bool = True
    ranges: tuple[tuple[int, int, int], ...] = (
        (0, 4351, 100),
        (8192, 8205, 100),
        (8208, 8223, 100),
        (8242, 8247, 100),
    )


CONFIG_V2 = Config(version=2, emoji_parsing_enabled=False)
CONFIG_V3 = Config()

# --- character groups (twitter-text regexen) ---------------------------------------------------
_SPACES = "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVALID = "\ufffe\ufeff\uffff"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    "\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"

_DOMAIN_CHARS = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
# label characters: domain characters plus "_" (subdomains only) and "-"
_PUNCT_NO_DASH = _PUNCT.replace("\\-", "").replace("_", "")
_SUB_CHARS = f"[^{_PUNCT_NO_DASH}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_NAME_CHARS = f"[^{_PUNCT_NO_DASH}_{_SPACES}{_INVALID}{_DIRECTIONAL}]"
# twitter-text: (?:(?:DC(?:[_-]|DC)*)?DC\.) — the same language, matched atomically per label
# (a label runs from one dot to the next, so there is only one way to match it).
_SUBDOMAIN = f"(?:(?>{_DOMAIN_CHARS}(?:{_SUB_CHARS}*+(?<![_-]))?)\\.)"
_DOMAIN_NAME = f"(?:(?>{_DOMAIN_CHARS}(?:{_NAME_CHARS}*+(?<!-))?)\\.)"
_TLD_END = "(?=[^0-9a-z@+-]|$)"
_PUNYCODE = "(?:xn--[0-9a-z-]+)"
_PATH_CHARS = f"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\u2013_~&|@{_LATIN_ACCENTS}]"
_BALANCED_PARENS = f"\\((?:{_PATH_CHARS}+|(?:{_PATH_CHARS}*\\({_PATH_CHARS}+\\){_PATH_CHARS}*))\\)"
_PATH_END = f"(?:[+\\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|(?:{_BALANCED_PARENS}))"
_PATH = (
    f"(?:(?:{_PATH_CHARS}*(?:{_BALANCED_PARENS}{_PATH_CHARS}*)*{_PATH_END})|(?:@{_PATH_CHARS}+/))"
)
_QUERY_CHARS = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_PRECEDING = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"


# The big patterns (hundreds of TLDs) are compiled on first use, not at import: `repurpose
# render` and `repurpose --help` must start fast, and most texts never need some of them.
@cache
def _tld_patterns() -> tuple[str, str, str]:
    gtld = f"(?:(?:{alternation(GTLDS)}){_TLD_END})"
    cctld = f"(?:(?:{alternation(CCTLDS)}){_TLD_END})"
    special = f"(?:(?:{alternation(SPECIAL_CCTLDS)})(?=[^0-9a-z@]|$))"
    return gtld, cctld, special


@cache
def _url_re() -> re.Pattern[str]:
    gtld, cctld, _ = _tld_patterns()
    domain = f"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}(?:{gtld}|{cctld}|{_PUNYCODE}))"
    return re.compile(
        f"(?P<before>{_PRECEDING})"
        f"(?P<url>(?P<protocol>https?://)?(?P<domain>{domain})(?::(?P<port>[0-9]+))?"
        f"(?P<path>/{_PATH}*)?(?P<query>\\?{_QUERY_CHARS}*{_QUERY_END})?)",
        re.IGNORECASE,
    )


@cache
def _ascii_domain_re() -> re.Pattern[str]:
    gtld, cctld, _ = _tld_patterns()
    return re.compile(
        f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{gtld}|{cctld}|{_PUNYCODE})", re.IGNORECASE
    )


@cache
def _valid_ascii_domain_full() -> re.Pattern[str]:
    return re.compile(f"^(?:{_ascii_domain_re().pattern})$", re.IGNORECASE)


@cache
def _invalid_short_domain() -> re.Pattern[str]:
    return re.compile(f"^{_DOMAIN_NAME}{_tld_patterns()[1]}$", re.IGNORECASE)


@cache
def _special_short_domain() -> re.Pattern[str]:
    return re.compile(f"^{_DOMAIN_NAME}{_tld_patterns()[2]}$", re.IGNORECASE)


_INVALID_BEFORE_BARE = re.compile(r"[-_./]$")
_TCO = re.compile(r"^https?://t\.co/([a-z0-9]+)", re.IGNORECASE)
_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG = 40
_MAX_LABEL = 63

# A cheap test: can this text hold a URL at all? (a dot followed by a non-space)
_URL_HINT = re.compile(r"\.[^\W\d_]")  # every TLD starts with a letter
_SPACE = re.compile(r"\s")
_OTHER_SPACE = re.compile(r"[^\S \n]")
# In ASCII text a TLD is a whole run of letters and digits after a dot (the TLD must be followed
# by something other than [0-9a-z@+-]); a word none of whose runs is a known TLD holds no URL.
_DOT_RUN = re.compile(r"\.([A-Za-z][A-Za-z0-9]*)")
_ASCII_TLDS = frozenset(t for t in (*GTLDS, *CCTLDS) if t.isascii())

# --- emoji ----------------------------------------------------------------------------------
# One emoji "element": a pictograph (©/® only with VS16, as twemoji), optional VS16 and skin tone;
# elements joined by ZWJ; optional tag sequence (subdivision flags); or a flag pair; or a keycap.
_EMOJI_ELEMENT = (
    r"(?:[\u00a9\u00ae]\ufe0f|(?![\u00a9\u00ae])\p{Extended_Pictographic}\ufe0f?\p{Emoji_Modifier}?"
    r"|\p{Emoji_Modifier})"
)
_EMOJI_PATTERN = (
    r"\p{Regional_Indicator}{2}"
    r"|[#*0-9]\ufe0f?\u20e3"
    f"|{_EMOJI_ELEMENT}(?:\\u200d{_EMOJI_ELEMENT})*(?:[\\U000e0020-\\U000e007e]+\\U000e007f)?"
)


@cache
def _emoji_re():
    import regex  # the third-party module (Unicode properties); imported only when needed

    return regex.compile(_EMOJI_PATTERN)


@cache
def _emoji_start() -> re.Pattern[str]:
    """A stdlib-re class of the characters an emoji can start with: ©, ®, the BMP pictographs
    (a table generated from the `regex` module's Extended_Pictographic, see unicode_tables.py)
    and the astral emoji planes."""
    return re.compile(f"[\u00a9\u00ae{BMP_PICTOGRAPHIC}\U0001f000-\U0001ffff]")


def __getattr__(name: str):
    # the compiled patterns under their former module-level names (compiled on first access)
    if name == "URL_RE":
        return _url_re()
    if name == "EMOJI_RE":
        return _emoji_re()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_KEYCAP = re.compile("[#*0-9]\ufe0f?\u20e3")

_INVALID_CHARS = frozenset(_INVALID)


def _valid_domain(domain: str) -> bool:
    """twitter-text's idna check: every label, punycoded, is 1..63 characters."""
    if domain.isascii() and domain[:4].lower() != "xn--":
        return all(1 <= len(label) <= _MAX_LABEL for label in domain.split("."))
    if domain[:4].lower() == "xn--" and not _valid_ascii_domain_full().match(domain):
        return False
    for label in domain.split("."):
        if label.isascii():
            encoded = label
        else:
            try:
                encoded = "xn--" + label.encode("punycode").decode("ascii")
            except UnicodeError:
                return False
        if not 1 <= len(encoded) <= _MAX_LABEL:
            return False
    return True


def _punycoded_length(domain: str) -> int:
    total = 0
    for label in domain.split("."):
        total += len(label) if label.isascii() else 4 + len(label.encode("punycode"))
    return total + domain.count(".")


def extract_urls(text: str, *, without_protocol: bool = True) -> list[tuple[int, int, str]]:
    """URLs in `text` as (start, end, url), as twitter-text's extractURLsWithIndices finds them."""
    if without_protocol:
        if "." not in text:
            return []
    elif ":" not in text:
        return []
    urls: list[tuple[int, int, str]] = []
    # A URL never spans whitespace: look only at the words holding a dot followed by a letter,
    # each with the whitespace before it as the "preceding character" context (any whitespace
    # plays the same part there), so each word's URLs are found once and remembered.
    n = len(text)
    simple_space = not _OTHER_SPACE.search(text)  # only " " and "\n": str.rfind finds words
    done = 0
    dot = text.find(".")
    while dot != -1:
        if dot >= done and dot + 1 < n and text[dot + 1].isalpha():
            if simple_space:
                start = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot)) + 1
            else:
                start = dot
                while start > 0 and not text[start - 1].isspace():
                    start -= 1
            m = _SPACE.search(text, dot)
            end = m.start() if m else n
            found = _word_urls(text[start:end], start == 0, without_protocol)
            if found:
                urls.extend((start + s, start + e, url) for s, e, url in found)
            done = end
            dot = text.find(".", end)
        else:
            dot = text.find(".", dot + 1)
    return urls


@lru_cache(maxsize=4096)
def _word_urls(
    word: str, at_start: bool, without_protocol: bool
) -> tuple[tuple[int, int, str], ...]:
    """The URLs of one whitespace-delimited word (offsets into the word); `at_start`: the word
    begins the text (else whitespace precedes it)."""
    dot = word.find(".")
    while dot != -1 and not word[dot + 1 : dot + 2].isalpha():
        dot = word.find(".", dot + 1)
    if dot == -1:
        return ()
    if word.isascii() and "xn--" not in word.lower():
        # in ASCII a TLD is a whole run of letters and digits after a dot
        for run in _DOT_RUN.finditer(word, dot):
            if run.group(1).lower() in _ASCII_TLDS:
                break
        else:
            return ()
    lead = 0 if at_start else 1
    found: list[tuple[int, int, str]] = []
    _extract_in(word if at_start else " " + word, 0, len(word) + lead, without_protocol, found)
    return tuple((s - lead, e - lead, url) for s, e, url in found)


def _extract_in(text: str, pos: int, endpos: int, without_protocol: bool, urls: list) -> None:
    for m in _url_re().finditer(text, pos, endpos):
        url = m.group("url")
        protocol = m.group("protocol")
        domain = m.group("domain")
        path = m.group("path")
        start, end = m.start("url"), m.end("url")
        if not _valid_domain(domain):
            continue
        length = len(url)
        if not domain.isascii():
            length += _punycoded_length(domain) - len(domain)
        if len(protocol or "https://") + length > _MAX_URL_LENGTH:
            continue
        if not protocol:
            if not without_protocol or _INVALID_BEFORE_BARE.search(m.group("before")):
                continue
            last = -1
            for am in _ascii_domain_re().finditer(domain):
                ascii_domain = am.group(0)
                if (
                    path
                    or _special_short_domain().match(ascii_domain)
                    or not _invalid_short_domain().match(ascii_domain)
                ):
                    urls.append((start + am.start(), start + am.end(), ascii_domain))
                    last = len(urls) - 1
            if last >= 0 and path:  # the last domain carries the path and query
                s0, _, d0 = urls[last]
                urls[last] = (s0, end, url.replace(domain, d0, 1))
        else:
            tco = _TCO.match(url) if "t.co/" in url.lower() else None
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG:
                    continue
                url = tco.group(0)
                end = start + len(url)
            urls.append((start, end, url))


def extract_emoji(text: str) -> list[tuple[int, int]]:
    """Emoji sequences in `text` as (start, end)."""
    if text.isascii():
        return []
    spans: list[tuple[int, int]] = []
    end = 0
    hints = _emoji_start().finditer(text)
    if "\u20e3" in text:
        hints = sorted([*hints, *_KEYCAP.finditer(text)], key=lambda m: m.start())
    emoji_re = None
    for hint in hints:
        if hint.start() < end:
            continue
        if emoji_re is None:
            emoji_re = _emoji_re()
        m = emoji_re.match(text, hint.start())
        if m:
            spans.append(m.span())
            end = m.end()
    return spans


def _heavy_class(config: Config) -> re.Pattern[str]:
    light = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b, w in config.ranges if w == config.scale)
    return re.compile(f"[^{light}]")


_HEAVY_V3 = _heavy_class(CONFIG_V3)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _weight_of(cp: int, config: Config) -> int:
    for a, b, w in config.ranges:
        if a <= cp <= b:
            return w
    return config.default_weight


def weighted_length(text: str, config: Config = CONFIG_V3) -> int:
    """The weighted length X shows for `text` (twitter-text parseTweet().weightedLength)."""
    if text.isascii():
        if not _URL_HINT.search(text):
            return len(text)
    else:
        text = _nfc(text)
    simple = (
        config.scale == 100 and config.default_weight == 200 and config.ranges == CONFIG_V3.ranges
    )
    urls = extract_urls(text) if _URL_HINT.search(text) else []
    emoji = extract_emoji(text) if config.emoji_parsing_enabled else []
    if not urls and not emoji and simple:
        return len(text) + len(_HEAVY_V3.findall(text))
    spans = sorted([(s, e, config.transformed_url_length * config.scale) for s, e, _ in urls])
    spans += [(s, e, config.default_weight) for s, e in emoji]
    spans.sort()
    total = 0
    pos = 0
    for s, e, w in spans:
        if s < pos:  # an emoji inside a URL: the URL wins, as in twitter-text
            continue
        total += _plain_weight(text[pos:s], config, simple)
        total += w
        pos = e
    total += _plain_weight(text[pos:], config, simple)
    return total // config.scale


def _plain_weight(segment: str, config: Config, simple: bool) -> int:
    if not segment:
        return 0
    if simple:
        if segment.isascii():
            return 100 * len(segment)
        return 100 * (len(segment) + len(_HEAVY_V3.findall(segment)))
    return sum(_weight_of(ord(c), config) for c in segment)


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def parse_tweet(text: str, config: Config = CONFIG_V3) -> dict:
    """All of twitter-text's parseTweet results, ranges in UTF-16 code units as the JS library.

    Returns weightedLength, valid, permillage, displayRangeStart/End, validRangeStart/End.
    """
    normalized = unicodedata.normalize("NFC", text)
    max_scaled = config.max_weighted_tweet_length * config.scale
    entities: dict[int, tuple[int, int]] = {}
    for s, e, _ in extract_urls(normalized):
        entities[s] = (e, config.transformed_url_length * config.scale)
    if config.emoji_parsing_enabled:
        for s, e in extract_emoji(normalized):
            entities.setdefault(s, (e, config.default_weight))
    weighted = 0
    valid = True
    valid_index = 0  # UTF-16 index of the last unit still within the limit
    u16 = 0
    i = 0
    n = len(normalized)
    while i < n:
        if i in entities:
            end, w = entities[i]
        else:
            end, w = i + 1, _weight_of(ord(normalized[i]), config)
        piece = normalized[i:end]
        weighted += w
        u16 += _utf16(piece)
        if valid:
            valid = piece[-1] not in _INVALID_CHARS
        if valid and weighted <= max_scaled:
            valid_index = u16 - 1
        i = end
    length = weighted // config.scale
    offset = _utf16(text) - _utf16(normalized)
    return {
        "weightedLength": length,
        "valid": valid and 0 < length <= config.max_weighted_tweet_length,
        "permillage": length * 1000 // config.max_weighted_tweet_length,
        "displayRangeStart": 0,
        "displayRangeEnd": _utf16(text) - 1,
        "validRangeStart": 0,
        "validRangeEnd": valid_index + offset,
    }
