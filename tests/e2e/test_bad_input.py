"""Bad input never shows a traceback: one line naming the file, a non-zero exit code."""

from __future__ import annotations

import codecs
import os
import random

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
ARTICLE = (
    "A Café Opens by the Harbour\n\n"
    "The new café serves crêpes and coffee to the fishermen who come in at dawn, "
    "and it stays open until the last ferry leaves in the evening.\n"
)


def one_line_error(r, name: str) -> None:
    assert r.code != 0
    assert "Traceback" not in r.err
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error:") and name in lines[0], r.err


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t \n", "whitespace"),
        ("picture.txt", PNG, "PNG"),
        ("nul.txt", b"abc\x00def" * 100, "binary"),
        ("menu.txt", b"Home\nAbout\nContact\n", "no article"),
    ],
)
def test_refused(cli, tmp_path, name, data, says):
    path = tmp_path / name
    path.write_bytes(data)
    r = cli("inspect", str(path))
    one_line_error(r, name)
    assert says in r.err


def test_random_bytes_are_refused(cli, tmp_path):
    rng = random.Random(4)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    r = cli("inspect", str(path))
    one_line_error(r, "noise.txt")


def test_huge_file_is_refused(cli, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        line = b"This is a line of prose that repeats to make a very large file indeed.\n"
        f.write(line * (20 * 1024 * 1024 // len(line) + 1))
    assert os.path.getsize(path) >= 20 * 1024 * 1024
    r = cli("inspect", str(path))
    one_line_error(r, "huge.txt")
    assert "MB" in r.err


def test_damaged_utf8_is_refused_with_its_position(cli, tmp_path):
    """UTF-8 with broken bytes is not guessed as another encoding (that would be mojibake)."""
    good = ARTICLE.encode("utf-8")
    path = tmp_path / "damaged.txt"
    path.write_bytes(good[:40] + b"\xc3\x28\xa0\xa1" + good[40:])
    r = cli("inspect", str(path))
    one_line_error(r, "damaged.txt")
    assert "invalid UTF-8 at byte 40 (line 3)" in r.err


def test_html_page_without_an_article(cli, tmp_path):
    path = tmp_path / "landing.html"
    path.write_text(
        "<!doctype html><html><head><title>Acme</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>"
        "<footer>© 2025 Acme Ltd. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    r = cli("inspect", str(path))
    one_line_error(r, "landing.html")
    assert "no article found" in r.err


def test_directory(cli, tmp_path):
    r = cli("inspect", str(tmp_path))
    one_line_error(r, str(tmp_path))
    assert "directory" in r.err


def test_missing_path(cli, tmp_path):
    r = cli("inspect", str(tmp_path / "nope.txt"))
    one_line_error(r, "nope.txt")
    assert "no such file" in r.err


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("legacy.txt", ARTICLE.encode("cp1252")),
        ("latin1.txt", ARTICLE.encode("latin-1")),
        ("utf8bom.txt", codecs.BOM_UTF8 + ARTICLE.encode("utf-8")),
        ("utf16.txt", ARTICLE.encode("utf-16")),  # with BOM
        ("utf16be.txt", codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be")),
        ("utf32.txt", ARTICLE.encode("utf-32")),  # with BOM
        ("crlf.txt", ARTICLE.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_encodings_are_decoded(cli, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    r = cli("inspect", str(path))
    assert r.code == 0, r.err
    assert "title:     A Café Opens by the Harbour" in r.out


def test_stdin_empty(cli):
    r = cli("inspect", "-", input=b"")
    one_line_error(r, "<stdin>")


def test_verbose_shows_traceback_for_user_errors_only_on_request(cli, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    r = cli("-v", "inspect", str(path))
    assert r.code != 0
    assert "empty" in r.err
