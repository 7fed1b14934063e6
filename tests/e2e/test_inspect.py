"""`repurpose inspect` as a user runs it."""

from __future__ import annotations

import json

from ..conftest import EXAMPLES, FIXTURES

LAUNCH = EXAMPLES / "scraped-launch-notes.txt"


def test_inspect_shows_structure_faq_and_dropped(cli):
    r = cli("inspect", str(LAUNCH))
    assert r.code == 0, r.err
    out = r.out
    assert (
        "title:     Harbor 3.0 Launch Notes: Offline Sync, Faster Search and a Calmer Inbox" in out
    )
    assert "date:      2025-03-04" in out
    # sections indented by level, with word counts
    assert "\n  Why We Rebuilt the Core  [39 words" in out
    assert "\n    A New Storage Layer  [34 words" in out
    assert "faq (4):" in out
    assert "  Q: Do I need to pay for offline sync?" in out
    assert "     A: No. Offline sync is part of every plan" in out
    assert "dropped (" in out
    assert "'Leave a Reply'  — comment thread or form after the article" in out
    assert "'{{ header_banner }}'  — template placeholder" in out


def test_inspect_json_is_the_article(cli):
    r = cli("inspect", "--json", str(LAUNCH))
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["title"].startswith("Harbor 3.0 Launch Notes")
    assert data["published"] == "2025-03-04"
    assert data["format"] == "text"
    assert [s["heading"] for s in data["sections"]][:3] == [
        None,
        "Why We Rebuilt the Core",
        "A New Storage Layer",
    ]
    assert len(data["faq"]) == 4
    assert all({"text", "reason", "source"} <= set(d) for d in data["dropped"])
    # stable: the same input gives byte-identical JSON
    assert cli("inspect", "--json", str(LAUNCH)).out == r.out


def test_inspect_stdin_sniffs_text(cli):
    r = cli("inspect", "-", input=LAUNCH.read_bytes())
    assert r.code == 0, r.err
    assert "Harbor 3.0 Launch Notes" in r.out


def test_inspect_forced_format(cli, tmp_path):
    odd = tmp_path / "notes.data"
    odd.write_bytes((FIXTURES / "text" / "qa-faq.txt").read_bytes())
    r = cli("inspect", "--format", "text", str(odd))
    assert r.code == 0, r.err
    assert "faq (5):" in r.out


def test_inspect_reference_article(cli, seed_article):
    r = cli("inspect", "--json", str(seed_article))
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["published"]
    assert len(data["faq"]) == 5
    assert sum(1 for s in data["sections"] if s["level"] == 2 and s["heading"]) > 5
    assert any(s["level"] == 3 for s in data["sections"])
    kept = json.dumps([data["sections"], data["faq"]])
    for d in data["dropped"]:
        assert json.dumps(d["text"])[1:-1] not in kept


def test_inspect_help(cli):
    r = cli("inspect", "--help")
    assert r.code == 0
    assert "--json" in r.out and "--format" in r.out


ARTICLE_KEYS = [
    "title",
    "description",
    "author",
    "published",
    "url",
    "lang",
    "image",
    "tags",
    "sections",
    "faq",
    "dropped",
    "word_count",
    "reading_minutes",
    "format",
    "source_path",
]


def test_inspect_json_shape_is_stable_for_every_format(cli):
    """--json keys come in a fixed order, every block and FAQ item carries its source (lines for
    text and Markdown, an element path for HTML), and two runs print the same bytes."""
    for path, where in (
        (LAUNCH, "lines"),
        (EXAMPLES / "product-update.md", "lines"),
        (FIXTURES / "html" / "wordpress-news-comments.html", "path"),
    ):
        r = cli("inspect", "--json", str(path))
        assert r.code == 0, r.err
        data = json.loads(r.out)
        assert list(data) == ARTICLE_KEYS
        for s in data["sections"]:
            assert list(s) == ["id", "heading", "level", "blocks", "source"]
            for b in s["blocks"]:
                assert b["id"].startswith("b") and b["source"][where], (path, b)
        for f in data["faq"]:
            assert list(f) == ["id", "question", "answer", "source"] and f["source"][where]
        assert cli("inspect", "--json", str(path)).out == r.out
