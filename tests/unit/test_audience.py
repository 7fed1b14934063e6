"""Audience CSV files and the suppression list."""

from __future__ import annotations

import pytest

from repurpose.schedule.audience import (
    AudienceError,
    apply_suppression,
    load_audience,
    load_suppression,
    valid_email,
)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_recipients_with_merge_fields(tmp_path):
    p = write(
        tmp_path, "a.csv", "Email,Name,Company\nada@example.com,Ada,ACME\n\nbob@example.org,,\n"
    )
    got = load_audience(p)
    assert [(r.email, r.name, r.fields, r.line) for r in got] == [
        ("ada@example.com", "Ada", {"company": "ACME"}, 2),
        ("bob@example.org", "", {"company": ""}, 4),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "email,name\nada@example.com,Ada\nnot-an-address,Bob\n",
            r"a.csv:3: audience row: invalid email address 'not-an-address'",
        ),
        (
            "email,name\nada@example.com,Ada\nADA@example.com,Ada again\n",
            r"a.csv:3: audience row: duplicate address ADA@example.com \(first on line 2\)",
        ),
        ("email,name\nx@y,Ada\nbad,Bob\n", r"a.csv:2: .*invalid.*\(and 1 more bad rows\)"),
        ("name\nAda\n", r"a.csv:1: audience header has no `email` column"),
        (
            "email,name\nada@example.com,Ada,extra\n",
            r"a.csv:2: audience row: 3 fields but the header has 2",
        ),
        ("", r"a.csv: audience file is empty"),
        ("email,first name\n", r"a.csv:1: column 'first name' is not a usable merge field"),
    ],
)
def test_broken_rows_name_file_and_line(tmp_path, text, expected):
    p = write(tmp_path, "a.csv", text)
    with pytest.raises(AudienceError, match=expected):
        load_audience(p)


def test_missing_file(tmp_path):
    with pytest.raises(AudienceError, match="audience file not found"):
        load_audience(tmp_path / "none.csv")


def test_suppression_plain_and_csv(tmp_path):
    plain = write(tmp_path, "s.txt", "# unsubscribed\nBob@Example.org\n\n")
    assert load_suppression(plain) == {"bob@example.org"}
    csv_ = write(tmp_path, "s.csv", "reason,email\nbounced,ada@example.com\n")
    assert load_suppression(csv_) == {"ada@example.com"}
    assert load_suppression(None) == set()
    people = load_audience(
        write(tmp_path, "a.csv", "email\nada@example.com\nbob@example.org\nc@example.net\n")
    )
    kept, dropped = apply_suppression(people, load_suppression(plain) | load_suppression(csv_))
    assert [r.email for r in kept] == ["c@example.net"] and dropped == 2


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("a@example.com", True),
        ("a.b+tag@sub.example.co.uk", True),
        ("a@b", False),
        ("a..b@example.com", False),
        ("a@example.com\r\nBcc: x@y.z", False),
        ("@example.com", False),
    ],
)
def test_valid_email(address, ok):
    assert valid_email(address) is ok
