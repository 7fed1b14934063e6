"""`repurpose count` as a user runs it: argument, stdin, --platform, --json, exit codes, limits."""

from __future__ import annotations

import json

import pytest


def test_count_all_platforms_text_argument(cli):
    r = cli("count", "See example.org 🎉")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert [ln.split()[0] for ln in lines] == ["X", "Bluesky", "Mastodon", "LinkedIn", "Threads"]
    assert "30 / 280" in lines[0]  # 4 + URL 23 + 1 + emoji 2


def test_count_json_and_platform_filter(cli):
    r = cli("count", "--json", "--platform", "x", "-p", "threads", "hello 👍")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["fits"] is True
    assert [(p["platform"], p["length"], p["limit"]) for p in data["platforms"]] == [
        ("x", 8, 280),
        ("threads", 10, 500),
    ]


def test_count_over_limit_exits_1(cli):
    r = cli("count", "-p", "x", "a" * 281)
    assert r.code == 1
    assert "OVER" in r.out and "1 weighted characters over the limit of 280" in r.out


def test_count_reads_stdin(cli):
    r = cli("count", "--json", "-p", "bluesky", "-", input="日本語 e\u0301\n")
    assert r.code == 0, r.err
    assert json.loads(r.out)["platforms"][0]["length"] == 5  # trailing newline not counted
    r = cli("count", "--json", "-p", "x", input="piped text")  # no argument, stdin is a pipe
    assert json.loads(r.out)["platforms"][0]["length"] == 10


def test_unknown_platform_one_line_error(cli):
    r = cli("count", "-p", "myspace", "hi")
    assert r.code == 1
    assert r.err.strip().count("\n") == 0 and "unknown platform 'myspace'" in r.err
    assert "Traceback" not in r.err


def test_limits_from_repurpose_toml(cli, tmp_path):
    (tmp_path / "repurpose.toml").write_text(
        "[social]\nlimits = {x = 25000, mastodon = 1000}\n", encoding="utf-8"
    )
    r = cli("count", "--json", "-p", "x", "-p", "mastodon", "a" * 600, cwd=tmp_path)
    assert r.code == 0, r.err
    assert [p["limit"] for p in json.loads(r.out)["platforms"]] == [25000, 1000]
    bare = tmp_path / "elsewhere"
    bare.mkdir()
    r = cli("count", "-p", "mastodon", "a" * 600, cwd=bare)  # default limit without the file
    assert r.code == 1


def test_limit_option_sets_a_servers_limit(cli, tmp_path):
    text = "a" * 600
    r = cli("count", "--json", "-p", "mastodon", "--limit", "mastodon=1000", text, cwd=tmp_path)
    assert r.code == 0, r.err
    assert json.loads(r.out)["platforms"][0]["limit"] == 1000
    r = cli("count", "-p", "mastodon", "--limit", "1000", text, cwd=tmp_path)  # the one platform
    assert r.code == 0 and "600 / 1000" in r.out, r.out + r.err
    # the option wins over repurpose.toml; other platforms keep theirs
    (tmp_path / "repurpose.toml").write_text("[social]\nlimits = {mastodon = 5000}\n")
    r = cli("count", "--json", "--limit", "mastodon=550", text, cwd=tmp_path)
    limits = {p["platform"]: p["limit"] for p in json.loads(r.out)["platforms"]}
    assert limits == {"x": 280, "bluesky": 300, "mastodon": 550, "linkedin": 3000, "threads": 500}
    assert r.code == 1  # over X's, Bluesky's, Mastodon's and Threads' limits


@pytest.mark.parametrize(
    "args,message",
    [
        (["--limit", "1000"], "--limit 1000: name the platform"),
        (["--limit", "mastodon=lots"], "--limit mastodon=lots: the limit must be a whole number"),
        (["--limit", "mastodon=0"], "limit for mastodon must be a positive whole number"),
        (["--limit", "myspace=10"], "unknown platform 'myspace'"),
    ],
)
def test_bad_limit_option_is_one_line(cli, tmp_path, args, message):
    r = cli("count", *args, "hello", cwd=tmp_path)
    assert r.code == 1 and r.out == ""
    assert r.err.count("\n") == 1 and message in r.err and "Traceback" not in r.err, r.err


@pytest.mark.parametrize(
    "limits,message",
    [
        ("{mastadon = 1000}", "social.limits: unknown platform 'mastadon'"),
        ("{mastodon = 0}", "social.limits: the mastodon limit must be at least 1"),
        ('{mastodon = "big"}', "social.limits.mastodon:"),
    ],
)
def test_bad_limits_in_repurpose_toml_name_the_file(cli, tmp_path, limits, message):
    (tmp_path / "repurpose.toml").write_text(f"[social]\nlimits = {limits}\n", encoding="utf-8")
    r = cli("count", "hello", cwd=tmp_path)
    assert r.code == 1 and r.out == ""
    assert r.err.count("\n") == 1 and "repurpose.toml: " + message in r.err, r.err


def test_stdin_empty_or_not_utf8(cli, tmp_path):
    # "-" with nothing piped counts the empty text; bytes that are not UTF-8 are one error line
    r = cli("count", "-p", "x", "-", input="", cwd=tmp_path)
    assert r.code == 0 and "0 / 280" in r.out
    bad = cli("count", "-", input=b"\xff\xfe", cwd=tmp_path)
    assert bad.code == 1 and bad.err.strip() == "error: standard input is not UTF-8 text"
