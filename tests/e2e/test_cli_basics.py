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
