"""The CLI contract every command shares: version, help, errors without tracebacks."""

from __future__ import annotations

from repurpose import __version__
from repurpose.cli import COMMANDS


def test_version(cli):
    r = cli("--version")
    assert r.code == 0
    assert __version__ in r.out


def test_help_lists_every_command(cli):
    r = cli("--help")
    assert r.code == 0
    for name in COMMANDS:
        assert name in r.out


def test_unknown_command_is_a_usage_error(cli):
    r = cli("no-such-command")
    assert r.code == 2
    assert "Traceback" not in r.err


def test_usage_errors_are_one_line(cli):
    for args in (["count", "--bogus"], ["render"], ["no-such-command"]):
        r = cli(*args)
        assert r.code == 2, args
        lines = r.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), r.err
        assert "--help" in lines[0]


def test_verbose_shows_traceback_only_when_asked(cli, tmp_path):
    missing = tmp_path / "nope.txt"
    quiet = cli("inspect", str(missing))
    assert quiet.code == 1 and "Traceback" not in quiet.err
    assert quiet.err.strip() == f"error: {missing}: no such file"
    loud = cli("-v", "inspect", str(missing))
    assert loud.code == 1 and "Traceback" in loud.err


def test_no_color_means_no_escape_codes(cli, tmp_path):
    r = cli("inspect", str(tmp_path / "nope.txt"), env={"NO_COLOR": "1"})
    assert "\x1b[" not in r.err
