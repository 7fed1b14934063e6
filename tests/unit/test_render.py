"""Render over hand-built Compositions: the contract of every file and of manifest.json."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from repurpose.config import Settings
from repurpose.errors import TemplateError
from repurpose.render import EMAIL_WARN_BYTES, dumps_manifest, render_composition
from repurpose.render.checks import check_faq
from tests.unit._compositions import CTA, SCRIPT, composition

SETTINGS = Settings(
    email={
        "unsubscribe_url": "https://blog.example.org/unsub?e={email}&t={token}",
        "postal_address": "12 Harbour Road, Port Example",
        "from_name": "Field Notes",
    },
    brand={"name": "Field Notes", "logo_url": "https://blog.example.org/logo.png"},
)


@pytest.fixture(scope="module")
def rendered():
    return render_composition(composition(), SETTINGS)


def test_files_present(rendered):
    assert set(rendered.files) == {
        "email.html",
        "email.txt",
        "thread.x.txt",
        "thread.mastodon.txt",
        "faq.html",
        "faq.jsonld",
        "faq.md",
    }


def test_email_html_head(rendered):
    html = rendered.files["email.html"]
    assert re.search(r'<html lang="en"', html)
    assert '<meta name="color-scheme" content="light dark"' in html
    assert '<meta name="supported-color-schemes" content="light dark"' in html
    assert "@media (prefers-color-scheme: dark)" in html
    assert "<title>Shipping a tiny weather station</title>" in html
    # no web-font import: the system stack only
    assert "fonts.googleapis.com" not in html


def test_preheader_hidden_and_padded(rendered):
    html = rendered.files["email.html"]
    m = re.search(r'<div style="display:none;[^"]*">(.*?)</div>', html)
    assert m, "hidden preheader div"
    assert m.group(1).startswith("A year on a coin cell")
    assert m.group(1).count("&zwnj;") >= 40


def test_every_image_has_alt(rendered):
    html = rendered.files["email.html"]
    imgs = re.findall(r"<img\b[^>]*>", html)
    assert imgs, "the brand logo is shown"
    for img in imgs:
        assert re.search(r'alt="[^"]+"', img), img
    assert 'src="https://blog.example.org/logo.png"' in html


def test_cta_only_when_url_known():
    with_url = render_composition(composition(), SETTINGS).files
    without = render_composition(composition(url=None), SETTINGS).files
    assert CTA.replace("&", "&amp;") in with_url["email.html"]
    assert "Read the full article" in with_url["email.html"]
    assert "Read the full article" not in without["email.html"]
    assert "Read the full article" not in without["email.txt"]


def test_footer_identity_address_unsubscribe(rendered):
    html, text = rendered.files["email.html"], rendered.files["email.txt"]
    for part in (html, text):
        assert "Field Notes" in part
        assert "12 Harbour Road, Port Example" in part
        assert "%%unsubscribe_url%%" in part
    assert 'href="%%unsubscribe_url%%"' in html


def test_no_unsubscribe_link_without_config():
    files = render_composition(composition(), Settings()).files
    assert "%%unsubscribe_url%%" not in files["email.html"]
    assert "Unsubscribe" not in files["email.txt"]


def test_utm_links_kept(rendered):
    assert "utm_source=repurpose&amp;utm_medium=email" in rendered.files["email.html"]
    assert "utm_source=repurpose&utm_medium=email" in rendered.files["email.txt"]


def test_text_part_links_are_numbered_references(rendered):
    text = rendered.files["email.txt"]
    body, _, links = text.partition("\nLinks:\n")
    assert links, "a Links: list at the end"
    refs = re.findall(r"^\[(\d+)\] (\S+)$", links, re.M)
    assert [n for n, _ in refs] == [str(i) for i in range(1, len(refs) + 1)]
    urls = [u for _, u in refs]
    assert "https://files.example.net/shell_v2.stl" in urls
    assert CTA in urls
    assert "%%unsubscribe_url%%" in urls
    for n, _ in refs:
        assert f"[{n}]" in body
    assert "https://" not in body  # URLs live in the list, not broken across lines in the body


def test_text_part_wrapped_without_breaking_urls():
    long = "word " * 40 + "https://example.org/" + "x" * 120
    comp = composition()
    digest = comp.digest.model_copy(update={"intro": long})
    files = render_composition(comp.model_copy(update={"digest": digest}), SETTINGS).files
    for line in files["email.txt"].splitlines():
        if "://" not in line and "%%" not in line:
            assert len(line) <= 78, line
    assert "https://example.org/" + "x" * 120 in files["email.txt"]


def test_script_escaped_in_every_markup_output(rendered):
    for name in ("email.html", "faq.html", "faq.jsonld", "faq.md"):
        assert SCRIPT not in rendered.files[name], name
        assert "<script>alert" not in rendered.files[name], name
    assert "&lt;script&gt;alert" in rendered.files["email.html"]
    assert "&lt;script&gt;alert" in rendered.files["faq.html"]
    # plain text keeps the text as written
    assert SCRIPT in rendered.files["email.txt"]
    assert SCRIPT in rendered.files["thread.x.txt"]


def test_thread_files_ready_to_paste(rendered):
    text = rendered.files["thread.x.txt"]
    posts = text.rstrip("\n").split("\n\n")
    manifest_posts = [p["text"] for p in rendered.manifest["threads"]["x"]["posts"]]
    assert posts == manifest_posts
    assert text.endswith("3/3\n")


class _Faq(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.dt: list[str] = []
        self.dd: list[str] = []
        self._cur = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("dt", "dd"):
            self._cur = tag
            getattr(self, tag).append("")

    def handle_endtag(self, tag):
        if tag in ("dt", "dd"):
            self._cur = None

    def handle_data(self, data):
        if self._cur:
            getattr(self, self._cur)[-1] += data


def test_faq_html_semantic_and_jsonld_matches_visible_text(rendered):
    page = _Faq()
    page.feed(rendered.files["faq.html"])
    assert page.tags[:3] == ["section", "h2", "dl"]
    data = json.loads(rendered.files["faq.jsonld"])
    assert data["@type"] == "FAQPage"
    names = [q["name"] for q in data["mainEntity"]]
    answers = [q["acceptedAnswer"]["text"] for q in data["mainEntity"]]
    assert names == [" ".join(t.split()) for t in page.dt]
    assert [" ".join(a.split()) for a in answers] == [" ".join(t.split()) for t in page.dd]
    assert names[1] == f"Is {SCRIPT} safe?"
    assert check_faq(rendered.files) == []


def test_faq_check_catches_drift(rendered):
    files = dict(rendered.files)
    files["faq.jsonld"] = files["faq.jsonld"].replace("About a year.", "About two years.")
    codes = {b.code for b in check_faq(files)}
    assert "faq-visible" in codes
    files["faq.jsonld"] = "{not json"
    assert [b.code for b in check_faq(files)] == ["faq-jsonld"]


def test_faq_markdown_escaped(rendered):
    md = rendered.files["faq.md"]
    assert "### Is \\<script\\>alert('x')\\</script\\> safe?" in md
    assert "a\\_b" in md


def test_no_faq_files_without_faq():
    r = render_composition(composition(faq=False), SETTINGS)
    assert not any(name.startswith("faq") for name in r.files)
    assert r.manifest["faq"] is None
    assert r.manifest["warnings"] == [{"code": "no-faq", "message": "no FAQ found"}]
    assert "Questions this article answers" not in r.files["email.html"]


def test_manifest_contract(rendered):
    m = rendered.manifest
    assert set(m) == {"article", "email", "threads", "faq", "warnings"}
    assert set(m["article"]) == {"title", "url", "published", "sections", "word_count"}
    assert m["article"]["published"] == "2025-03-14"
    assert m["article"]["sections"][1] == {
        "id": "power-budget",
        "heading": "Power budget",
        "level": 2,
    }
    assert set(m["email"]) == {"subject", "preheader", "html", "text", "html_bytes"}
    assert m["email"]["html_bytes"] == len(rendered.files["email.html"].encode())
    assert m["email"]["html"] == "email.html" and m["email"]["text"] == "email.txt"
    x = m["threads"]["x"]
    assert x["file"] == "thread.x.txt" and x["limit"] == 280
    assert set(x["posts"][0]) == {"text", "length", "source"}
    assert x["posts"][0]["source"] == ["b1"]
    assert set(m["faq"]) == {"items", "html", "jsonld", "markdown"}
    assert m["faq"]["items"][0]["source"] == ["faq1"]
    text = dumps_manifest(m)
    assert text.endswith("}\n") and '\n  "article": {' in text
    assert json.loads(text) == m
    assert "<script>" not in text  # \u003c: safe to embed in a page
    keys = list(json.loads(text))
    assert keys == sorted(keys)


def test_only_parts():
    r = render_composition(composition(), SETTINGS, only={"thread"})
    assert set(r.files) == {"thread.x.txt", "thread.mastodon.txt"}
    assert r.manifest["email"] is None and r.manifest["faq"] is None
    r = render_composition(composition(), SETTINGS, only={"email"})
    assert set(r.files) == {"email.html", "email.txt"}
    assert r.manifest["threads"] == {}


def test_deterministic():
    a = render_composition(composition(), SETTINGS)
    b = render_composition(composition(), SETTINGS)
    assert a.files == b.files
    assert dumps_manifest(a.manifest) == dumps_manifest(b.manifest)


def test_size_warning(monkeypatch):
    comp = composition()
    block = comp.digest.blocks[0]
    many = tuple(block.model_copy(update={"heading": f"Part {i}"}) for i in range(140))
    big = comp.model_copy(update={"digest": comp.digest.model_copy(update={"blocks": many})})
    r = render_composition(big, SETTINGS)
    assert r.manifest["email"]["html_bytes"] >= EMAIL_WARN_BYTES
    assert "email-size" in [w["code"] for w in r.manifest["warnings"]]
    small = render_composition(comp, SETTINGS)
    assert "email-size" not in [w["code"] for w in small.manifest["warnings"]]


# ---- templates: lookup order, errors ----------------------------------------------------


def test_override_one_template_keep_the_rest(tmp_path: Path):
    over = tmp_path / "mine" / "social"
    over.mkdir(parents=True)
    (over / "x.txt.j2").write_text("{% for p in thread.posts %}X: {{ p.text }}\n{% endfor %}")
    r = render_composition(composition(), SETTINGS, templates=tmp_path / "mine", cwd=tmp_path)
    assert r.files["thread.x.txt"].startswith("X: We built")
    assert not r.files["thread.mastodon.txt"].startswith("X: ")  # packaged default


def test_local_templates_folder_then_explicit_folder(tmp_path: Path):
    local = tmp_path / "templates" / "social"
    local.mkdir(parents=True)
    (local / "x.txt.j2").write_text("local\n")
    r = render_composition(composition(), SETTINGS, cwd=tmp_path)
    assert r.files["thread.x.txt"] == "local\n"
    explicit = tmp_path / "explicit" / "social"
    explicit.mkdir(parents=True)
    (explicit / "x.txt.j2").write_text("explicit\n")
    r = render_composition(composition(), SETTINGS, templates=tmp_path / "explicit", cwd=tmp_path)
    assert r.files["thread.x.txt"] == "explicit\n"


def test_template_syntax_error_names_file_and_line(tmp_path: Path):
    d = tmp_path / "t" / "faq"
    d.mkdir(parents=True)
    (d / "faq.md.j2").write_text("ok\nstill ok\n{% for x in %}\n")
    with pytest.raises(TemplateError) as exc:
        render_composition(composition(), SETTINGS, templates=tmp_path / "t", cwd=tmp_path)
    msg = str(exc.value)
    assert "faq.md.j2:3" in msg and "syntax error" in msg
    assert "\n" not in msg


def test_missing_variable_names_file_and_line(tmp_path: Path):
    d = tmp_path / "t" / "email"
    d.mkdir(parents=True)
    (d / "_footer.mjml.j2").write_text(
        "    <mj-section><mj-column>\n<mj-text>{{ email.no_such_field }}</mj-text>\n"
        "</mj-column></mj-section>\n"
    )
    with pytest.raises(TemplateError) as exc:
        render_composition(composition(), SETTINGS, templates=tmp_path / "t", cwd=tmp_path)
    msg = str(exc.value)
    assert "_footer.mjml.j2:2" in msg and "no_such_field" in msg
    assert "'Email' has no attribute 'no_such_field'" in msg  # not 'repurpose.config.Email object'


def test_mjml_error_is_template_error(tmp_path: Path):
    d = tmp_path / "t" / "email"
    d.mkdir(parents=True)
    (d / "digest.mjml.j2").write_text("<mjml><mj-body><mj-section></mjml>\n")
    with pytest.raises(TemplateError) as exc:
        render_composition(composition(), SETTINGS, templates=tmp_path / "t", cwd=tmp_path)
    assert "digest.mjml.j2" in str(exc.value) and "MJML" in str(exc.value)


def test_missing_templates_folder(tmp_path: Path):
    with pytest.raises(TemplateError, match="templates folder not found"):
        render_composition(composition(), SETTINGS, templates=tmp_path / "nope", cwd=tmp_path)


def test_autoescape_only_for_markup():
    from repurpose.render.environment import autoescape_for

    assert autoescape_for("email/digest.mjml.j2")
    assert autoescape_for("email/_header.mjml.j2")
    assert autoescape_for("faq/faq.html.j2")
    assert not autoescape_for("social/x.txt.j2")
    assert not autoescape_for("faq/faq.md.j2")
    assert not autoescape_for("email/digest.txt.j2")
