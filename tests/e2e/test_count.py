"""`repurpose count` as a user runs it: argument, stdin, --platform, --json, exit codes, limits."""

from __future__ import annotations

import json


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
