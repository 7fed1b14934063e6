"""The preview page built from a hand-made Bundle: escaping, the email frame, threads, FAQ,
calendar grid."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from repurpose.config import Settings
from repurpose.model import (
    Article,
    Composition,
    Digest,
    DigestBlock,
    FaqEntry,
    FaqSnippet,
    Paragraph,
    Post,
    Section,
    Thread,
    Warning_,
)
from repurpose.pipeline import Bundle
from repurpose.preview import pages
from repurpose.preview.calendar import calendar_html, load_calendar, view_from_rows

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def make_composition(title: str = "Night trains & the art of packing light") -> Composition:
    article = Article(
        title=f"{title} {XSS}",
        url="https://travel.example.org/night-trains",
        lang="en",
        sections=(
            Section(
                id="intro",
                heading=None,
                blocks=(Paragraph(id="b1", text=f"Sleeper cars are back. {XSS}"),),
            ),
        ),
    )
    digest = Digest(
        subject=f"Night trains {XSS}",
        preheader="Pack light, sleep well",
        intro=f"Sleeper cars are back. {XSS}",
        blocks=(DigestBlock(heading=f"Packing {XSS}", text="One bag. Always one bag."),),
        cta_url="https://travel.example.org/night-trains?utm_medium=email",
    )
    threads = (
        Thread(
            platform="x",
            limit=280,
            posts=(
                Post(text="Sleeper cars are back. 1/3", length=26),
                Post(text=f"{XSS} #trains @railfan 2/3", length=90),
                Post(
                    text="Read: https://travel.example.org/night-trains javascript:alert(1) 3/3",
                    length=60,
                ),
            ),
        ),
        Thread(platform="mastodon", limit=500, posts=(Post(text="x" * 520, length=520),)),
    )
    faq = FaqSnippet(
        origin="article",
        items=(FaqEntry(question=f"Is {XSS} safe?", answer="Yes, it is escaped."),),
    )
    return Composition(
        article=article,
        digest=digest,
        threads=threads,
        faq=faq,
        warnings=(Warning_(code="thin", message=f"few sentences {XSS}"),),
    )


def make_bundle(settings: Settings | None = None, composition: Composition | None = None) -> Bundle:
    from repurpose.render import render_composition

    comp = composition or make_composition()
    rendered = render_composition(comp, settings or Settings())
    return Bundle(
        slug="night-trains",
        article=comp.article,
        composition=comp,
        files=rendered.files,
        manifest=rendered.manifest,
        warnings=rendered.warnings,
    )


def page_for(bundle=None, **kw) -> str:
    ctx = pages.PageContext(
        bundle=bundle if bundle is not None else make_bundle(),
        settings=kw.pop("settings", Settings()),
        article_path="articles/night-trains.md",
        **kw,
    )
    return pages.render_page(ctx)


def outside_frames(doc: str) -> str:
    """The page without the srcdoc attributes (whose content only runs in the sandbox)."""
    return re.sub(r'srcdoc="[^"]*"', 'srcdoc=""', doc)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(doc: str) -> list[tuple[str, dict]]:
    p = _Tags()
    p.feed(doc)
    return p.tags


def test_article_text_is_escaped_everywhere_in_the_page():
    doc = page_for()
    tags = tags_of(doc)
    # The only scripts are our own: the app script (external) and the JSON data block.
    scripts = [a for t, a in tags if t == "script"]
    assert scripts == [
        {"type": "application/json", "id": "email-data"},
        {"src": "/static/preview.js"},
    ]
    assert not [t for t, a in tags if t == "img"]
    assert not [(t, k) for t, a in tags for k in a if k.startswith("on")]
    outer = outside_frames(doc)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in outer  # shown as text, not run
    # the JSON data block cannot be closed by article text
    data = outer.split('id="email-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert "window.__xss" in json.loads(data)["html"].replace("&lt;", "<")


def test_frames_are_sandboxed_without_scripts():
    doc = page_for()
    frames = re.findall(r"<iframe\b[^>]*>", doc)
    assert len(frames) == 2  # email and FAQ
    for frame in frames:
        sandbox = re.search(r'sandbox="([^"]*)"', frame).group(1)
        assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox


def test_frame_document_emulates_dark_and_light_and_blocks_remote_images():
    src = (
        "<html><head><style>@media (prefers-color-scheme: dark){.a{color:#fff}}"
        "@media screen and (prefers-color-scheme:light){.b{color:#000}}</style></head><body>x</body></html>"
    )
    dark = pages.frame_document(src, dark=True)
    assert "(min-width:0px){.a" in dark and "(max-width:0px){.b" in dark
    light = pages.frame_document(src, dark=False)
    assert "(max-width:0px){.a" in light and "(min-width:0px){.b" in light
    assert "prefers-color-scheme" not in dark + light
    # the CSP comes first in <head>, before any content that could load something
    assert light.index("Content-Security-Policy") < light.index("<style>")
    assert "img-src data:;" in light
    assert "img-src data: http: https:" in pages.frame_document(src, images=True)
    assert '<base target="_blank">' in light
    bare = pages.frame_document("<p>no head</p>")
    assert bare.startswith('<head><meta http-equiv="Content-Security-Policy"')


def test_email_tab_shows_inbox_row_size_and_checks():
    settings = Settings(email={"from_name": "Rail Notes", "from_address": "news@rail.example"})
    bundle = make_bundle(settings)
    doc = page_for(bundle, settings=settings, checks=[("error", "email-size", "too big")])
    assert "Rail Notes" in doc and "news@rail.example" in doc
    assert html.escape(bundle.manifest["email"]["subject"], quote=True) in doc
    assert "Pack light, sleep well" in doc
    size = len(bundle.files["email.html"].encode())
    assert f"{size / 1024:.1f} KB of HTML" in doc
    assert "of Gmail&#x27;s 102 KB clip" in doc
    assert "<code>thin</code>" in doc and "too big" in doc
    # the plain-text part with the sample recipient's values merged in
    text = doc.split('id="email-text">', 1)[1].split("</pre>", 1)[0]
    assert "%%" not in text
    for _key, _label, px in pages.WIDTHS:
        assert f'data-width="{px}"' in doc


def test_size_meter_turns_red_past_the_clip():
    comp = make_composition()
    bundle = make_bundle(composition=comp)
    big = bundle.files["email.html"].replace("</body>", "<!--" + "x" * 110_000 + "--></body>")
    bundle = Bundle(**{**bundle.__dict__, "files": {**bundle.files, "email.html": big}})
    doc = page_for(bundle)
    assert 'class="meter over"' in doc
    assert "Gmail will clip this email" in doc


def test_merge_tokens_get_sample_values():
    settings = Settings(email={"unsubscribe_url": "https://rail.example/u?e={email}&t={token}"})
    base = pages.email_base('<a href="%%unsubscribe_url%%">%%name%%</a>', settings)
    assert (
        base == '<a href="https://rail.example/u?e=alex@example.com&amp;t=preview">Alex Sample</a>'
    )


def test_thread_cards_numbering_bars_and_copy_sources():
    doc = page_for()
    assert doc.count('class="post"') + doc.count('class="post over"') == 4
    assert ">1/3<" in doc and ">3/3<" in doc
    assert "26 / 280" in doc
    assert 'class="post over"' in doc and "520 / 500" in doc  # over the limit: marked
    src = re.search(r'<textarea id="post-x-2-src"[^>]*>(.*?)</textarea>', doc, re.S).group(1)
    assert html.unescape(src) == f"{XSS} #trains @railfan 2/3"
    assert 'data-copy="post-x-2-src"' in doc


def test_post_links_only_for_http_urls():
    out = pages.post_html("see https://a.example/x. and javascript:alert(1) #tag @who")
    assert '<a href="https://a.example/x"' in out
    assert 'href="javascript' not in out
    assert '<span class="tag">#tag</span>' in out and '<span class="mention">@who</span>' in out


def test_faq_tab_shows_snippet_in_a_page_and_pretty_jsonld():
    doc = page_for()
    jsonld = doc.split('id="faq-jsonld">', 1)[1].split("</pre>", 1)[0]
    data = json.loads(html.unescape(jsonld))
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == f"Is {XSS} safe?"
    assert "1 question." in doc


def test_error_panel_with_last_good_render():
    err = pages.ErrorInfo("Template error", "unexpected '}'", "templates/email/digest.mjml.j2", 12)
    doc = page_for(error=err, stale=True)
    assert 'role="alert"' in doc and "templates/email/digest.mjml.j2:12" in doc
    assert "last render that worked" in doc
    assert 'id="email"' in doc  # the last good render is still shown under the panel


def test_error_panel_without_any_render_yet():
    err = pages.ErrorInfo("Article error", f"no article {XSS}")
    ctx = pages.PageContext(bundle=None, settings=None, article_path="a.md", error=err)
    doc = pages.render_page(ctx)
    assert "&lt;script&gt;" in doc and 'id="email"' not in doc


def test_static_page_uses_relative_assets_and_a_csp_meta():
    doc = page_for(live=False, assets="assets/", files="files/")
    assert 'href="assets/preview.css"' in doc and 'src="assets/preview.js"' in doc
    assert 'data-live="0"' in doc
    assert 'http-equiv="Content-Security-Policy"' in outside_frames(doc)


def test_page_requests_nothing_from_elsewhere():
    doc = outside_frames(page_for())
    for attr in re.findall(r'\s(?:src|href)="([^"]*)"', doc):
        # links inside post text are anchors the reader may click, never loaded by the page
        assert not attr.startswith(("http:", "https:", "//")) or "example.org" in attr
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", doc):
        assert "http" not in tag


# ---- calendar ---------------------------------------------------------------------------------


def _row(i, due, *, state="scheduled", channel="x", kind="post", tz="Europe/Berlin", **kw):
    return {
        "id": i,
        "article_slug": kw.get("slug", "night-trains"),
        "channel": channel,
        "account": "default",
        "kind": kind,
        "due_at": due,
        "tz": tz,
        "state": state,
        "position": kw.get("position"),
        "summary": kw.get("summary", f"post {i}"),
    }


def test_calendar_groups_email_recipients_and_uses_the_calendar_timezone():
    due = datetime(2025, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 in Berlin (summer time started)
    rows = [
        _row(1, due, channel="email", kind="email", summary="Night trains", state="sent"),
        _row(2, due, channel="email", kind="email", summary="Night trains", state="failed"),
        _row(3, due, channel="email", kind="email", summary="Night trains", state="sent"),
        _row(4, datetime(2025, 3, 29, 23, 30, tzinfo=UTC), position=0),  # 00:30 on the 30th
    ]
    view = view_from_rows(rows, scope="this article", now=datetime(2025, 3, 28, tzinfo=UTC))
    assert view.tz == "Europe/Berlin"
    assert len(view.items) == 2
    post, email = view.items
    assert post.local.strftime("%Y-%m-%d %H:%M") == "2025-03-30 00:30"
    assert email.local.strftime("%H:%M") == "09:00"
    assert email.state == "failed"  # the state most worth attention
    assert email.label == "Email · Night trains · 3 recipients (2 sent)"
    doc = calendar_html(view)
    day = doc.split('data-date="2025-03-30"', 1)[1].split("</div></div>", 1)[0]
    assert "00:30 X post 1" in day and "09:00 Email" in day
    assert 'data-default-month="2025-03"' in doc
    assert 'data-default-week="2025-W13"' in doc
    assert "state-failed" in doc and "times in Europe/Berlin" in doc


def test_calendar_month_and_week_periods_span_the_items():
    rows = [
        _row(1, datetime(2025, 1, 30, 9, tzinfo=UTC), tz="UTC"),
        _row(2, datetime(2025, 3, 2, 9, tzinfo=UTC), tz="UTC"),
    ]
    doc = calendar_html(
        view_from_rows(rows, scope="all articles", now=datetime(2025, 6, 1, tzinfo=UTC))
    )
    assert re.findall(r'data-view="month" data-key="([^"]+)"', doc) == [
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    weeks = re.findall(r'data-view="week" data-key="([^"]+)"', doc)
    assert weeks[0] == "2025-W05" and weeks[-1] == "2025-W09"
    assert 'data-default-month="2025-03"' in doc  # today is later: the last period
    assert "· night-trains" in doc  # all articles: each entry names its article


def test_calendar_item_text_is_escaped():
    doc = calendar_html(
        view_from_rows(
            [_row(1, datetime(2025, 1, 1, tzinfo=UTC), summary=XSS)], scope="this article"
        )
    )
    assert "<script>" not in doc and "&lt;script&gt;" in doc


def test_no_database_says_so_and_creates_nothing(tmp_path):
    db = tmp_path / "repurpose.db"
    view = load_calendar(f"sqlite:///{db}", slug="night-trains", all_items=False)
    assert view.status == "none" and "does not exist" in view.message
    assert not db.exists()
    doc = calendar_html(view)
    assert 'data-status="none"' in doc


@pytest.mark.parametrize("view", [None])
def test_calendar_before_first_render(view):
    assert "once the article renders" in calendar_html(view)
