"""The README is part of the product: every command and every option must be documented there."""

from __future__ import annotations

import re

import click
import pytest

from repurpose.cli import COMMANDS, cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands():
    ctx = click.Context(cli)
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            for sub in cmd.list_commands(ctx):
                yield f"{name} {sub}", cmd.get_command(ctx, sub)
        else:
            yield name, cmd


@pytest.mark.parametrize(
    "name,cmd", list(_commands()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_command_and_options_documented(name, cmd):
    assert cmd is not None, f"command {name} is listed but not built"
    assert f"repurpose {name}" in README, f"README does not mention `repurpose {name}`"
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.hidden:
            longs = [o for o in param.opts if o.startswith("--")]
            if longs and "--help" not in longs:
                assert any(re.search(re.escape(o) + r"\b", README) for o in longs), (
                    f"README does not document {longs[0]} of `repurpose {name}`"
                )


def test_readme_has_quick_start():
    assert "make demo" in README and "make test" in README
