"""`repurpose count [TEXT | -]`: count a text exactly as each platform counts it."""

from __future__ import annotations

import json
import sys

import click


def _read_text(text: str | None) -> str:
    if text == "-" or (text is None and not sys.stdin.isatty()):
        data = sys.stdin.buffer.read()
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            from repurpose.errors import InputError

            raise InputError("standard input is not UTF-8 text") from None
        # the newline a pipe or editor adds at the very end is not part of the post
        if value.endswith("\r\n"):
            return value[:-2]
        return value[:-1] if value.endswith("\n") else value
    if text is None:
        from repurpose.errors import InputError

        raise InputError("give the TEXT to count, or pipe it in (use - for standard input)")
    return text


@click.command(name="count")
@click.argument("text", required=False, metavar="[TEXT | -]")
@click.option(
    "--platform",
    "-p",
    "names",
    multiple=True,
    metavar="NAME",
    help="Platform to count for (repeatable): x, bluesky, mastodon, linkedin, threads. "
    "Default: all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="repurpose.toml whose [social] limits to use (default: ./repurpose.toml if present).",
)
@click.option(
    "--limit",
    "limit_opts",
    multiple=True,
    metavar="[NAME=]N",
    help="Limit to count against (repeatable), e.g. --limit mastodon=1000 for your server; "
    "a bare N applies to the one --platform given. Overrides repurpose.toml.",
)
def command(text, names, as_json, config_path, limit_opts):
    """Count TEXT (or standard input) for each platform: length and limit; exit 1 when the
    text is over any limit."""
    from repurpose.config import load_settings
    from repurpose.platforms import choose_platforms, count_lines

    settings = load_settings(config_path)
    chosen = choose_platforms(names, limits=settings.social.limits, options=limit_opts)
    body = _read_text(text)
    reports = [p.report(body) for p in chosen]
    ok = all(r["fits"] for r in reports)
    if as_json:
        click.echo(json.dumps({"fits": ok, "platforms": reports}, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(count_lines(reports)))
    return 0 if ok else 1
