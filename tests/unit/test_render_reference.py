"""The user's reference article (a scraped page) through the whole pipeline: every output file.

The article is read at test time from ../shared (the `seed_article` fixture skips when it is
absent); none of its text is copied here. What counts as page furniture is found by position in
the raw file, never by its words: everything before the title line and after the last FAQ answer
(date line, widget boxes, "related" lists, the comment form), and the short lines inside the
article that are neither the title, a heading nor an FAQ question (captions, labels).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from repurpose.compose.outline import display_heading, outline
from repurpose.config import Settings
from repurpose.pipeline import build
from repurpose.platforms import get_platform
from repurpose.render.checks import check_bundle

URL = "https://news.example.com/reference-article"
_NUMBERING = re.compile(r"\s+\d+/\d+$")
_QUESTION = re.compile(r"^\s*\d+[.)]\s+(.+\?)\s*$")


@pytest.fixture
def reference(seed_article: Path) -> Path:
    return seed_article


@pytest.fixture
def bundle(reference: Path):
    return build(str(reference), Settings(), url=URL)


class _Text(HTMLParser):
    """The visible text nodes of an HTML document (head, script and style skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("head", "script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def _html_text(html: str) -> list[str]:
    p = _Text()
    p.feed(html)
    p.close()
    return p.nodes


def _lines(name: str, text: str) -> list[str]:
    """The text lines of one output file as a reader sees them."""
    if name.endswith(".html"):
        return _html_text(text)
    if name.endswith(".jsonld"):
        data = json.loads(text)
        out = []
        for q in data["mainEntity"]:
            out += [q["name"], *q["acceptedAnswer"]["text"].split("\n")]
        return out
    if name == "manifest.json":
        return []  # its texts are the other files' texts
    out = []
    for line in text.splitlines():
        line = _NUMBERING.sub("", line.strip()).lstrip("#").strip()
        if line:
            out.append(line.replace("\\", ""))  # faq.md escapes punctuation
    return out


def _furniture(reference: Path, bundle) -> tuple[list[str], list[str]]:
    """(lines outside the article, short non-heading lines inside it) of the raw file."""
    article = bundle.article
    raw = [line.strip() for line in reference.read_text(encoding="utf-8").splitlines()]
    start = raw.index(article.title)
    last_answer = " ".join(article.faq[-1].answer.split())
    end = max(i for i, line in enumerate(raw) if line and line in last_answer)
    outside = [line for i, line in enumerate(raw) if line and (i < start or i > end)]
    known = {article.title, *(s.heading for s in article.sections if s.heading)}
    inside_short = [
        line
        for line in raw[start : end + 1]
        if line and len(line.split()) <= 4 and line not in known and not _QUESTION.match(line)
    ]
    return outside, inside_short


def test_reference_has_furniture_to_drop(reference: Path, bundle):
    """The premise of the next test: the page really carries furniture around the article."""
    outside, inside_short = _furniture(reference, bundle)
    assert len(outside) >= 5
    assert inside_short


def test_no_page_furniture_in_any_output(reference: Path, bundle):
    outside, inside_short = _furniture(reference, bundle)
    files = {**bundle.files, "manifest.json": bundle.manifest_text}
    for name, text in files.items():
        folded = text.casefold()
        for line in outside:
            assert line.casefold() not in folded, f"{name} carries page furniture: {line!r}"
        shown = set(_lines(name, text))
        for line in inside_short:
            assert line not in shown, f"{name} shows a caption or label as text: {line!r}"


def test_digest_covers_every_major_section(bundle):
    groups = outline(bundle.article).groups
    assert len(groups) >= 6
    html_text = _html_text(bundle.files["email.html"])
    text_lines = bundle.files["email.txt"].splitlines()
    for group in groups:
        shown = display_heading(group.heading) or group.heading
        assert shown in html_text, f"email.html has no block for {group.heading!r}"
        assert shown in text_lines, f"email.txt has no block for {group.heading!r}"
    blocks = bundle.composition.digest.blocks
    assert [b.section_id for b in blocks] == [g.head.id for g in groups]
    m = bundle.manifest["email"]
    assert 20 <= len(m["subject"]) <= 60 and 40 <= len(m["preheader"]) <= 100
    assert m["html_bytes"] < 90 * 1024


def test_x_thread_every_post_fits_280(bundle):
    x = bundle.manifest["threads"]["x"]
    counter = get_platform("x")
    posts = bundle.files["thread.x.txt"].rstrip("\n").split("\n\n")
    assert 5 <= len(posts) <= 12
    assert posts == [p["text"] for p in x["posts"]]
    for post in x["posts"]:
        assert counter.length(post["text"]) == post["length"] <= 280
    for post in x["posts"][:-1]:  # the closing post may carry only the link and hashtags
        assert post["source"]
    assert URL in x["posts"][-1]["text"]


def test_faq_has_the_articles_five_questions(reference: Path, bundle):
    raw = reference.read_text(encoding="utf-8").splitlines()
    questions = [m.group(1) for m in map(_QUESTION.match, raw) if m]
    assert len(questions) == 5
    faq = bundle.manifest["faq"]
    assert [i["question"] for i in faq["items"]] == questions
    data = json.loads(bundle.files["faq.jsonld"])
    assert [q["name"] for q in data["mainEntity"]] == questions
    visible = " ".join(_html_text(bundle.files["faq.html"]))
    for q in data["mainEntity"]:
        assert q["name"] in visible and q["acceptedAnswer"]["text"] in visible


def test_check_finds_no_breach(bundle):
    assert check_bundle(bundle, Settings()) == []
