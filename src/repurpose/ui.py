"""Terminal output shared by the faces: quiet/verbose state, NO_COLOR, one-line errors."""

from __future__ import annotations

import os
import sys

import click


class _State:
    verbose: bool = False
    quiet: bool = False


state = _State()


def color_enabled(stream=None) -> bool:
    """Colour only on a terminal and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def style(text: str, **kwargs) -> str:
    return click.style(text, **kwargs) if color_enabled() else text


def info(message: str) -> None:
    """Progress and summaries: silenced by -q."""
    if not state.quiet:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """Warnings stay visible with -q; they go to stderr so stdout stays machine-readable."""
    prefix = click.style("warning:", fg="yellow") if color_enabled(sys.stderr) else "warning:"
    click.echo(f"{prefix} {message}", err=True)


def error(message: str) -> None:
    prefix = click.style("error:", fg="red", bold=True) if color_enabled(sys.stderr) else "error:"
    click.echo(f"{prefix} {message}", err=True)


def debug(message: str) -> None:
    if state.verbose:
        click.echo(message, err=True)
