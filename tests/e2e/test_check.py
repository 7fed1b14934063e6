"""`repurpose check`: the same pipeline, exit 1 and one line per breach."""

from __future__ import annotations

from pathlib import Path

from repurpose.config import Settings
from repurpose.model import Post, Thread
from repurpose.pipeline import Bundle
from repurpose.render import render_composition
from repurpose.render.checks import check_bundle
from tests.conftest import FIXTURES
from tests.unit._compositions import composition

STATION = FIXTURES / "render" / "tiny-station.md"
SENDING_OK = """
[email]
postal_address = "12 Harbour Road, Port Example"
unsubscribe_url = "https://notes.example.org/unsub?e={email}&t={token}"
[smtp]
host = "127.0.0.1"
"""


def breaches(r) -> list[str]:
    return [line for line in r.out.splitlines() if line.strip()]


def test_clean_article_passes(tmp_path: Path, cli):
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 0, r.out + r.err
    assert breaches(r) == []
    assert not (tmp_path / "out").exists()  # check writes nothing


def test_sending_configured_needs_unsubscribe_and_address(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text('[smtp]\nhost = "127.0.0.1"\n')
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 1
    lines = breaches(r)
    assert any("[unsubscribe]" in line and "smtp.host" in line for line in lines)
    assert any("[postal-address]" in line for line in lines)
    assert all(line.startswith(str(STATION)) for line in lines)
    assert "Traceback" not in r.err and "check failed: 2 breaches" in r.err


def test_sending_configured_with_both_passes(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text(SENDING_OK)
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 0, r.out + r.err


def test_template_dropping_the_unsubscribe_link_is_caught(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text(SENDING_OK)
    t = tmp_path / "templates" / "email"
    t.mkdir(parents=True)
    (t / "_footer.mjml.j2").write_text(
        "<mj-section><mj-column><mj-text>{{ email.postal_address }}</mj-text>"
        "</mj-column></mj-section>\n"
    )
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 1
    assert any("email.html has no unsubscribe link" in line for line in breaches(r))


def test_email_over_budget(tmp_path: Path, cli):
    t = tmp_path / "big" / "email"
    t.mkdir(parents=True)
    (t / "_footer.mjml.j2").write_text(
        '<mj-section><mj-column><mj-text>{{ "lorem ipsum " * 9500 }}</mj-text>'
        "</mj-column></mj-section>\n"
    )
    r = cli("check", str(STATION), "--templates", str(tmp_path / "big"), cwd=tmp_path)
    assert r.code == 1
    assert any("[email-size]" in line and "102 KB" in line for line in breaches(r))


def test_faq_html_drifting_from_jsonld(tmp_path: Path, cli):
    t = tmp_path / "templates" / "faq"
    t.mkdir(parents=True)
    (t / "faq.html.j2").write_text(
        "<section><h2>FAQ</h2>{% for i in faq.items %}<h3>{{ i.question }}</h3>"
        "<p>{{ i.answer | truncate(20) }}</p>{% endfor %}</section>\n"
    )
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 1
    assert any("[faq-visible]" in line for line in breaches(r))


def test_link_without_scheme(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text('[brand]\nlogo_url = "www.example.org/logo.png"\n')
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 1
    lines = breaches(r)
    assert any("[link-scheme]" in line and "email.html" in line for line in lines)
    assert any("brand.logo_url has no scheme" in line for line in lines)


def test_missing_plain_text_part(tmp_path: Path, cli):
    t = tmp_path / "templates" / "email"
    t.mkdir(parents=True)
    (t / "digest.txt.j2").write_text("   \n")
    r = cli("check", str(STATION), cwd=tmp_path)
    assert r.code == 1
    assert any("[email-text]" in line for line in breaches(r))


def test_bad_input_is_one_line(tmp_path: Path, cli):
    r = cli("check", str(tmp_path / "missing.md"), cwd=tmp_path)
    assert r.code == 1
    assert "missing.md" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err  # no summary line after its own error
    # with several articles, a summary says how many failed
    r = cli("check", str(tmp_path / "missing.md"), str(STATION), cwd=tmp_path)
    assert r.code == 1
    assert r.err.strip().splitlines()[-1] == "error: check failed: 1 article failed to render"


def test_post_over_limit_is_a_breach():
    comp = composition()
    long = Post(text="word " * 70, length=350, source=("b1",))
    over = comp.model_copy(update={"threads": (Thread(platform="x", limit=280, posts=(long,)),)})
    settings = Settings()
    r = render_composition(over, settings)
    bundle = Bundle("s", over.article, over, r.files, r.manifest, r.warnings)
    found = check_bundle(bundle, settings)
    assert [b.code for b in found] == ["post-limit"]
    assert found[0].message == "thread.x.txt: post 1 is 350 characters; X allows 280"


def test_threads_post_with_more_than_five_links_is_a_breach():
    comp = composition()
    text = " ".join(f"https://site{i}.example.com/p" for i in range(6))
    post = Post(text=text, length=len(text), source=("b1",))
    over = comp.model_copy(
        update={"threads": (Thread(platform="threads", limit=500, posts=(post,)),)}
    )
    settings = Settings()
    r = render_composition(over, settings)
    bundle = Bundle("s", over.article, over, r.files, r.manifest, r.warnings)
    found = check_bundle(bundle, settings)
    assert [b.code for b in found] == ["post-links"]
    assert found[0].message == "thread.threads.txt: post 1 has 6 links; Threads allows 5"
