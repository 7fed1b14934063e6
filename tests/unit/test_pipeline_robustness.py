"""No real-world article crashes the pipeline or yields a broken piece.

Hand-made edge fixtures (tests/fixtures/edge/) and a few generated giants go through
repurpose.pipeline.build and through the CLI (render, check, inspect). Each gives good output that
keeps every invariant (assert_bundle_ok), or one clear line naming the file with exit != 0: never a
traceback, never an "unexpected" error, never a hang (pytest-timeout per test).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pytest

from repurpose.config import Settings
from repurpose.errors import InputError
from repurpose.pipeline import build
from repurpose.platforms import get_platform
from repurpose.render.checks import check_bundle
from tests.conftest import FIXTURES, run_cli

EDGE = FIXTURES / "edge"
EDGE_FILES = sorted(p for p in EDGE.iterdir() if p.is_file())

ARTICLE_KEYS = {"title", "url", "published", "sections", "word_count"}
EMAIL_KEYS = {"subject", "preheader", "html", "text", "html_bytes"}
MANIFEST_KEYS = {"article", "email", "threads", "faq", "warnings"}


def _norm(text: str) -> str:
    return " ".join(text.split())


def assert_bundle_ok(bundle, settings: Settings) -> None:
    """Every invariant a rendered bundle must keep, whatever the article looked like."""
    manifest = bundle.manifest
    # manifest.json: valid JSON, the documented keys, the same value as the manifest
    assert json.loads(bundle.manifest_text) == manifest
    assert set(manifest) == MANIFEST_KEYS
    assert set(manifest["article"]) == ARTICLE_KEYS
    assert _norm(manifest["article"]["title"]), "empty title"
    for s in manifest["article"]["sections"]:
        assert set(s) == {"id", "heading", "level"}
    for w in manifest["warnings"]:
        assert set(w) == {"code", "message"} and w["message"]

    # email: subject, both parts, the subject shown in the HTML
    email = manifest["email"]
    if email is not None:
        assert set(email) == EMAIL_KEYS
        subject = email["subject"]
        assert _norm(subject) == subject and subject, f"bad subject {subject!r}"
        page = bundle.files["email.html"]
        assert email["html_bytes"] == len(page.encode("utf-8"))
        assert html_lib.escape(subject, quote=False) in page or subject in html_lib.unescape(page)
        assert bundle.files["email.txt"].strip()

    # threads: every post non-empty, no blank line inside, within its platform's rules; the file
    # splits back into the manifest's posts
    wanted = set(settings.social.platforms)
    assert set(manifest["threads"]) == wanted
    for name, info in manifest["threads"].items():
        platform = get_platform(name, limit=info["limit"])
        posts = info["posts"]
        assert posts, f"{name}: no posts"
        texts = [p["text"] for p in posts]
        for i, post in enumerate(posts, 1):
            text = post["text"]
            assert text.strip(), f"{name} post {i} is empty"
            assert text == text.strip(), f"{name} post {i} has outer whitespace"
            assert "\n\n" not in text, f"{name} post {i} holds a blank line"
            n = platform.length(text)
            assert post["length"] == n, f"{name} post {i}: manifest says {post['length']}, is {n}"
            assert n <= info["limit"], f"{name} post {i} is {n} > {info['limit']}: {text!r}"
            assert not platform.problems(text), (name, i, platform.problems(text))
        assert bundle.files[info["file"]].rstrip("\n").split("\n\n") == texts, name
        assert len(posts) <= max(1, settings.social.max_posts), f"{name}: {len(posts)} posts"

    # FAQ: JSON-LD valid and equal to the visible FAQ (the manifest's items)
    faq = manifest["faq"]
    if faq is not None:
        assert faq["items"]
        data = json.loads(bundle.files["faq.jsonld"])
        entities = data["mainEntity"]
        assert [_norm(e["name"]) for e in entities] == [_norm(i["question"]) for i in faq["items"]]
        for e, item in zip(entities, faq["items"], strict=True):
            assert _norm(e["acceptedAnswer"]["text"]) == _norm(item["answer"])
            assert e["name"].strip() and e["acceptedAnswer"]["text"].strip()
    else:
        assert not any(name.startswith("faq.") for name in bundle.files)

    # and `repurpose check` finds nothing wrong (no sending configured here)
    assert check_bundle(bundle, settings) == []


def build_or_input_error(path: Path, settings: Settings, tmp_path: Path):
    """The bundle, or None when the reader refused the file with an InputError naming it."""
    try:
        bundle = build(str(path), settings, cwd=tmp_path)
    except InputError as exc:
        assert str(path) in str(exc), f"error does not name the file: {exc}"
        assert "\n" not in str(exc)
        return None
    assert_bundle_ok(bundle, settings)
    return bundle


# ---- generated giants -----------------------------------------------------------------------

_WORDS = [
    "we",
    "the",
    "garden",
    "and",
    "soil",
    "was",
    "dry",
    "so",
    "our",
    "beds",
    "needed",
    "water",
    "every",
    "morning",
    "before",
    "work",
    "tomatoes",
    "grew",
    "tall",
    "while",
    "the",
    "beans",
    "climbed",
    "slowly",
    "up",
    "the",
    "old",
    "fence",
    "near",
    "the",
    "shed",
]


def _giants(folder: Path) -> dict[str, Path]:
    """Big inputs made at test time: a 10,000-word paragraph without punctuation, a line of
    50,000 characters, ten 5,000-character words, 20,000 short lines."""
    folder.mkdir(parents=True, exist_ok=True)
    words = [_WORDS[(i * 7 + i // 13) % len(_WORDS)] for i in range(10_000)]
    files = {
        "ramble.txt": "A Very Long Ramble Without Stops\n\n" + " ".join(words) + "\n",
        "ramble-bare.txt": " ".join(words) + "\n",
        "ramble.md": "# A Very Long Ramble\n\n" + " ".join(words) + "\n",
        "long-line.txt": "One Very Long Line\n\nThe line below is a single run of characters.\n\n"
        + "x" * 50_000
        + "\n\nA normal sentence closes the article at the very end of it.\n",
        "long-line.md": "# One Very Long Line\n\n" + "ab" * 25_000 + "\n",
        # a minified page: the whole article on one line of more than 50,000 characters
        "long-line.html": "<html><head><title>Minified</title></head><body><nav><a href='/'>"
        "Home</a></nav><article><h1>A Minified Page</h1>"
        + "".join(
            f"<h2>Part {k}</h2><p>"
            + " ".join(words[k * 300 : k * 300 + 300])
            + ".</p><p>A normal sentence closes this part of the article.</p>"
            for k in range(30)
        )
        + "</article></body></html>",
        "long-words.md": "# Long words\n\n" + " ".join("y" * 5_000 for _ in range(10)) + ".\n",
        "many-lines.txt": "Twenty Thousand Lines\n\n"
        + "\n".join(f"Line {i} says the garden grew a little today." for i in range(20_000))
        + "\n",
    }
    out = {}
    for name, text in files.items():
        p = folder / name
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


GIANTS = [
    "ramble.txt",
    "ramble-bare.txt",
    "ramble.md",
    "long-line.txt",
    "long-line.md",
    "long-line.html",
    "long-words.md",
    "many-lines.txt",
]


# ---- in-process: every fixture keeps the invariants -------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", EDGE_FILES, ids=[p.name for p in EDGE_FILES])
def test_edge_fixture_builds_or_is_refused_clearly(path: Path, tmp_path: Path):
    build_or_input_error(path, Settings(), tmp_path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", GIANTS)
def test_giant_input_builds_or_is_refused_clearly(name: str, tmp_path: Path):
    path = _giants(tmp_path / "in")[name]
    build_or_input_error(path, Settings(), tmp_path)


# ---- what each fixture must give --------------------------------------------------------------

REFUSED = [
    "title-only.txt",
    "title-only.md",
    "title-only.html",
    "only-headings.md",
    "only-headings.txt",
    "front-matter-only.md",
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", REFUSED)
def test_files_without_an_article_are_refused_with_no_article_found(name: str, tmp_path: Path):
    with pytest.raises(InputError, match="no article found"):
        build(str(EDGE / name), Settings(), cwd=tmp_path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "name, title, headings",
    [
        ("chinese.txt", "城市社区花园的规划指南", ["选择合适的场地", "组织志愿者"]),
        ("arabic.txt", "دليل الحدائق المجتمعية في المدن", ["اختيار الموقع", "تنظيم المتطوعين"]),
        ("hebrew.md", "מדריך לגינה קהילתית", ["בחירת המקום", "ארגון המתנדבים"]),
        ("japanese.md", "家庭でできる堆肥づくり", ["必要な道具", "よくある失敗"]),
    ],
)
def test_non_latin_articles_are_read_with_their_title_and_sections(
    name: str, title: str, headings: list[str], tmp_path: Path
):
    bundle = build(str(EDGE / name), Settings(), cwd=tmp_path)
    assert_bundle_ok(bundle, Settings())
    assert bundle.article.title == title
    got = [s.heading for s in bundle.article.sections if s.heading]
    assert all(h in got for h in headings), got
    assert bundle.article.word_count >= 20  # unspaced scripts are not "a few words"


@pytest.mark.timeout(60)
def test_windows_1252_smart_quotes_are_decoded(tmp_path: Path):
    bundle = build(str(EDGE / "cp1252.txt"), Settings(), cwd=tmp_path)
    text = " ".join(b.text for s in bundle.article.sections for b in s.blocks if hasattr(b, "text"))
    assert "“this is fine”" in text and "wasn’t" in text and "€" in text and "—" in text
    assert "\ufffd" not in bundle.manifest_text


LEAKS = re.compile(
    r"SCRIPTLEAK|STYLELEAK|ONLOADLEAK|CLICKLEAK|HOVERLEAK|ONERRORLEAK|IFRAMELEAK|NOSCRIPTLEAK"
    r"|JSLINKLEAK|javascript:|<script(?![^>]*application/ld\+json)|\bon(?:load|click|error|mouseover)\s*=",
    re.I,
)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["script-style.html", "script-in-markdown.md"])
def test_scripts_styles_and_event_handlers_never_reach_any_output(name: str, tmp_path: Path):
    bundle = build(str(EDGE / name), Settings(), cwd=tmp_path)
    assert_bundle_ok(bundle, Settings())
    outputs = {**bundle.files, "manifest.json": bundle.manifest_text}
    for fname, text in outputs.items():
        m = LEAKS.search(text)
        assert m is None, f"{fname} leaks {m.group(0)!r}"
    # the article itself survived
    assert [s.heading for s in bundle.article.sections if s.heading][:2] == [
        "Store tools properly",
        "Wear the right gear",
    ]


@pytest.mark.timeout(60)
def test_many_links_respect_threads_link_cap_and_every_limit(tmp_path: Path):
    settings = Settings()
    bundle = build(str(EDGE / "many-links.md"), settings, cwd=tmp_path)
    assert_bundle_ok(bundle, settings)
    threads = get_platform("threads")
    for post in bundle.manifest["threads"]["threads"]["posts"]:
        assert len(threads.links(post["text"])) <= 5, post["text"]


@pytest.mark.timeout(60)
def test_faq_answers_with_lists_and_links_keep_them_and_match_the_json_ld(tmp_path: Path):
    bundle = build(str(EDGE / "faq-rich.md"), Settings(), cwd=tmp_path)
    assert_bundle_ok(bundle, Settings())
    items = bundle.manifest["faq"]["items"]
    assert [i["question"] for i in items] == [
        "What do I need to install one?",
        "Is the water safe to drink?",
        "How often should I clean it?",
    ]
    # list items and link words stay in the answer; a bare URL stays as written
    assert "- a diverter kit for the downpipe" in items[0]["answer"]
    assert "installation guide" in items[0]["answer"]
    assert (
        "bird droppings" in items[1]["answer"] and "example.org/rain/safety" in items[1]["answer"]
    )
    page = bundle.files["faq.html"]
    assert "diverter kit" in page and "https://example.org/rain/safety" in page


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Le café était très “bon” — l’été dernier, à Noël. Où êtes-vous allés?", "cp1252"),
        ("Die Straße war „schön“ – für Müller und Ärzte gleichermaßen größer.", "cp1252"),
        ("Привет, мир! Это “тест” — проверка кодировки для русского текста.", "cp1251"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy — „citace“ v češtině.", "cp1250"),
        ("Zażółć gęślą jaźń, a potem „idź” do domu — powiedział Łukasz.", "cp1250"),
        ("Καλημέρα κόσμε, αυτό είναι ένα “δοκιμαστικό” κείμενο στα ελληνικά.", "cp1253"),
    ],
)
def test_short_legacy_8bit_text_decodes_to_its_own_letters(text: str, encoding: str):
    from repurpose.ingest.decode import decode

    assert decode(text.encode(encoding), path="x.txt") == text


@pytest.mark.timeout(60)
def test_duplicate_headings_get_distinct_section_ids(tmp_path: Path):
    bundle = build(str(EDGE / "duplicate-headings.md"), Settings(), cwd=tmp_path)
    ids = [s["id"] for s in bundle.manifest["article"]["sections"]]
    assert len(ids) == len(set(ids))
    x = [p["text"] for p in bundle.manifest["threads"]["x"]["posts"]]
    assert len(x) == len(set(x)), "identical posts in one thread"


# ---- the CLI: good output or one line naming the file -------------------------------------------


def _one_line_errors(err: str) -> list[str]:
    assert "Traceback" not in err, err
    assert "unexpected" not in err.lower(), err
    return [ln for ln in err.splitlines() if ln.strip()]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", EDGE_FILES, ids=[p.name for p in EDGE_FILES])
def test_cli_inspect_each_fixture(path: Path):
    r = run_cli("inspect", str(path), timeout=60)
    lines = _one_line_errors(r.err)
    if r.code == 0:
        assert r.out.startswith("title:") and not lines
    else:
        assert r.code not in (70,) and len(lines) == 1 and str(path) in lines[0], r.err
    r = run_cli("inspect", "--json", str(path), timeout=60)
    _one_line_errors(r.err)
    if r.code == 0:
        json.loads(r.out)


@pytest.mark.timeout(300)
def test_cli_render_and_check_every_edge_file_at_once(tmp_path: Path):
    giants = _giants(tmp_path / "in")  # (all of them are built in-process above)
    paths = [str(p) for p in EDGE_FILES] + [
        str(giants[n]) for n in ("ramble.txt", "long-line.html")
    ]
    refused = {str(EDGE / n) for n in REFUSED}
    out = tmp_path / "out"
    r = run_cli("render", "-o", str(out), *paths, cwd=tmp_path, timeout=240)
    errors = [ln for ln in _one_line_errors(r.err) if ln.startswith("error: ")]
    failed = {p for p in paths if any(ln.startswith(f"error: {p}: ") for ln in errors)}
    assert failed == refused, errors
    for p in failed:  # one line per failed file, saying why
        (line,) = [ln for ln in errors if p in ln]
        assert "no article found" in line
    assert errors[-1] == f"error: {len(refused)} of {len(paths)} articles failed"
    assert r.code not in (0, 70)
    for p in paths:
        if p in failed:
            continue
        manifest = json.loads((out / Path(p).stem / "manifest.json").read_text(encoding="utf-8"))
        assert set(manifest) == MANIFEST_KEYS

    # check: the refused files fail with their one line; every other file has no breach
    r = run_cli("check", *paths, cwd=tmp_path, timeout=240)
    errors = [ln for ln in _one_line_errors(r.err) if ln.startswith("error: ")]
    assert r.code == 1 and not r.out.strip(), r.out
    assert errors[-1] == f"error: check failed: {len(refused)} articles failed to render"
    good = sorted(set(paths) - refused)
    r = run_cli("check", *good, cwd=tmp_path, timeout=240)
    assert r.code == 0, r.out + r.err


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", [*REFUSED[:3], "only-code.md", "chinese.txt"])
def test_cli_render_one_file(name: str, tmp_path: Path):
    path = str(EDGE / name)
    r = run_cli("render", "-o", str(tmp_path / "out"), path, cwd=tmp_path, timeout=60)
    lines = _one_line_errors(r.err)
    if name in REFUSED:
        assert r.code not in (0, 70) and len(lines) == 1 and path in lines[0], r.err
        assert "no article found" in lines[0]
    else:
        assert r.code == 0, r.err
