"""The string helpers templates use: numbered links, wrapping, Markdown and HTML escaping."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from repurpose.model import FaqEntry, FaqSnippet
from repurpose.render.faq import dumps, jsonld
from repurpose.render.filters import LinkRefs, autolink, fill, md, paragraphs, wrap


def test_link_refs_number_in_order_and_reuse():
    links = LinkRefs()
    out = links.replace(
        "See https://a.example/x, then https://b.example/y. Again https://a.example/x!"
    )
    assert out == "See [1], then [2]. Again [1]!"
    assert links.items == [(1, "https://a.example/x"), (2, "https://b.example/y")]


def test_link_refs_keep_balanced_parentheses():
    links = LinkRefs()
    out = links.replace("(see https://en.example.org/wiki/Foo_(bar))")
    assert out == "(see [1])"
    assert links.items == [(1, "https://en.example.org/wiki/Foo_(bar)")]


def test_wrap_never_breaks_urls_or_words():
    url = "https://example.org/" + "a" * 100
    text = "lorem " * 30 + url + " end"
    lines = wrap(text, 78).splitlines()
    assert url in lines
    assert all(len(line) <= 78 for line in lines if line != url)


def test_wrap_keeps_paragraphs():
    assert wrap("one  two\n\n\nthree") == "one two\n\nthree"


def test_autolink_escapes_text_and_href():
    out = str(autolink('a <b> & "c" https://x.example/?a=1&b=<2> end.'))
    assert out.startswith("a &lt;b&gt; &amp; &#34;c&#34; ")
    assert '<a href="https://x.example/?a=1&amp;b=">https://x.example/?a=1&amp;b=</a>' in out
    assert out.endswith("&lt;2&gt; end.")


def test_autolink_leaves_merge_tokens():
    assert str(autolink("x %%name%% y")) == "x %%name%% y"


def test_md_escapes_markup_and_line_starts():
    assert md("<b>*bold*</b> [x](y) a_b") == "\\<b\\>\\*bold\\*\\</b\\> \\[x\\](y) a\\_b"
    assert md("# not a heading\n1. not a list\n- nor this") == (
        "\\# not a heading\n1\\. not a list\n\\- nor this"
    )
    assert md("AT&T &amp; co") == "AT&T \\&amp; co"


def test_paragraphs():
    assert paragraphs("a\n\n b \n\n\n") == ["a", "b"]


def test_jsonld_safe_inside_script():
    snippet = FaqSnippet(
        origin="article",
        items=(FaqEntry(question="</script><b>?", answer="a &  b\n\nc"),),
    )
    text = dumps(jsonld(snippet))
    assert "<" not in text and ">" not in text and "&" not in text
    import json

    data = json.loads(text)
    assert data["mainEntity"][0]["name"] == "</script><b>?"
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "a & b\n\nc"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet="ab cdé\n\t-https:/.x", min_size=0, max_size=40), min_size=0, max_size=8
    ).map(" ".join),
    st.integers(min_value=5, max_value=90),
    st.sampled_from(["", "  ", "> "]),
)
def test_fill_matches_textwrap(text, width, indent):
    import textwrap

    for line in text.splitlines() or [""]:
        words = line.split()
        want = textwrap.fill(
            " ".join(words),
            width=width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        assert fill(words, width, indent) == want
