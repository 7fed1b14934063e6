"""The rules `repurpose check` enforces on a rendered bundle. Each breach is one line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser

from repurpose.config import Settings
from repurpose.errors import CheckFailed
from repurpose.merge import TOKEN, token
from repurpose.render.core import EMAIL_MAX_BYTES, KB


@dataclass(frozen=True)
class Breach:
    code: str
    message: str


class _Scan(HTMLParser):
    """Collects link targets (href/src) and the visible text (script and style skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[str, str]] = []
        self._skip: str | None = None
        self._script_type = ""

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((name, value))
        if tag in ("script", "style", "title"):
            self._skip = tag
            self._script_type = dict(attrs).get("type") or ""

    def handle_endtag(self, tag):
        if tag == self._skip:
            self._skip = None
        if tag in ("p", "dt", "dd", "h1", "h2", "h3", "li", "div", "br", "td"):
            self.text.append(" ")

    def handle_data(self, data):
        if self._skip == "script":
            self.scripts.append((self._script_type, data))
        elif self._skip is None:
            self.text.append(data)


def _scan(html: str) -> _Scan:
    s = _Scan()
    s.feed(html)
    s.close()
    return s


def _norm(text: str) -> str:
    return " ".join(text.split())


def _link_ok(value: str) -> bool:
    from repurpose.links import has_scheme

    v = value.strip()
    return has_scheme(v) or v.startswith("#") or bool(TOKEN.fullmatch(v))


def check_faq(files: dict[str, str]) -> list[Breach]:
    """faq.jsonld is valid FAQPage JSON-LD and every question and answer is visible in faq.html."""
    out: list[Breach] = []
    try:
        data = json.loads(files["faq.jsonld"])
    except json.JSONDecodeError as exc:
        return [Breach("faq-jsonld", f"faq.jsonld is not valid JSON: {exc}")]
    entities = data.get("mainEntity") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("@type") != "FAQPage"
        or "schema.org" not in str(data.get("@context", ""))
        or not isinstance(entities, list)
        or not entities
    ):
        return [Breach("faq-jsonld", "faq.jsonld is not a schema.org FAQPage with mainEntity")]
    page = _scan(files.get("faq.html", ""))
    visible = _norm("".join(page.text))
    for i, q in enumerate(entities, 1):
        answer = q.get("acceptedAnswer") if isinstance(q, dict) else None
        if (
            not isinstance(q, dict)
            or q.get("@type") != "Question"
            or not isinstance(q.get("name"), str)
            or not q["name"].strip()
            or not isinstance(answer, dict)
            or answer.get("@type") != "Answer"
            or not isinstance(answer.get("text"), str)
            or not answer["text"].strip()
        ):
            out.append(
                Breach("faq-jsonld", f"faq.jsonld question {i} lacks name or acceptedAnswer.text")
            )
            continue
        if _norm(q["name"]) not in visible:
            out.append(Breach("faq-visible", f"faq.jsonld question {i} is not visible in faq.html"))
        if _norm(answer["text"]) not in visible:
            out.append(
                Breach("faq-visible", f"faq.jsonld answer {i} differs from the answer in faq.html")
            )
    for kind, body in page.scripts:
        if kind == "application/ld+json":
            try:
                embedded = json.loads(body)
            except json.JSONDecodeError:
                out.append(Breach("faq-jsonld", "faq.html embeds JSON-LD that is not valid JSON"))
                continue
            if embedded != data:
                out.append(
                    Breach("faq-jsonld", "faq.html embeds JSON-LD different from faq.jsonld")
                )
    return out


def check_bundle(bundle, settings: Settings) -> list[Breach]:
    """Every breach in one rendered bundle (pipeline.Bundle)."""
    from repurpose.links import has_scheme
    from repurpose.platforms import get_platform

    files = bundle.files
    manifest = bundle.manifest
    out: list[Breach] = []

    for name, thread in (manifest.get("threads") or {}).items():
        platform = get_platform(name, limit=thread["limit"])
        for i, post in enumerate(thread["posts"], 1):
            n = platform.length(post["text"])
            if n > thread["limit"]:
                out.append(
                    Breach(
                        "post-limit",
                        f"{thread['file']}: post {i} is {n} characters; "
                        f"{platform.label} allows {thread['limit']}",
                    )
                )
            links = len(platform.links(post["text"]))
            if platform.max_links is not None and links > platform.max_links:
                out.append(
                    Breach(
                        "post-links",
                        f"{thread['file']}: post {i} has {links} links; "
                        f"{platform.label} allows {platform.max_links}",
                    )
                )

    email = manifest.get("email")
    if email is not None:
        html = files.get("email.html", "")
        size = len(html.encode("utf-8"))
        if size > EMAIL_MAX_BYTES:
            out.append(
                Breach(
                    "email-size",
                    f"email.html is {size / KB:.1f} KB; Gmail clips past {EMAIL_MAX_BYTES // KB} KB",
                )
            )
        if not files.get("email.txt", "").strip():
            out.append(Breach("email-text", "email.txt (the plain-text part) is missing or empty"))

        sending = bool(settings.smtp.host or settings.email.audience)
        if sending:
            why = "smtp.host is set" if settings.smtp.host else "email.audience is set"
            if not settings.email.unsubscribe_url:
                out.append(
                    Breach("unsubscribe", f"{why} but email.unsubscribe_url is not configured")
                )
            else:
                tok = token("unsubscribe_url")
                for name in ("email.html", "email.txt"):
                    if name in files and tok not in files[name]:
                        out.append(Breach("unsubscribe", f"{name} has no unsubscribe link ({tok})"))
            if not (settings.email.postal_address or "").strip():
                out.append(
                    Breach("postal-address", f"{why} but email.postal_address is not configured")
                )
            elif _norm(settings.email.postal_address) not in _norm("".join(_scan(html).text)):
                out.append(Breach("postal-address", "email.html does not show the postal address"))

    if "faq.jsonld" in files:
        out.extend(check_faq(files))

    for name in ("email.html", "faq.html"):
        if name not in files:
            continue
        seen: set[str] = set()
        for attr, value in _scan(files[name]).links:
            if not _link_ok(value) and value not in seen:
                seen.add(value)
                out.append(Breach("link-scheme", f"{name}: {attr} without scheme: {value!r}"))
    for key, value in (
        ("brand.site_url", settings.brand.site_url),
        ("brand.logo_url", settings.brand.logo_url),
        ("email.unsubscribe_url", settings.email.unsubscribe_url),
        ("article url", bundle.article.url),
    ):
        if value and not has_scheme(value):
            out.append(Breach("link-scheme", f"{key} has no scheme: {value!r}"))
    return out


def _plural(count: int, noun: str, suffix: str = "s") -> str:
    return f"{count} {noun}{'' if count == 1 else suffix}"


@dataclass
class CheckReport:
    """The verdict of `repurpose check` over several articles: one line per breach, counts."""

    lines: list[str]  # "PATH: [code] message", in article order
    breaches: int
    failed: int  # articles that did not render (their own error line was already shown)
    articles: int

    @property
    def ok(self) -> bool:
        return not (self.breaches or self.failed)

    @property
    def summary(self) -> str:
        return f"ok: {_plural(self.articles, 'article')}, no breaches"

    def raise_for_failure(self) -> None:
        """CheckFailed naming the counts when anything broke. A single article that failed to
        render raises nothing: its own error line says it all (exit_code is still 1)."""
        if self.ok or (self.failed and not self.breaches and self.articles == 1):
            return
        parts = []
        if self.breaches:
            parts.append(_plural(self.breaches, "breach", "es"))
        if self.failed:
            parts.append(f"{_plural(self.failed, 'article')} failed to render")
        raise CheckFailed(f"check failed: {', '.join(parts)}")

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def check_outcomes(outcomes, settings: Settings) -> CheckReport:
    """Check every rendered outcome (pipeline.build_many: .path, .bundle, .error)."""
    lines: list[str] = []
    breaches = 0
    for outcome in outcomes:
        if outcome.bundle is None:
            continue
        found = check_bundle(outcome.bundle, settings)
        lines.extend(f"{outcome.path}: [{b.code}] {b.message}" for b in found)
        breaches += len(found)
    failed = sum(1 for o in outcomes if o.error)
    return CheckReport(lines=lines, breaches=breaches, failed=failed, articles=len(outcomes))
