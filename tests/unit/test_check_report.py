"""render.checks.check_outcomes / CheckReport: the verdict `repurpose check` prints."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from repurpose.config import Settings
from repurpose.errors import CheckFailed
from repurpose.model import Post, Thread
from repurpose.pipeline import Bundle
from repurpose.render import render_composition
from repurpose.render.checks import CheckReport, check_outcomes
from tests.unit._compositions import composition


def _bundle(words: int):
    comp = composition()
    post = Post(text="word " * words, length=5 * words, source=("b1",))
    comp = comp.model_copy(update={"threads": (Thread(platform="x", limit=280, posts=(post,)),)})
    r = render_composition(comp, Settings())
    return Bundle("s", comp.article, comp, r.files, r.manifest, r.warnings)


def _outcome(path, bundle=None, error=None):
    return SimpleNamespace(path=path, bundle=bundle, error=error)


def test_breach_lines_name_the_article_and_are_counted():
    report = check_outcomes(
        [_outcome("a.md", _bundle(70)), _outcome("b.md", _bundle(10))], Settings()
    )
    assert report.lines == [
        "a.md: [post-limit] thread.x.txt: post 1 is 350 characters; X allows 280"
    ]
    assert (report.breaches, report.failed, report.articles) == (1, 0, 2)
    assert not report.ok and report.exit_code == 1
    with pytest.raises(CheckFailed, match=r"^check failed: 1 breach$"):
        report.raise_for_failure()


def test_clean_articles_pass_with_a_plural_summary():
    report = check_outcomes([_outcome("a.md", _bundle(10))], Settings())
    assert report.ok and report.exit_code == 0 and report.lines == []
    report.raise_for_failure()  # nothing to raise
    assert report.summary == "ok: 1 article, no breaches"
    assert CheckReport([], 0, 0, 3).summary == "ok: 3 articles, no breaches"


def test_failed_articles_are_counted_and_a_lone_failure_raises_nothing():
    lone = check_outcomes([_outcome("gone.md", error="gone.md: no such file")], Settings())
    assert (lone.failed, lone.exit_code) == (1, 1)
    lone.raise_for_failure()  # its own error line says it all
    report = check_outcomes(
        [_outcome("gone.md", error="x"), _outcome("bad.md", error="y"), _outcome("a.md")],
        Settings(),
    )
    with pytest.raises(CheckFailed, match=r"^check failed: 2 articles failed to render$"):
        report.raise_for_failure()
    both = CheckReport(["l1", "l2"], breaches=2, failed=1, articles=1)
    with pytest.raises(CheckFailed, match=r"^check failed: 2 breaches, 1 article failed"):
        both.raise_for_failure()
