"""pipeline: slugs, writing a bundle (stale files removed), option validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from repurpose.config import Settings
from repurpose.errors import PlatformError, RenderError, RepurposeError
from repurpose.pipeline import (
    Bundle,
    expand_inputs,
    parse_only,
    prepare_outdir,
    resolve_platforms,
    slug_for,
    unique_slugs,
    write_bundle,
)
from repurpose.render import render_composition
from tests.unit._compositions import composition


def _bundle(faq: bool = True) -> Bundle:
    comp = composition(faq=faq)
    r = render_composition(comp, Settings())
    return Bundle("field-notes", comp.article, comp, r.files, r.manifest, r.warnings)


def test_slugs():
    assert slug_for("posts/My Post (draft).md") == "my-post-draft"
    assert unique_slugs(["a/post.md", "b/post.txt", "c/other.md", "-"]) == [
        "post",
        "post-2",
        "other",
        None,
    ]


def test_write_bundle_and_remove_stale_files(tmp_path: Path):
    target = write_bundle(_bundle(), tmp_path)
    assert (target / "faq.html").exists() and (target / "manifest.json").exists()
    (target / "notes-by-me.txt").write_text("mine")
    write_bundle(_bundle(faq=False), tmp_path)
    assert not (target / "faq.html").exists() and not (target / "faq.jsonld").exists()
    assert (target / "notes-by-me.txt").read_text() == "mine"  # not ours: kept
    assert not list(target.glob(".*.tmp"))


def test_unwritable_outdir(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RenderError, match="not writable"):
        prepare_outdir(blocker / "out")
    with pytest.raises(RenderError, match="cannot write output"):
        write_bundle(_bundle(), blocker)


def test_parse_only():
    assert parse_only(None) is None
    assert parse_only("email, threads") == {"email", "thread"}
    assert parse_only(["faq", "email,thread"]) == {"faq", "email", "thread"}
    with pytest.raises(RepurposeError, match="podcast"):
        parse_only("podcast")


def test_resolve_platforms():
    s = resolve_platforms(Settings(), ["X", "mastodon", "x"])
    assert s.social.platforms == ("x", "mastodon")
    with pytest.raises(PlatformError):
        resolve_platforms(Settings(), ["myspace"])


def test_expand_inputs(tmp_path: Path):
    (tmp_path / "b.md").write_text("# b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "skip.png").write_bytes(b"")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.md").write_text("c")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.html").write_text("<p>d</p>")
    got = expand_inputs([str(tmp_path), "-"])
    assert got == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.md"),
        str(tmp_path / "sub/d.html"),
        "-",
    ]
    (tmp_path / "empty").mkdir()
    with pytest.raises(RepurposeError, match="no article files"):
        expand_inputs([str(tmp_path / "empty")])


def test_article_url_from_config_only_when_the_article_names_none():
    from repurpose.pipeline import build
    from tests.conftest import FIXTURES

    plain = str(FIXTURES / "render" / "plain-notes.txt")  # names no URL
    station = str(FIXTURES / "render" / "tiny-station.md")  # canonical_url in front matter
    settings = Settings(brand={"article_url": "https://garden.example.net/notes/{slug}/"})

    b = build(plain, settings)
    assert b.article.url == "https://garden.example.net/notes/plain-notes/"
    assert b.manifest["article"]["url"] == b.article.url
    assert "no-url" not in [w["code"] for w in b.manifest["warnings"]]
    assert "garden.example.net/notes/plain-notes/?utm_source" in b.files["email.txt"]

    assert build(plain, Settings()).article.url is None
    assert build(station, settings).article.url == "https://notes.example.org/posts/tiny-station"
    assert build(plain, settings, url="https://x.example/a").article.url == "https://x.example/a"
