"""Property tests: any text given to any reader gives an Article or an InputError, never a crash."""

from __future__ import annotations

import contextlib
import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repurpose.errors import InputError
from repurpose.ingest import READERS, sniff
from repurpose.model import Article

AVAILABLE = []
for fmt, module in READERS.items():
    with contextlib.suppress(ModuleNotFoundError):  # a reader not built yet: covered once it is
        AVAILABLE.append((fmt, importlib.import_module(module)))

# Lines that look like the things readers care about, mixed with arbitrary text.
LINE = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            "",
            "FAQ",
            "Frequently Asked Questions",
            "1. What is it?",
            "Q: Why?",
            "A: Because.",
            "- item",
            "* item",
            "Related Posts",
            "Leave a Reply",
            "spot_img",
            "{{ x }}",
            "By Jane Doe | March 3, 2024",
            "Wednesday, November 12, 2025",
            "A Heading Line",
            "> a quote",
            "# Markdown heading",
            "<p>html</p>",
            "<details><summary>Q?</summary>A.</details>",
            "---",
            "This is a sentence of ordinary prose that is long enough to count as a paragraph.",
        ]
    ),
)
DOCUMENT = st.lists(LINE, max_size=60).map("\n".join)


@pytest.mark.parametrize(("fmt", "reader"), AVAILABLE, ids=[f for f, _ in AVAILABLE])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=2000), DOCUMENT))
def test_reader_never_crashes(fmt, reader, text):
    try:
        article = reader.read(text, path=f"prop.{fmt}")
    except InputError:
        return
    assert isinstance(article, Article)
    assert article.word_count >= 0
    for block in article.blocks():
        if block.source.lines:
            a, z = block.source.lines
            assert 1 <= a <= z


@given(text=st.text(max_size=500))
def test_sniff_always_answers(text):
    assert sniff(text) in READERS


def test_every_reader_is_covered():
    assert "text" in {f for f, _ in AVAILABLE}
