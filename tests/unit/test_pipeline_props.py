"""Property test over the whole pipeline: generated articles (headings, paragraphs, lists, quotes,
code, links, emoji, CJK, RTL, random blank-line rhythm, furniture lines) in all three formats
either build a bundle that keeps every invariant (assert_bundle_ok) or are refused with an
InputError — never anything else.

More examples for a deeper run:
REPURPOSE_HYPOTHESIS_EXAMPLES=2000 pytest tests/unit/test_pipeline_props.py
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from repurpose.config import Settings
from repurpose.errors import InputError
from repurpose.pipeline import build
from tests.unit.test_pipeline_robustness import assert_bundle_ok

EXAMPLES = int(os.environ.get("REPURPOSE_HYPOTHESIS_EXAMPLES", "40"))

latin = st.sampled_from(
    [
        "the",
        "a",
        "garden",
        "soil",
        "water",
        "seeds",
        "compost",
        "beds",
        "tools",
        "harvest",
        "rain",
        "sunlight",
        "tomatoes",
        "beans",
        "we",
        "our",
        "neighbours",
        "planted",
        "every",
        "morning",
        "because",
        "and",
        "but",
        "while",
        "café",
        "naïve",
        "Straße",
    ]
)
cjk = st.sampled_from(["花园", "土壤", "种植", "邻居", "堆肥", "野菜", "育てる", "毎日"])
rtl = st.sampled_from(["حديقة", "التربة", "الماء", "גינה", "מים", "שכנים"])
special = st.sampled_from(
    [
        "https://example.org/guide",
        "example.com",
        "www.example.net/a?b=c&d=e",
        "https://example.org/" + "very-long-path-" * 20,
        "@gardener",
        "#compost",
        "1,000.50",
        "3.5%",
        "🌱",
        "👨\u200d👩\u200d👧\u200d👦",
        "🇫🇷",
        "❤️",
        "<script>alert(1)</script>",
        "a&b",
        "{{ name }}",
        "%%unsubscribe_url%%",
        "*bold*",
        "`code`",
        "x" * 120,
    ]
)
word = st.one_of(latin, latin, latin, latin, cjk, rtl, special)
stop = st.sampled_from([".", ".", "!", "?", "。", "؟", "", "…", ":"])


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(word, min_size=1, max_size=22))
    text = " ".join(words)
    return text[:1].upper() + text[1:] + draw(stop)


@st.composite
def paragraph(draw) -> str:
    return " ".join(draw(st.lists(sentence(), min_size=1, max_size=5)))


heading_text = st.builds(
    lambda ws, q: " ".join(ws).title() + q,
    st.lists(st.one_of(latin, cjk, rtl, st.just("🌻")), min_size=1, max_size=6),
    st.sampled_from(["", "", "?"]),
)
furniture = st.sampled_from(
    [
        "Share this article",
        "Subscribe to our newsletter",
        "Home | Blog | About | Contact",
        "Related posts",
        "Leave a reply",
        "We use cookies to improve your experience. Accept all cookies",
        "Advertisement",
        "© 2024 Example Media. All rights reserved.",
        "5 min read",
        "Tags: garden, soil",
        "spot_img",
    ]
)


@st.composite
def blocks(draw) -> list[tuple]:
    kinds = st.sampled_from(
        ["p", "p", "p", "h2", "h3", "list", "olist", "quote", "code", "furniture", "faq"]
    )
    out: list[tuple] = []
    for kind in draw(st.lists(kinds, min_size=1, max_size=14)):
        if kind == "p":
            out.append(("p", draw(paragraph())))
        elif kind in ("h2", "h3"):
            out.append((kind, draw(heading_text)))
        elif kind in ("list", "olist"):
            out.append((kind, draw(st.lists(sentence(), min_size=1, max_size=5))))
        elif kind == "quote":
            out.append(("quote", draw(sentence())))
        elif kind == "code":
            out.append(("code", draw(st.sampled_from(["x = 1\nprint(x)", "<b>hi</b>", "  "]))))
        elif kind == "furniture":
            out.append(("furniture", draw(furniture)))
        else:
            out.append(("h2", "Frequently Asked Questions"))
            for _ in range(draw(st.integers(1, 3))):
                q = " ".join(draw(st.lists(latin, min_size=2, max_size=8)))
                out.append(("q", "How " + q + "?"))
                out.append(("p", draw(paragraph())))
    return out


def to_text(title: str, items: list[tuple], gaps: list[int]) -> str:
    parts = [title]
    for (kind, value), gap in zip(items, gaps, strict=False):
        sep = "\n" * (gap + 1)
        if kind in ("list", "olist"):
            marks = ["- "] * len(value) if kind == "list" else [f"{i}. " for i in range(1, 99)]
            body = "\n".join(m + v for m, v in zip(marks, value, strict=False))
        elif kind == "quote":
            body = "> " + value
        else:
            body = value
        parts.append(sep + body)
    return "".join(parts) + "\n"


def to_markdown(title: str, items: list[tuple], gaps: list[int], front: bool) -> str:
    head = f"---\ntitle: {title!r}\n---\n\n" if front else f"# {title}\n\n"
    parts = []
    for (kind, value), gap in zip(items, gaps, strict=False):
        sep = "\n" * (gap + 1)
        if kind == "h2" or kind == "h3":
            body = ("## " if kind == "h2" else "### ") + value
        elif kind == "q":
            body = "### " + value
        elif kind == "list":
            body = "\n".join("- " + v for v in value)
        elif kind == "olist":
            body = "\n".join(f"{i}. {v}" for i, v in enumerate(value, 1))
        elif kind == "quote":
            body = "> " + value
        elif kind == "code":
            body = "```\n" + value + "\n```"
        else:
            body = value
        parts.append(body + sep)
    return head + "".join(parts)


def to_html(title: str, items: list[tuple]) -> str:
    body = []
    for kind, value in items:
        if kind in ("h2", "h3", "q"):
            tag = "h3" if kind != "h2" else "h2"
            body.append(f"<{tag}>{html.escape(value)}</{tag}>")
        elif kind in ("list", "olist"):
            tag = "ul" if kind == "list" else "ol"
            lis = "".join(f"<li>{html.escape(v)}</li>" for v in value)
            body.append(f"<{tag}>{lis}</{tag}>")
        elif kind == "quote":
            body.append(f"<blockquote><p>{html.escape(value)}</p></blockquote>")
        elif kind == "code":
            body.append(f"<pre><code>{html.escape(value)}</code></pre>")
        elif kind == "furniture":
            body.append(f"<div class='share'>{html.escape(value)}</div>")
        else:
            body.append(f"<p>{html.escape(value)}</p>")
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/blog'>Blog</a></nav><main><article>"
        f"<h1>{html.escape(title)}</h1>" + "\n".join(body) + "</article></main>"
        "<footer>© 2024 Example</footer></body></html>"
    )


@st.composite
def article(draw) -> tuple[str, str]:
    fmt = draw(st.sampled_from(["txt", "md", "html"]))
    title = draw(heading_text)
    items = draw(blocks())
    gaps = draw(st.lists(st.sampled_from([0, 1, 1, 1, 2, 3]), min_size=len(items)))
    if fmt == "txt":
        return "txt", to_text(title, items, gaps)
    if fmt == "md":
        return "md", to_markdown(title, items, gaps, draw(st.booleans()))
    return "html", to_html(title, items)


SETTINGS = Settings()


@pytest.mark.timeout(600)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(article())
def test_any_article_builds_a_sound_bundle_or_is_refused(sample):
    ext, text = sample
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"article.{ext}"
        path.write_text(text, encoding="utf-8")
        try:
            bundle = build(str(path), SETTINGS, cwd=Path(tmp))
        except InputError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)
            event(f"{ext}: refused")
            return
        assert_bundle_ok(bundle, SETTINGS)
        event(f"{ext}: built")
