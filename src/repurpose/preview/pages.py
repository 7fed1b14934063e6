"""The preview page: one HTML document with four tabs (email, threads, FAQ, calendar) built from a
Bundle. Every piece of article text goes through `markup.h`, which escapes it; the rendered email
and FAQ snippet are shown only inside sandboxed frames (no scripts, opaque origin).

The page works without JavaScript (all tabs stacked); with it, the tabs, width/scheme toggles,
copy buttons and live reload come from static/preview.js.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from repurpose import merge
from repurpose.preview.markup import Raw, attrs_html, esc, h, join, json_data
from repurpose.render.core import EMAIL_MAX_BYTES

GMAIL_CLIP_BYTES = EMAIL_MAX_BYTES  # Gmail shows "[Message clipped]" past ~102 KB of HTML
WIDTHS = (("mobile", "Mobile", 375), ("tablet", "Tablet", 600), ("desktop", "Desktop", 1024))
DEFAULT_WIDTH = 600
SAMPLE_RECIPIENT = {"name": "Alex Sample", "email": "alex@example.com"}
PLATFORM_LABELS = {
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "linkedin": "LinkedIn",
    "threads": "Threads",
}

# The CSP of the page. Inline styles are allowed because srcdoc frames inherit this policy and the
# email's own <style> blocks must apply; scripts only from the app itself, never inline.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: http: https:; connect-src 'self'; frame-src 'self' about:; "
    "font-src 'self' data:; base-uri 'none'; form-action 'none'"
)
# Added inside the email frame: remote images stay off until the reader turns them on, as mail
# clients do; no scripts, no fonts or styles from elsewhere, nothing fetched but images.
FRAME_CSP_BLOCKED = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
FRAME_CSP_IMAGES = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; font-src data:"
)

_DARK_MQ = re.compile(r"prefers-color-scheme\s*:\s*dark", re.I)
_LIGHT_MQ = re.compile(r"prefers-color-scheme\s*:\s*light", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_ALWAYS = "min-width:0px"  # true at every width
_NEVER = "max-width:0px"  # false at every real width


@dataclass
class ErrorInfo:
    title: str
    message: str
    path: str | None = None
    line: int | None = None
    detail: str | None = None  # traceback of an unexpected failure


@dataclass
class CalendarItem:
    id: int | str
    local: Any  # datetime in the calendar timezone
    channel: str
    account: str | None
    kind: str
    state: str
    article_slug: str
    label: str
    position: int | None = None


@dataclass
class CalendarView:
    status: str  # "ok" | "none" (no database) | "error"
    message: str = ""
    tz: str = "UTC"
    scope: str = "this article"
    items: list[CalendarItem] = field(default_factory=list)
    today: Any = None  # date in the calendar timezone


@dataclass
class PageContext:
    bundle: Any | None  # repurpose.pipeline.Bundle
    settings: Any | None  # repurpose.config.Settings
    article_path: str
    version: int = 0
    live: bool = True
    error: ErrorInfo | None = None
    stale: bool = False  # the bundle is the last good one; `error` describes the current state
    checks: list[tuple[str, str, str]] = field(default_factory=list)  # (level, code, message)
    calendar: CalendarView | None = None
    assets: str = "/static/"
    files: str = "/files/"


# ---- the email frame --------------------------------------------------------------------------


def sample_values(settings: Any | None) -> dict[str, str]:
    """The merge values the preview fills in: a made-up recipient, a real unsubscribe pattern."""
    pattern = getattr(getattr(settings, "email", None), "unsubscribe_url", None)
    unsub = merge.unsubscribe_url(pattern, email=SAMPLE_RECIPIENT["email"], token_="preview")
    return {**SAMPLE_RECIPIENT, "unsubscribe_url": unsub or "#unsubscribe"}


def email_base(email_html: str, settings: Any | None) -> str:
    """The email as one sample recipient receives it."""
    return merge.apply(email_html, sample_values(settings), is_html=True)


def frame_document(doc: str, *, dark: bool = False, images: bool = False) -> str:
    """The email made ready for the sandboxed frame (static/preview.js does the same in the page).

    Dark mode is emulated the way clients that honour `prefers-color-scheme` show it: the
    email's `prefers-color-scheme: dark` media queries are rewritten to always match (light ones
    never), and the frame element gets `color-scheme: dark`. Links open in a new tab; a CSP meta
    keeps scripts and (until asked) remote images out.
    """
    doc = _DARK_MQ.sub(_ALWAYS if dark else _NEVER, doc)
    doc = _LIGHT_MQ.sub(_NEVER if dark else _ALWAYS, doc)
    csp = FRAME_CSP_IMAGES if images else FRAME_CSP_BLOCKED
    inject = f'<meta http-equiv="Content-Security-Policy" content="{csp}"><base target="_blank">'
    m = _HEAD.search(doc)
    if m:
        return doc[: m.end()] + inject + doc[m.end() :]
    return f"<head>{inject}</head>{doc}"


# ---- helpers ----------------------------------------------------------------------------------


def _files(ctx: PageContext) -> dict[str, str]:
    return dict(getattr(ctx.bundle, "files", None) or {})


def _manifest(ctx: PageContext) -> dict:
    return dict(getattr(ctx.bundle, "manifest", None) or {})


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def warning_rows(warnings: Any) -> list[tuple[str, str, str]]:
    """(level, code, message) from Bundle.warnings, whatever shape its items have."""
    rows = []
    for w in warnings or ():
        if isinstance(w, str):
            rows.append(("warning", "", w))
        elif isinstance(w, dict):
            rows.append(
                (str(w.get("level", "warning")), str(w.get("code", "")), str(w.get("message", w)))
            )
        else:
            rows.append(
                (
                    str(getattr(w, "level", "warning")),
                    str(getattr(w, "code", "")),
                    str(getattr(w, "message", w)),
                )
            )
    return rows


_TOKEN = re.compile(r"(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])|(#\w+)|(@\w+(?:@[\w.-]+\w)?)")


def post_html(text: str) -> Raw:
    """Post text with links, hashtags and mentions marked up the way the platforms show them.
    Only http(s) URLs become links, so no `javascript:` URL can ever be clickable."""
    out: list[Any] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        out.append(text[pos : m.start()])
        if m.group(1):
            out.append(
                h(
                    "a",
                    {"href": m.group(1), "target": "_blank", "rel": "noopener noreferrer"},
                    m.group(1),
                )
            )
        elif m.group(2):
            out.append(h("span", {"class_": "tag"}, m.group(2)))
        else:
            out.append(h("span", {"class_": "mention"}, m.group(3)))
        pos = m.end()
    out.append(text[pos:])
    return join(out)


def _meter(value: int | float, limit: int | float, label: str) -> Raw:
    ratio = value / limit if limit else 0
    cls = "meter over" if ratio > 1 else "meter near" if ratio > 0.9 else "meter"
    return h(
        "div",
        {
            "class_": cls,
            "role": "meter",
            "aria-valuenow": value,
            "aria-valuemin": 0,
            "aria-valuemax": limit,
            "aria-label": label,
        },
        h("span", {"style": f"width:{min(ratio, 1) * 100:.1f}%"}),
    )


# ---- tabs -------------------------------------------------------------------------------------


def _subject(ctx: PageContext) -> tuple[str, str]:
    m = _manifest(ctx).get("email") or {}
    digest = ctx.bundle.composition.digest
    prefix = getattr(getattr(ctx.settings, "email", None), "subject_prefix", "") or ""
    subject = m.get("subject") if isinstance(m, dict) else None
    preheader = m.get("preheader") if isinstance(m, dict) else None
    if not subject:
        subject = (
            f"{prefix}{digest.subject}"
            if prefix and not digest.subject.startswith(prefix)
            else digest.subject
        )
    return subject, preheader or digest.preheader


def email_tab(ctx: PageContext) -> Raw:
    files = _files(ctx)
    html_part = files.get("email.html")
    text_part = files.get("email.txt")
    if html_part is None:
        return h("p", {"class_": "empty"}, "This render has no email (email.html is missing).")
    settings = ctx.settings
    email_cfg = getattr(settings, "email", None)
    sender = getattr(email_cfg, "from_name", "") or ""
    address = getattr(email_cfg, "from_address", "") or ""
    subject, preheader = _subject(ctx)
    base = email_base(html_part, settings)
    size = len(html_part.encode("utf-8"))  # as `check` measures it: the rendered file
    ratio = size / GMAIL_CLIP_BYTES

    inbox = h(
        "div",
        {"class_": "inbox", "aria-label": "Inbox row"},
        h("span", {"class_": "avatar", "aria-hidden": "true"}, (sender or "?")[:1].upper()),
        h(
            "div",
            {"class_": "inbox-main"},
            h(
                "div",
                {"class_": "inbox-top"},
                h("span", {"class_": "inbox-sender"}, sender),
                h("span", {"class_": "inbox-time"}, "now"),
            ),
            h(
                "div",
                {"class_": "inbox-line"},
                h("span", {"class_": "inbox-subject"}, subject),
                h("span", {"class_": "inbox-preheader"}, f" — {preheader}" if preheader else ""),
            ),
            h("div", {"class_": "inbox-from"}, f"From: {sender} <{address}>"),
        ),
    )
    width_buttons = [
        h(
            "button",
            {
                "type": "button",
                "data-width": px,
                "aria-pressed": "true" if px == DEFAULT_WIDTH else "false",
                "id": f"width-{key}",
            },
            f"{label} {px}px",
        )
        for key, label, px in WIDTHS
    ]
    toolbar = h(
        "div",
        {"class_": "toolbar"},
        h("div", {"class_": "group", "role": "group", "aria-label": "Width"}, width_buttons),
        h(
            "div",
            {"class_": "group", "role": "group", "aria-label": "Colour scheme"},
            h(
                "button",
                {
                    "type": "button",
                    "data-scheme": "light",
                    "aria-pressed": "true",
                    "id": "scheme-light",
                },
                "Light",
            ),
            h(
                "button",
                {
                    "type": "button",
                    "data-scheme": "dark",
                    "aria-pressed": "false",
                    "id": "scheme-dark",
                },
                "Dark",
            ),
        ),
        h(
            "label",
            {"class_": "check"},
            h("input", {"type": "checkbox", "id": "remote-images"}),
            " Load remote images",
        ),
        h(
            "a",
            {"href": f"{ctx.files}email.html", "target": "_blank", "rel": "noopener"},
            "email.html",
        ),
    )
    frame = h(
        "div",
        {"class_": "device-wrap"},
        h(
            "div",
            {"class_": "device", "id": "email-device", "style": f"width:{DEFAULT_WIDTH}px"},
            h(
                "iframe",
                {
                    "id": "email-frame",
                    "title": "Email as recipients see it",
                    "sandbox": "allow-popups allow-popups-to-escape-sandbox",
                    "referrerpolicy": "no-referrer",
                    "srcdoc": frame_document(base),
                },
            ),
        ),
    )
    size_box = h(
        "div",
        {"class_": "card", "id": "email-size"},
        h("h3", {}, "Size"),
        _meter(size, GMAIL_CLIP_BYTES, "HTML size against Gmail's clip"),
        h(
            "p",
            {"class_": "over" if ratio > 1 else ""},
            f"{_kb(size)} of HTML, {ratio * 100:.0f}% of Gmail's 102 KB clip",
            " — Gmail will clip this email." if ratio > 1 else ".",
        ),
    )
    rows = warning_rows(getattr(ctx.bundle, "warnings", ())) + list(ctx.checks)
    warn_box = h(
        "div",
        {"class_": "card", "id": "email-warnings"},
        h("h3", {}, f"Checks ({len(rows)})" if rows else "Checks"),
        h(
            "ul",
            {"class_": "warnings"},
            [
                h(
                    "li",
                    {"class_": f"level-{level}"},
                    h("code", {}, code) if code else None,
                    " ",
                    message,
                )
                for level, code, message in rows
            ],
        )
        if rows
        else h("p", {"class_": "ok"}, "No warnings."),
    )
    plain = h(
        "div",
        {"class_": "card plain-card"},
        h("h3", {}, "Plain-text part"),
        h(
            "pre",
            {"class_": "plain", "id": "email-text"},
            merge.apply(text_part, sample_values(settings), is_html=False),
        )
        if text_part is not None
        else h("p", {"class_": "empty"}, "No plain-text part (email.txt is missing)."),
    )
    data = h(
        "script",
        {"type": "application/json", "id": "email-data"},
        json_data({"html": base, "csp_blocked": FRAME_CSP_BLOCKED, "csp_images": FRAME_CSP_IMAGES}),
    )
    return join(
        h(
            "div",
            {"class_": "email-grid"},
            h("div", {"class_": "email-main"}, inbox, toolbar, frame),
            h("aside", {"class_": "email-side"}, size_box, warn_box),
        ),
        plain,
        data,
    )


def _limit_for(thread: Any) -> int:
    return int(getattr(thread, "limit", 0) or 0)


def threads_tab(ctx: PageContext) -> Raw:
    threads = list(getattr(ctx.bundle.composition, "threads", ()) or ())
    if not threads:
        return h("p", {"class_": "empty"}, "This render has no social threads.")
    brand = getattr(getattr(ctx.settings, "brand", None), "name", "") or "You"
    handle = "@" + (re.sub(r"[^a-z0-9_]", "", brand.lower()) or "you")
    pills = h(
        "div",
        {"class_": "toolbar", "role": "group", "aria-label": "Platform"},
        [
            h(
                "button",
                {
                    "type": "button",
                    "data-platform": t.platform,
                    "aria-pressed": "true" if i == 0 else "false",
                    "id": f"platform-{t.platform}",
                },
                PLATFORM_LABELS.get(t.platform, t.platform),
                h("span", {"class_": "badge"}, len(t.posts)),
            )
            for i, t in enumerate(threads)
        ],
    )
    panels = []
    for thread in threads:
        limit = _limit_for(thread)
        n = len(thread.posts)
        label = PLATFORM_LABELS.get(thread.platform, thread.platform)
        cards = []
        for i, post in enumerate(thread.posts, 1):
            pid = f"post-{thread.platform}-{i}"
            over = limit and post.length > limit
            cards.append(
                h(
                    "article",
                    {
                        "class_": f"post{' over' if over else ''}",
                        "id": pid,
                        "aria-label": f"{label} post {i} of {n}",
                    },
                    h(
                        "header",
                        {},
                        h("span", {"class_": "avatar", "aria-hidden": "true"}, brand[:1].upper()),
                        h(
                            "span",
                            {"class_": "who"},
                            h("span", {"class_": "name"}, brand),
                            h("span", {"class_": "handle"}, f"{handle} · now"),
                        ),
                        h("span", {"class_": "num"}, f"{i}/{n}"),
                    ),
                    h("div", {"class_": "post-text"}, post_html(post.text)),
                    h(
                        "footer",
                        {},
                        _meter(post.length, limit or max(post.length, 1), f"length of post {i}"),
                        h(
                            "span",
                            {"class_": "count"},
                            f"{post.length} / {limit}" if limit else str(post.length),
                        ),
                        h(
                            "button",
                            {"type": "button", "class_": "copy", "data-copy": f"{pid}-src"},
                            "Copy",
                        ),
                    ),
                    h(
                        "textarea",
                        {
                            "id": f"{pid}-src",
                            "class_": "copy-src",
                            "readonly": True,
                            "hidden": True,
                            "aria-hidden": "true",
                        },
                        post.text,
                    ),
                )
            )
        panels.append(
            h(
                "div",
                {
                    "class_": f"platform-panel platform-{thread.platform}",
                    "data-platform": thread.platform,
                },
                h(
                    "h3",
                    {},
                    f"{label}: {n} post{'s' if n != 1 else ''}",
                    h("span", {"class_": "muted"}, f" · limit {limit}" if limit else ""),
                ),
                h("div", {"class_": "thread"}, cards),
            )
        )
    return join(pills, panels)


def _faq_page(snippet: str, title: str) -> str:
    """The FAQ snippet inside a plain article page, as a site would show it."""
    style = (
        "body{font:16px/1.6 Georgia,'DejaVu Serif',serif;color:#1f2933;background:#fff;margin:0;}"
        "main{max-width:42rem;margin:0 auto;padding:1.5rem;}"
        ".page-note{font:13px system-ui,sans-serif;color:#6b7280;border-bottom:1px solid #e5e7eb;"
        "padding-bottom:.5rem;margin-bottom:1rem}"
        "details{border-bottom:1px solid #e5e7eb;padding:.5rem 0}summary{font-weight:bold;cursor:pointer}"
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{FRAME_CSP_BLOCKED}">'
        f'<base target="_blank"><style>{style}</style></head><body><main>'
        f'<p class="page-note">…the end of “{esc(title)}” on your page…</p>'
        f"{snippet}</main></body></html>"
    )


def faq_tab(ctx: PageContext) -> Raw:
    files = _files(ctx)
    snippet = files.get("faq.html")
    jsonld = files.get("faq.jsonld")
    faq = getattr(ctx.bundle.composition, "faq", None)
    if snippet is None and jsonld is None:
        return h(
            "p",
            {"class_": "empty"},
            "No FAQ snippet in this render (the article has no questions to answer).",
        )
    origin = getattr(faq, "origin", None)
    note = {
        "article": "Questions and answers taken from the article's own FAQ.",
        "headings": "Questions built from the article's headings.",
    }.get(origin or "", "")
    count = len(getattr(faq, "items", ()) or ())
    pretty = jsonld or ""
    if jsonld:
        try:
            pretty = json.dumps(json.loads(jsonld), indent=2, ensure_ascii=False)
        except ValueError:
            pretty = jsonld
    title = getattr(getattr(ctx.bundle, "article", None), "title", "") or ""
    return h(
        "div",
        {"class_": "faq-grid"},
        h(
            "div",
            {"class_": "faq-page"},
            h("p", {"class_": "muted"}, f"{count} question{'s' if count != 1 else ''}. {note}"),
            h(
                "iframe",
                {
                    "id": "faq-frame",
                    "title": "FAQ snippet on a page",
                    "sandbox": "allow-popups allow-popups-to-escape-sandbox",
                    "referrerpolicy": "no-referrer",
                    "srcdoc": _faq_page(snippet or "", title),
                },
            )
            if snippet is not None
            else h("p", {"class_": "empty"}, "faq.html is missing."),
        ),
        h(
            "div",
            {"class_": "card"},
            h("h3", {}, "JSON-LD (schema.org FAQPage)"),
            h("pre", {"class_": "code", "id": "faq-jsonld"}, pretty)
            if jsonld
            else h("p", {"class_": "empty"}, "faq.jsonld is missing."),
            h(
                "a",
                {"href": f"{ctx.files}faq.jsonld", "target": "_blank", "rel": "noopener"},
                "faq.jsonld",
            )
            if jsonld
            else None,
        ),
    )


def calendar_tab(ctx: PageContext) -> Raw:
    from repurpose.preview.calendar import calendar_html

    return calendar_html(ctx.calendar)


# ---- the page ---------------------------------------------------------------------------------


def error_panel(err: ErrorInfo, stale: bool) -> Raw:
    where = err.path + (f":{err.line}" if err.line else "") if err.path else None
    return h(
        "section",
        {"class_": "error-panel", "role": "alert", "id": "error-panel"},
        h("h2", {}, err.title),
        h("p", {"class_": "where"}, where) if where else None,
        h("pre", {"class_": "message"}, err.message),
        h("details", {}, h("summary", {}, "Traceback"), h("pre", {}, err.detail))
        if err.detail
        else None,
        h(
            "p",
            {"class_": "muted"},
            "Below is the last render that worked. " if stale else "",
            "Fix the file and save: the page refreshes by itself.",
        ),
    )


TABS = (("email", "Email"), ("threads", "Threads"), ("faq", "FAQ"), ("calendar", "Calendar"))


def render_page(ctx: PageContext) -> str:
    bundle = ctx.bundle
    title = getattr(getattr(bundle, "article", None), "title", None) or ctx.article_path
    body_attrs = {
        "data-version": ctx.version,
        "data-live": "1" if ctx.live else "0",
        "class_": "has-error" if ctx.error else None,
    }
    nav = h(
        "nav",
        {"class_": "tabs", "role": "tablist", "aria-label": "Pieces"},
        [
            h(
                "a",
                {
                    "href": f"#{key}",
                    "role": "tab",
                    "id": f"tab-{key}",
                    "aria-controls": key,
                    "data-tab": key,
                },
                label,
            )
            for key, label in TABS
        ],
    )
    status = h(
        "span",
        {"class_": "status", "id": "live-status"},
        "live" if ctx.live else "static export",
    )
    header = h(
        "header",
        {"class_": "top"},
        h("span", {"class_": "app"}, "repurpose preview"),
        h("span", {"class_": "doc-title", "id": "doc-title"}, title),
        h("span", {"class_": "doc-path"}, ctx.article_path),
        status,
    )
    sections: list[Raw] = []
    if bundle is not None:
        for key, label in TABS:
            builder = {
                "email": email_tab,
                "threads": threads_tab,
                "faq": faq_tab,
                "calendar": calendar_tab,
            }[key]
            sections.append(
                h(
                    "section",
                    {
                        "class_": "tab-panel",
                        "id": key,
                        "role": "tabpanel",
                        "aria-labelledby": f"tab-{key}",
                    },
                    h("h2", {"class_": "panel-title"}, label),
                    builder(ctx),
                )
            )
    body = join(
        header,
        nav,
        h(
            "main",
            {},
            error_panel(ctx.error, ctx.stale) if ctx.error else None,
            sections,
        ),
        h("script", {"src": f"{ctx.assets}preview.js"}),
    )
    head = join(
        Raw('<meta charset="utf-8">'),
        h("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        h("meta", {"http-equiv": "Content-Security-Policy", "content": PAGE_CSP})
        if not ctx.live
        else None,
        h("meta", {"name": "referrer", "content": "no-referrer"}),
        h("title", {}, f"{title} · repurpose preview"),
        h("link", {"rel": "icon", "href": "data:,"}),
        h("link", {"rel": "stylesheet", "href": f"{ctx.assets}preview.css"}),
    )
    return f'<!doctype html>\n<html lang="en"><head>{head}</head><body{_body_attrs(body_attrs)}>{body}</body></html>\n'


def _body_attrs(attrs: dict) -> str:
    return attrs_html(attrs)
