"""Compose over the user's reference article (read at test time; skipped when absent)."""

from __future__ import annotations

import pytest

from repurpose.compose import compose
from repurpose.compose.digest import repeats
from repurpose.compose.outline import outline
from repurpose.compose.sentences import opens_with_reference
from repurpose.config import Settings
from repurpose.ingest import read_article
from repurpose.platforms import get_platform

URL = "https://news.example/ai-strategy"


@pytest.fixture
def composed(seed_article):
    article = read_article(str(seed_article)).model_copy(update={"url": URL})
    return article, compose(article, Settings(), slug="reference")


def test_reference_digest(composed):
    article, c = composed
    d = c.digest
    assert 20 <= len(d.subject) <= 60
    assert 40 <= len(d.preheader) <= 100
    assert not repeats(d.preheader, d.subject)
    assert d.intro and d.intro_source
    # Every major section (the intro aside) has a block, in reading order, each citing blocks.
    majors = [g.head.id for g in outline(article).groups]
    assert len(majors) >= 6
    assert [b.section_id for b in d.blocks] == majors
    for block in d.blocks:
        assert block.source and block.text
        assert not opens_with_reference(block.text)
    assert len(d.faq_teaser) == 3
    assert d.cta_url and "utm_medium=email" in d.cta_url


def test_reference_x_thread(composed):
    _, c = composed
    x = next(t for t in c.threads if t.platform == "x")
    counter = get_platform("x")
    assert 5 <= len(x.posts) <= 12
    for post in x.posts:
        assert counter.length(post.text) == post.length <= 280
    for post in x.posts[1:-1]:
        body = post.text.split("\n\n")[-1]
        assert not opens_with_reference(body), post.text
        assert post.source
    assert "utm_medium=x" in x.posts[-1].text


def test_reference_faq_and_determinism(composed, seed_article):
    article, c = composed
    assert c.faq is not None and c.faq.origin == "article"
    assert len(c.faq.items) == 5
    assert all(e.question.endswith("?") and e.answer for e in c.faq.items)
    again = compose(article, Settings(), slug="reference")
    assert again.model_dump_json() == c.model_dump_json()
