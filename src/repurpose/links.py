"""Links: UTM tagging for links to the article's own site, and the URL tests it and `check` use.

Pure string work over `urllib.parse`; no network. UTM parameters are appended after the existing
query (left exactly as written) in a fixed order: utm_source, utm_medium, utm_campaign. A
parameter the link already carries is never added a second time.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from repurpose.config import Utm

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# URLs in running text: with a scheme, or a bare www. host.
_URL_IN_TEXT = re.compile(r"""(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bwww\.)[^\s<>"'\])}]+""")
_TRAILING_PUNCT = ".,;:!?…"


def has_scheme(url: str) -> bool:
    """True when the link names its scheme (https:, mailto:, tel:, …); "//host" and
    "www.example.com" have none and break in email clients and on platforms."""
    return bool(_SCHEME.match(url.strip()))


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def host_of(url: str | None) -> str | None:
    """The lower-case host of a URL (a bare "example.com" is read as a host), without "www."."""
    if not url:
        return None
    text = url.strip()
    if not has_scheme(text) and not text.startswith("//"):
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def site_host(site_url: str | None, article_url: str | None = None) -> str | None:
    """The article's own site: the configured site URL, else the article URL's host."""
    return host_of(site_url) or host_of(article_url)


def _fill(template: str, *, channel: str, slug: str) -> str:
    return template.replace("{channel}", channel).replace("{slug}", slug).strip()


def utm_params(utm: Utm, *, channel: str, slug: str) -> list[tuple[str, str]]:
    """The UTM parameters for one channel, in their fixed order; empty values are left out."""
    values = (utm.source, utm.medium, utm.campaign)
    pairs = [
        (k, _fill(v, channel=channel, slug=slug)) for k, v in zip(UTM_KEYS, values, strict=True)
    ]
    return [(k, v) for k, v in pairs if v]


def with_utm(url: str, utm: Utm, *, channel: str, slug: str, site_url: str | None) -> str:
    """`url` with UTM parameters when it points at the article's own site (`site_url` is a URL
    or a host; "www." is ignored on both sides). Anything else comes back unchanged: other
    sites, relative links, mailto:, UTM switched off, no known site."""
    if not utm.enabled or not is_web_url(url):
        return url
    site = host_of(site_url)
    if site is None or host_of(url) != site:
        return url
    parts = urlsplit(url.strip())
    existing = {piece.split("=", 1)[0].lower() for piece in re.split(r"[&;]", parts.query) if piece}
    add = [(k, v) for k, v in utm_params(utm, channel=channel, slug=slug) if k not in existing]
    if not add:
        return url
    extra = "&".join(f"{k}={quote(v, safe='-._~')}" for k, v in add)
    query = f"{parts.query}&{extra}" if parts.query else extra
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def with_utm_in_text(text: str, utm: Utm, *, channel: str, slug: str, site_url: str | None) -> str:
    """Every link written in running text gets `with_utm` (so only the article's own site is
    tagged); the text around it, and punctuation that ends the sentence, are left as written."""
    if not utm.enabled or site_url is None or "://" not in text:
        return text

    def tag(match: re.Match[str]) -> str:
        raw = match.group(0)
        url = raw.rstrip(_TRAILING_PUNCT)
        tail = raw[len(url) :]
        return with_utm(url, utm, channel=channel, slug=slug, site_url=site_url) + tail

    return _URL_IN_TEXT.sub(tag, text)
