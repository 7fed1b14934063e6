"""platforms.count_lines: the text `repurpose count` prints for Platform.report() dicts."""

from __future__ import annotations

from repurpose.platforms import count_lines, get_platform


def _report(label, length, limit, unit="characters", problems=(), **extra):
    return {
        "label": label,
        "length": length,
        "limit": limit,
        "unit": unit,
        "fits": not problems,
        "problems": list(problems),
        **extra,
    }


def test_labels_padded_numbers_in_columns_bytes_and_problems():
    reports = [
        _report("X", 12, 280, "weighted characters"),
        _report("Bluesky", 1234, 300, "graphemes", ["a", "b"], bytes=9, byte_limit=3000),
    ]
    assert count_lines(reports) == [
        "X" + " " * 12 + "12 / 280    weighted characters  ok",
        "Bluesky    1234 / 300    graphemes, 9/3000 bytes  OVER: a; b",
    ]


def test_lines_of_real_reports_say_over_and_why():
    text = "x" * 290 + " a.com b.com c.com d.com e.com f.com"
    reports = [get_platform(n).report(text) for n in ("threads", "x")]
    assert count_lines(reports) == [
        "Threads     326 / 500    characters  OVER: 6 links (at most 5)",
        "X           434 / 280    weighted characters  "
        "OVER: 154 weighted characters over the limit of 280",
    ]


def test_no_reports_no_lines():
    assert count_lines([]) == []
