"""`repurpose render` end to end, as a user runs it (a separate process per call)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

STATION = FIXTURES / "render" / "tiny-station.md"
PLAIN = FIXTURES / "render" / "plain-notes.txt"
OUTPUTS = {
    "email.html",
    "email.txt",
    "faq.html",
    "faq.jsonld",
    "faq.md",
    "manifest.json",
    *(f"thread.{p}.txt" for p in ("x", "bluesky", "mastodon", "linkedin", "threads")),
}


def one_line_error(r) -> None:
    assert r.code != 0
    assert "Traceback" not in r.err
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error: ")


@pytest.fixture(scope="module")
def station_out(tmp_path_factory) -> Path:
    from tests.conftest import run_cli

    out = tmp_path_factory.mktemp("render")
    r = run_cli("render", str(STATION), "-o", str(out), cwd=out)
    assert r.code == 0, r.err
    return out / "tiny-station"


def test_writes_every_piece(station_out: Path):
    assert {p.name for p in station_out.iterdir()} == OUTPUTS


def test_manifest_matches_files(station_out: Path):
    m = json.loads((station_out / "manifest.json").read_text())
    assert m["article"]["title"].startswith("Field notes")
    assert m["article"]["url"] == "https://notes.example.org/posts/tiny-station"
    assert m["article"]["published"] == "2025-04-02"
    assert [s["heading"] for s in m["article"]["sections"]][1:4] == [
        "Measuring before guessing",
        "The power budget",
        "Enclosure and mounting",
    ]
    assert m["email"]["html_bytes"] == (station_out / "email.html").stat().st_size
    for platform, thread in m["threads"].items():
        text = (station_out / thread["file"]).read_text()
        assert text == "\n\n".join(p["text"] for p in thread["posts"]) + "\n", platform
    assert len(m["faq"]["items"]) == 4
    assert (station_out / "manifest.json").read_text().endswith("}\n")


def test_posts_fit_their_platform(station_out: Path):
    from repurpose.platforms import get_platform

    m = json.loads((station_out / "manifest.json").read_text())
    assert set(m["threads"]) == {"x", "bluesky", "mastodon", "linkedin", "threads"}
    for name, thread in m["threads"].items():
        platform = get_platform(name)
        assert thread["limit"] == platform.limit
        for post in thread["posts"]:
            assert platform.length(post["text"]) <= thread["limit"]
            assert post["length"] == platform.length(post["text"])


def test_subject_and_preheader(station_out: Path):
    m = json.loads((station_out / "manifest.json").read_text())
    assert 0 < len(m["email"]["subject"]) <= 60
    assert m["email"]["preheader"] and m["email"]["preheader"] != m["email"]["subject"]


def test_utm_on_article_links(station_out: Path):
    html = (station_out / "email.html").read_text()
    assert (
        "https://notes.example.org/posts/tiny-station?utm_source=repurpose&amp;utm_medium=email"
        "&amp;utm_campaign=tiny-station" in html
    )
    x = (station_out / "thread.x.txt").read_text()
    assert "utm_medium=x" in x


def test_utm_configurable_and_switched_off(tmp_path: Path, cli):
    cfg = tmp_path / "repurpose.toml"
    cfg.write_text(
        '[utm]\nsource = "newsletter"\nmedium = "social-{channel}"\ncampaign = "spring"\n'
    )
    r = cli("-q", "render", str(STATION), "-o", str(tmp_path / "on"), cwd=tmp_path)
    assert r.code == 0, r.err
    out = tmp_path / "on" / "tiny-station"
    assert (
        "tiny-station?utm_source=newsletter&amp;utm_medium=social-email&amp;utm_campaign=spring"
        in (out / "email.html").read_text()
    )
    assert "utm_medium=social-email" in (out / "email.txt").read_text()
    assert "utm_medium=social-mastodon" in (out / "thread.mastodon.txt").read_text()
    cfg.write_text("[utm]\nenabled = false\n")
    r = cli("-q", "render", str(STATION), "-o", str(tmp_path / "off"), cwd=tmp_path)
    assert r.code == 0, r.err
    for f in (tmp_path / "off" / "tiny-station").iterdir():
        assert "utm_" not in f.read_text(), f.name
    assert (
        "https://notes.example.org/posts/tiny-station"
        in (tmp_path / "off" / "tiny-station" / "thread.x.txt").read_text()
    )


def test_progress_bar_on_a_terminal(tmp_path: Path):
    """Several articles on a terminal: a progress bar on stderr (not with -q, not when piped)."""
    import os
    import pty
    import subprocess
    import sys

    for i in range(3):
        shutil.copy(STATION, tmp_path / f"s{i}.md")

    def run(*extra: str) -> str:
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "repurpose", *extra, "render", *(f"s{i}.md" for i in range(3))],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env={**os.environ, "NO_COLOR": "1"},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(leader)
        assert proc.wait(timeout=60) == 0
        return b"".join(chunks).decode()

    shown = run()
    assert "Rendering" in shown and "3/3" in shown
    assert "Rendering" not in run("-q")


def test_script_in_article_escaped_everywhere(station_out: Path):
    m = json.loads((station_out / "manifest.json").read_text())
    assert m["faq"]["items"][0]["question"].startswith("Is the <script>alert(")
    for name in ("email.html", "faq.html", "faq.jsonld", "faq.md", "manifest.json"):
        text = (station_out / name).read_text()
        assert "<script>alert" not in text, name
    assert "&lt;script&gt;alert" in (station_out / "email.html").read_text()  # FAQ teaser
    assert "&lt;script&gt;alert" in (station_out / "faq.html").read_text()
    assert "\\<script\\>alert" in (station_out / "faq.md").read_text()
    assert "\\u003cscript\\u003ealert" in (station_out / "faq.jsonld").read_text()
    # the plain-text part shows it as the text it is
    assert '<script>alert("hi")</script>' in (station_out / "email.txt").read_text()


def test_faq_jsonld_equals_visible_html(station_out: Path):
    from repurpose.render.checks import check_faq

    files = {n: (station_out / n).read_text() for n in ("faq.html", "faq.jsonld")}
    assert check_faq(files) == []
    data = json.loads(files["faq.jsonld"])
    assert [q["name"] for q in data["mainEntity"]] == [
        'Is the <script>alert("hi")</script> in the logs a problem?',
        "How long does the battery really last?",
        "Can I use a rechargeable cell?",
        "Does it work indoors?",
    ]


def test_render_twice_is_byte_identical(tmp_path: Path, cli):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        r = cli("render", str(STATION), "-o", str(out), cwd=tmp_path)
        assert r.code == 0, r.err
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_byte_identical_across_processes_and_hash_seeds(tmp_path: Path, cli):
    """Two processes with different PYTHONHASHSEED (set and dict order of str keys differ
    between them), one without the template cache, rendering in the process pool (more than
    four articles): every file is byte-identical."""
    from tests.conftest import EXAMPLES, SEED_ARTICLE

    inputs = tmp_path / "in"
    inputs.mkdir()
    from repurpose.ingest import EXTENSIONS

    articles = [p for p in sorted(EXAMPLES.iterdir()) if p.suffix.lower() in EXTENSIONS]
    sources = [*articles, STATION, PLAIN]
    if SEED_ARTICLE.exists():
        sources.append(SEED_ARTICLE)
    for src in sources:
        shutil.copy(src, inputs / src.name)
    runs = (
        ("1", {"PYTHONHASHSEED": "1"}),
        ("2", {"PYTHONHASHSEED": "4242", "REPURPOSE_TEMPLATE_CACHE": "0"}),
    )
    for name, env in runs:
        r = cli("-q", "render", str(inputs), "-o", str(tmp_path / name), cwd=tmp_path, env=env)
        assert r.code == 0, r.err
    a, b = tmp_path / "1", tmp_path / "2"
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert len({f.parts[0] for f in files_a}) == len(sources)
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_json_prints_manifest(tmp_path: Path, cli):
    r = cli("render", str(STATION), "-o", str(tmp_path), "--json", cwd=tmp_path)
    assert r.code == 0, r.err
    printed = json.loads(r.out)
    assert printed == json.loads((tmp_path / "tiny-station" / "manifest.json").read_text())


def test_only_and_platform(tmp_path: Path, cli):
    r = cli(
        "render", str(STATION), "-o", str(tmp_path), "--only", "thread", "--platform", "x",
        "--platform", "bluesky", cwd=tmp_path,
    )  # fmt: skip
    assert r.code == 0, r.err
    out = tmp_path / "tiny-station"
    assert {p.name for p in out.iterdir()} == {
        "thread.x.txt",
        "thread.bluesky.txt",
        "manifest.json",
    }
    m = json.loads((out / "manifest.json").read_text())
    assert m["email"] is None and m["faq"] is None and set(m["threads"]) == {"x", "bluesky"}


def test_url_option_sets_article_url(tmp_path: Path, cli):
    r = cli("render", str(PLAIN), "-o", str(tmp_path), "--url", "https://garden.example.net/seeds",
            "--json", cwd=tmp_path)  # fmt: skip
    assert r.code == 0, r.err
    m = json.loads(r.out)
    assert m["article"]["url"] == "https://garden.example.net/seeds"
    html = (tmp_path / "plain-notes" / "email.html").read_text()
    assert "https://garden.example.net/seeds?utm_source=repurpose" in html


def test_no_url_no_call_to_action(tmp_path: Path, cli):
    r = cli("render", str(PLAIN), "-o", str(tmp_path), cwd=tmp_path)
    assert r.code == 0, r.err
    out = tmp_path / "plain-notes"
    m = json.loads((out / "manifest.json").read_text())
    assert m["article"]["url"] is None
    assert "Read the full article" not in (out / "email.html").read_text()
    # no FAQ in this article: no FAQ files, and a warning says so
    assert m["faq"] is None
    assert not (out / "faq.html").exists()
    assert m["warnings"]


def test_folder_in_parallel_with_a_bad_file(tmp_path: Path, cli):
    src = tmp_path / "articles"
    src.mkdir()
    for i in range(6):
        shutil.copy(STATION, src / f"station-{i}.md")
    (src / "broken.md").write_bytes(b"")
    (src / ".hidden.md").write_text("# hidden\n\nnot rendered")
    out = tmp_path / "out"
    r = cli("-q", "render", str(src), "-o", str(out), cwd=tmp_path)
    assert r.code == 1
    assert "Traceback" not in r.err
    errors = [line for line in r.err.splitlines() if line.startswith("error:")]
    assert any("broken.md" in line for line in errors)
    assert sorted(p.name for p in out.iterdir()) == [f"station-{i}" for i in range(6)]
    # same article, same output: only the slug (UTM campaign) differs
    first = (out / "station-0" / "email.html").read_text()
    for i in range(6):
        text = (out / f"station-{i}" / "email.html").read_text()
        assert text.replace(f"station-{i}", "station-0") == first


def test_missing_file_reported_rest_rendered(tmp_path: Path, cli):
    r = cli("render", str(tmp_path / "nope.md"), str(STATION), "-o", str(tmp_path / "o"),
            cwd=tmp_path)  # fmt: skip
    assert r.code == 1
    assert "nope.md" in r.err and "Traceback" not in r.err
    assert r.err.strip().splitlines()[-1] == "error: 1 of 2 articles failed"
    r = cli("render", str(tmp_path / "nope.md"), "-o", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(r)  # one article: its own line, no summary
    assert (tmp_path / "o" / "tiny-station" / "manifest.json").exists()


# ---- one-line errors ----------------------------------------------------------------------


def test_unknown_platform(tmp_path: Path, cli):
    r = cli("render", str(STATION), "--platform", "myspace", "-o", str(tmp_path), cwd=tmp_path)
    one_line_error(r)
    assert "myspace" in r.err


def test_unknown_platform_in_config(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text('[social]\nplatforms = ["x", "friendster"]\n')
    r = cli("render", str(STATION), "-o", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(r)
    assert "friendster" in r.err


def test_malformed_config(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text("[brand\nname = 1\n")
    r = cli("render", str(STATION), "-o", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(r)
    assert "repurpose.toml" in r.err


def test_unknown_config_key(tmp_path: Path, cli):
    cfg = tmp_path / "other.toml"
    cfg.write_text('[brand]\nnmae = "typo"\n')
    r = cli("render", str(STATION), "--config", str(cfg), "-o", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(r)
    assert "other.toml" in r.err and "brand.nmae" in r.err


def test_wrong_type_in_config(tmp_path: Path, cli):
    (tmp_path / "repurpose.toml").write_text('[social]\nmax_posts = "many"\n')
    r = cli("render", str(STATION), "-o", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(r)
    assert "social.max_posts" in r.err


def test_template_syntax_error(tmp_path: Path, cli):
    t = tmp_path / "mine" / "email"
    t.mkdir(parents=True)
    (t / "digest.txt.j2").write_text("{{ article.title }}\n{% if %}\n")
    r = cli("render", str(STATION), "--templates", str(tmp_path / "mine"), "-o",
            str(tmp_path / "o"), cwd=tmp_path)  # fmt: skip
    one_line_error(r)
    assert "digest.txt.j2:2" in r.err and "syntax error" in r.err


def test_missing_template_variable(tmp_path: Path, cli):
    t = tmp_path / "templates" / "social"  # ./templates in the working directory
    t.mkdir(parents=True)
    (t / "x.txt.j2").write_text("{% for p in thread.posts %}\n{{ p.txt }}\n{% endfor %}\n")
    r = cli("render", str(STATION), "-o", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(r)
    assert "x.txt.j2:2" in r.err and "txt" in r.err


def test_unwritable_outdir(tmp_path: Path, cli):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = cli("render", str(STATION), "-o", str(blocker / "out"), cwd=tmp_path)
    one_line_error(r)
    assert "a-file" in r.err


def test_unknown_only_part(tmp_path: Path, cli):
    r = cli("render", str(STATION), "--only", "email,podcast", "-o", str(tmp_path), cwd=tmp_path)
    one_line_error(r)
    assert "podcast" in r.err


def test_json_for_several_articles_is_a_list_in_input_order(tmp_path: Path, cli):
    r = cli("-q", "render", str(PLAIN), str(STATION), "-o", str(tmp_path), "--json", cwd=tmp_path)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert [m["article"]["title"][:11] for m in data] == ["Seed swaps ", "Field notes"]


def test_stdin(tmp_path: Path, cli):
    r = cli("render", "-", "-o", str(tmp_path), input=STATION.read_bytes(), cwd=tmp_path)
    assert r.code == 0, r.err
    # stdin has no file name: the slug comes from the title
    assert (tmp_path / "field-notes-a-weather-station-that-lives-on-a-coin-cell").is_dir()
    r = cli("render", "-", "-o", str(tmp_path), input=b"# Only a title\n", cwd=tmp_path)
    one_line_error(r)
    assert r.err.startswith("error: <stdin>: ") and "-: " not in r.err
